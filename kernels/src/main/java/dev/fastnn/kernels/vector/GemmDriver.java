package dev.fastnn.kernels.vector;

/**
 * The vector backend's gemm: Goto's block loops around the {@link MicroKernels}, in the order BLIS names
 * them. {@code jc} walks C's columns {@value #NC} at a time, {@code pc} the inner dimension {@value #KC} at a
 * time, packing that block of {@code op(B)} into panels of {@code nr} columns (two vectors; each panel
 * {@code KC nr} floats, 32 KiB at 512 bits, stays in L1 while every row sliver of A passes over it), and
 * {@code ic} walks C's rows {@value #MC} at a time, packing that block of {@code op(A)} (96 KiB, L2) into
 * slivers of {@link #MR} rows ({@link GemmPacking}); inside, every {@code MR x nr} tile is one micro-kernel call.
 *
 * <p>The path is chosen once per call, from C's width (see {@link Path}), and so are the threads: only products
 * above {@value #PARALLEL_MIN_MULTIPLY_ADDS} multiply-adds are split ({@link ThreadSplit}), by columns when
 * there are at least as many column panels as row slivers, else by rows; below that the hand-off costs more
 * than it saves. The tile loop then dispatches on the path with a branch that is the same for every tile of
 * the call, rather than through an interface call that would turn megamorphic once all three paths have run in
 * one JVM. Packing buffers belong to each thread and are reused, so a call allocates nothing.
 */
public final class GemmDriver implements AutoCloseable {
    /** Steps of k per packed block: A sliver and B panel of one micro-kernel call fit L1 together. */
    public static final int KC = 256;
    /** Rows of A per packed block: a multiple of {@link #MR}, {@code MC x KC} floats fit L2. */
    public static final int MC = 96;
    /** Columns of B per packed block: a multiple of every {@code nr}; {@code KC x NC} floats (1 MiB) fit L2/L3. */
    public static final int NC = 1024;
    /** Rows of the register tile: the micro-kernels' {@link MicroKernels#MR}. */
    public static final int MR = MicroKernels.MR;
    /** Smallest product (m n k) that is split over threads. */
    public static final long PARALLEL_MIN_MULTIPLY_ADDS = 1L << 21;

    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    /** How A reaches the micro-kernel, which follows from C's width {@code n} and the tile width {@code nr}. */
    enum Path {
        /** {@code n > 2 nr}: A is reused over more than two panels, so it pays to pack it. */
        PACKED,
        /** {@code nr / 2 < n <= 2 nr}: A is not reused enough to pay for packing; the micro-kernel reads it in place. */
        IN_PLACE,
        /** {@code n <= nr / 2}: a one-vector tile (an output layer of 10 classes) wastes fewer lanes than two vectors. */
        NARROW;

        static Path of(int n, int nr) {
            if (n > 2 * nr) {
                return PACKED;
            }
            return n <= nr / 2 ? NARROW : IN_PLACE;
        }
    }

    private final MicroKernels kernels;
    private final int nr;
    private final GemmPacking packing;
    /** {@code null} with one thread. */
    private final ThreadSplit split;

    GemmDriver(MicroKernels kernels, int threads, String poolName) {
        this.kernels = kernels;
        this.nr = kernels.nr();
        this.packing = new GemmPacking(kernels);
        this.split = threads == 1 ? null : new ThreadSplit(threads, poolName);
    }

    /** Columns of the register tile. */
    int nr() {
        return nr;
    }

    /** {@code C = alpha op(A) op(B) + beta C} on row-major arrays ({@code C} is {@code m x n}, dense); arguments checked. */
    void multiply(boolean transA, boolean transB, int m, int n, int k,
                  float alpha, float[] a, int lda, float[] b, int ldb, float beta, float[] c) {
        Workspace ws = WORKSPACE.get();
        Call p = ws.call.set(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, Path.of(n, nr), nr);
        int parts = split == null || (long) m * n * k < PARALLEL_MIN_MULTIPLY_ADDS ? 1 : split.threads();
        int panels = (n + nr - 1) / nr;
        int slivers = (m + MR - 1) / MR;
        try {
            if (parts > 1 && panels >= parts && panels >= slivers) {
                split.run(parts, panels, nr, n, (from, to) -> blocks(p, WORKSPACE.get(), 0, m, from, to));
            } else if (parts > 1 && slivers >= parts) {
                split.run(parts, slivers, MR, m, (from, to) -> blocks(p, WORKSPACE.get(), from, to, 0, n));
            } else {
                blocks(p, ws, 0, m, 0, n);
            }
        } finally {
            p.clear();
        }
    }

    /**
     * {@code C[i0:i1, j0:j1]}, with i0 a multiple of MR and j0 of nr so that tiles fall where they would in one
     * piece. Runs on the caller's thread or a worker's; {@code ws} is that thread's.
     */
    private void blocks(Call p, Workspace ws, int i0, int i1, int j0, int j1) {
        Path path = p.path;
        int panel = p.panel;
        int rowStride = p.rowStride;
        int stepStride = p.stepStride;
        float[] packedB = ws.packedB(KC * roundUp(Math.min(NC, j1 - j0), panel));
        float[] packedA = path == Path.PACKED ? ws.packedA(MC * KC) : null;
        float[] tile = ws.tile(MR * nr);
        int ldc = p.n;
        for (int jc = j0; jc < j1; jc += NC) {
            int nc = Math.min(NC, j1 - jc);
            for (int pc = 0; pc < p.k; pc += KC) {
                int kc = Math.min(KC, p.k - pc);
                float beta = pc == 0 ? p.beta : 1f;
                packing.packB(p.b, p.ldb, p.transB, panel, pc, kc, jc, nc, packedB);
                for (int ic = i0; ic < i1; ic += MC) {
                    int mc = Math.min(MC, i1 - ic);
                    if (packedA != null) {
                        GemmPacking.packA(p.a, p.lda, p.transA, ic, mc, pc, kc, packedA);
                    }
                    for (int jr = 0; jr < nc; jr += panel) {
                        int cols = Math.min(panel, nc - jr);
                        int bo = jr * kc;
                        for (int ir = 0; ir < mc; ir += MR) {
                            int rows = Math.min(MR, mc - ir);
                            int i = ic + ir;
                            int co = i * ldc + jc + jr;
                            if (path == Path.NARROW) {
                                kernels.multiplyNarrow(kc, p.a, i * rowStride + pc * stepStride, rowStride, stepStride,
                                        packedB, bo, p.c, co, ldc, rows, cols, p.alpha, beta, tile);
                            } else if (path == Path.PACKED) {
                                kernels.multiplyPacked(kc, packedA, ir * kc, packedB, bo,
                                        p.c, co, ldc, rows, cols, p.alpha, beta, tile);
                            } else {
                                kernels.multiplyStrided(kc, p.a, i * rowStride + pc * stepStride, rowStride, stepStride,
                                        packedB, bo, p.c, co, ldc, rows, cols, p.alpha, beta, tile);
                            }
                        }
                    }
                }
            }
        }
    }

    private static int roundUp(int x, int multiple) {
        return (x + multiple - 1) / multiple * multiple;
    }

    /** Stops this driver's worker threads; a driver with one thread has none. */
    @Override
    public void close() {
        if (split != null) {
            split.close();
        }
    }

    /**
     * One call's operands and the path chosen for it. Each thread reuses its own, so a call allocates nothing;
     * workers read the caller's, which stays put until the call returns.
     */
    private static final class Call {
        boolean transA;
        boolean transB;
        int m;
        int n;
        int k;
        float alpha;
        float[] a;
        int lda;
        float[] b;
        int ldb;
        float beta;
        float[] c;
        Path path;
        /** Columns per packed panel of B: nr, or one vector on the narrow path. */
        int panel;
        /** Where A is read in place: row r, step p of op(A) at {@code a[r rowStride + p stepStride]}. */
        int rowStride;
        int stepStride;

        Call set(boolean transA, boolean transB, int m, int n, int k, float alpha,
                 float[] a, int lda, float[] b, int ldb, float beta, float[] c, Path path, int nr) {
            this.transA = transA;
            this.transB = transB;
            this.m = m;
            this.n = n;
            this.k = k;
            this.alpha = alpha;
            this.a = a;
            this.lda = lda;
            this.b = b;
            this.ldb = ldb;
            this.beta = beta;
            this.c = c;
            this.path = path;
            this.panel = path == Path.NARROW ? nr / 2 : nr;
            this.rowStride = transA ? 1 : lda;
            this.stepStride = transA ? lda : 1;
            return this;
        }

        /** Drops the arrays so that a thread's workspace does not keep a finished call's matrices alive. */
        void clear() {
            a = null;
            b = null;
            c = null;
        }
    }

    /** Packing buffers of one thread, grown to the largest call seen and then reused. */
    private static final class Workspace {
        private float[] a = new float[0];
        private float[] b = new float[0];
        private float[] tile = new float[0];
        final Call call = new Call();

        float[] packedA(int size) {
            if (a.length < size) {
                a = new float[size];
            }
            return a;
        }

        float[] packedB(int size) {
            if (b.length < size) {
                b = new float[size];
            }
            return b;
        }

        float[] tile(int size) {
            if (tile.length < size) {
                tile = new float[size];
            }
            return tile;
        }
    }
}
