package dev.fastnn.kernels.vector;

import java.util.Arrays;

/**
 * Packing for {@link GemmDriver}: copies blocks of {@code op(A)} and {@code op(B)} into the layouts the
 * micro-kernels read, absorbing the transposes and padding the edges with zeros, so that the micro-kernels
 * only ever see one layout. Scalar Java except B's full panels, which {@link MicroKernels#packPanel} copies by
 * vector (it needs the species as a constant). The sources are row-major, or (used transposed, so that
 * {@link GemmDriver} cannot read them where they lie) A in slivers of MR rows and B in panels of nr columns.
 */
final class GemmPacking {
    private static final int MR = MicroKernels.MR;

    private final MicroKernels kernels;
    private final int nr;

    GemmPacking(MicroKernels kernels) {
        this.kernels = kernels;
        this.nr = kernels.nr();
    }

    /** {@code op(B)[pc:pc+kc, jc:jc+nc]} of the call's B, as {@link #packB(float[], int, boolean, int, int, int, int, int, float[])}. */
    void packB(GemmDriver.Call p, int panel, int pc, int kc, int jc, int nc, float[] out) {
        if (p.bPanels) {
            // The driver reads untransposed panels where they lie; only transposed ones are packed.
            packPanelsTransposed(p.b, p.bRows, panel, pc, kc, jc, nc, out);
        } else {
            packB(p.b, p.ldb, p.transB, panel, pc, kc, jc, nc, out);
        }
    }

    /**
     * As {@link #packB(float[], int, boolean, int, int, int, int, int, float[])} for {@code op(B) = B^T} with B
     * ({@code bRows} rows) stored in panels of nr columns: op(B)'s step p is B's column p, whose rows lie nr apart.
     */
    private void packPanelsTransposed(float[] b, int bRows, int panel, int pc, int kc, int jc, int nc, float[] out) {
        for (int jr = 0; jr < nc; jr += panel) {
            int cols = Math.min(panel, nc - jr);
            int base = jr * kc;
            int j = jc + jr;
            for (int q = 0; q < kc; q++) {
                int step = pc + q;
                int src = (step / nr) * bRows * nr + step % nr + j * nr;
                int o = base + q * panel;
                for (int jj = 0; jj < cols; jj++, src += nr) {
                    out[o + jj] = b[src];
                }
                for (int jj = cols; jj < panel; jj++) {
                    out[o + jj] = 0f;
                }
            }
        }
    }

    /**
     * {@code op(B)[pc:pc+kc, jc:jc+nc]} as panels of {@code panel} columns (nr, or one vector for the narrow
     * path): panel q, step p, column j at {@code q kc panel + p panel + j}; columns past the matrix are zero.
     */
    private void packB(float[] b, int ldb, boolean transB, int panel, int pc, int kc, int jc, int nc, float[] out) {
        for (int jr = 0; jr < nc; jr += panel) {
            int cols = Math.min(panel, nc - jr);
            int base = jr * kc;
            int j = jc + jr;
            if (transB) {
                // Sequential writes; the panel rows read in step stay in L1 across the steps that share a line.
                for (int q = 0; q < kc; q++) {
                    int o = base + q * panel;
                    int src = j * ldb + pc + q;
                    for (int jj = 0; jj < cols; jj++, src += ldb) {
                        out[o + jj] = b[src];
                    }
                }
            } else if (cols == panel && panel == nr) {
                kernels.packPanel(b, pc * ldb + j, ldb, kc, out, base);
            } else {
                for (int q = 0; q < kc; q++) {
                    System.arraycopy(b, (pc + q) * ldb + j, out, base + q * panel, cols);
                }
            }
            if (cols < panel) {
                for (int q = 0; q < kc; q++) {
                    for (int jj = cols; jj < panel; jj++) {
                        out[base + q * panel + jj] = 0f;
                    }
                }
            }
        }
    }

    /** {@code op(A)[ic:ic+mc, pc:pc+kc]} of the call's A, as {@link #packA(float[], int, boolean, int, int, int, int, float[])}. */
    static void packA(GemmDriver.Call p, int ic, int mc, int pc, int kc, float[] out) {
        if (p.aSlivers) {
            packSliversTransposed(p.a, p.lda, ic, mc, pc, kc, out);
        } else {
            packA(p.a, p.lda, p.transA, ic, mc, pc, kc, out);
        }
    }

    /**
     * As {@link #packA(float[], int, boolean, int, int, int, int, float[])} for {@code op(A) = A^T} with A
     * ({@code lda} columns, its rows a multiple of MR) stored in slivers of MR rows: op(A)'s step p is A's row p.
     * A's sliver of steps q0..q0+MR-1 holds each of op(A)'s rows as MR consecutive floats, so each is read in
     * one run and written MR apart: an MR x MR transpose per block, read sequentially.
     */
    private static void packSliversTransposed(float[] a, int lda, int ic, int mc, int pc, int kc, float[] out) {
        int mr = MR;
        for (int ir = 0; ir < mc; ir += mr) {
            int rows = Math.min(mr, mc - ir);
            int base = ir * kc - pc * mr;
            int i = ic + ir;
            for (int q0 = pc - pc % mr; q0 < pc + kc; q0 += mr) {
                int from = Math.max(q0, pc);
                int to = Math.min(q0 + mr, pc + kc);
                int src = q0 * lda + i * mr - q0;
                if (to - from == mr) {
                    // A whole block: the steps of one row in one straight run, as packA's full slivers.
                    for (int r = 0, o = base + q0 * mr; r < rows; r++, src += mr, o++) {
                        out[o] = a[src + q0];
                        out[o + mr] = a[src + q0 + 1];
                        out[o + 2 * mr] = a[src + q0 + 2];
                        out[o + 3 * mr] = a[src + q0 + 3];
                        out[o + 4 * mr] = a[src + q0 + 4];
                        out[o + 5 * mr] = a[src + q0 + 5];
                        out[o + 6 * mr] = a[src + q0 + 6];
                        out[o + 7 * mr] = a[src + q0 + 7];
                    }
                } else {
                    for (int r = 0; r < rows; r++, src += mr) {
                        for (int q = from; q < to; q++) {
                            out[base + q * mr + r] = a[src + q];
                        }
                    }
                }
                for (int r = rows; r < mr; r++) {
                    for (int q = from; q < to; q++) {
                        out[base + q * mr + r] = 0f;
                    }
                }
            }
        }
    }

    /**
     * Rows {@code pc..pc+kc} of the row-major {@code a} ({@code lda} columns), {@code cols} of them from column
     * {@code j}, as rows of {@code width} floats from {@code out[0]}, zero-padded.
     */
    static void packRows(float[] a, int lda, int pc, int kc, int j, int cols, int width, float[] out) {
        for (int q = 0; q < kc; q++) {
            int o = q * width;
            System.arraycopy(a, (pc + q) * lda + j, out, o, cols);
            Arrays.fill(out, o + cols, o + width, 0f);
        }
    }

    /**
     * {@code op(A)[ic:ic+mc, pc:pc+kc]} as slivers of MR rows: sliver s, step p, row r at
     * {@code s kc MR + p MR + r}; rows past the matrix are zero.
     */
    private static void packA(float[] a, int lda, boolean transA, int ic, int mc, int pc, int kc, float[] out) {
        int mr = MR;
        for (int ir = 0; ir < mc; ir += mr) {
            int rows = Math.min(mr, mc - ir);
            int base = ir * kc;
            int i = ic + ir;
            if (rows == mr && transA) {
                // MR floats per step: an arraycopy call costs more than the copy.
                for (int q = 0, s0 = pc * lda + i, o = base; q < kc; q++, s0 += lda, o += mr) {
                    out[o] = a[s0];
                    out[o + 1] = a[s0 + 1];
                    out[o + 2] = a[s0 + 2];
                    out[o + 3] = a[s0 + 3];
                    out[o + 4] = a[s0 + 4];
                    out[o + 5] = a[s0 + 5];
                    out[o + 6] = a[s0 + 6];
                    out[o + 7] = a[s0 + 7];
                }
            } else if (rows == mr) {
                // MR read streams and one sequential write stream, rather than MR passes of strided writes.
                int s0 = i * lda + pc;
                for (int q = 0, o = base; q < kc; q++, o += mr) {
                    out[o] = a[s0 + q];
                    out[o + 1] = a[s0 + lda + q];
                    out[o + 2] = a[s0 + 2 * lda + q];
                    out[o + 3] = a[s0 + 3 * lda + q];
                    out[o + 4] = a[s0 + 4 * lda + q];
                    out[o + 5] = a[s0 + 5 * lda + q];
                    out[o + 6] = a[s0 + 6 * lda + q];
                    out[o + 7] = a[s0 + 7 * lda + q];
                }
            } else if (transA) {
                for (int q = 0; q < kc; q++) {
                    System.arraycopy(a, (pc + q) * lda + i, out, base + q * mr, rows);
                }
            } else {
                for (int r = 0; r < rows; r++) {
                    int src = (i + r) * lda + pc;
                    for (int q = 0; q < kc; q++) {
                        out[base + q * mr + r] = a[src + q];
                    }
                }
            }
            if (rows < mr) {
                for (int q = 0; q < kc; q++) {
                    for (int r = rows; r < mr; r++) {
                        out[base + q * mr + r] = 0f;
                    }
                }
            }
        }
    }
}
