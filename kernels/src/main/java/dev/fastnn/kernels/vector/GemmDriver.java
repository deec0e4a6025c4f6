package dev.fastnn.kernels.vector;

import dev.fastnn.kernels.Activation;
import dev.fastnn.kernels.HostMatrix;

/**
 * The vector backend's gemm: Goto's block loops around the {@link MicroKernels}, in the order BLIS names
 * them. {@code jc} walks C's columns {@value #NC} at a time, {@code pc} the inner dimension at most {@value #KC}
 * at a time ({@link #kcBlock}), packing that block of {@code op(B)} into panels of {@code nr} columns (two
 * vectors), and {@code ic} walks C's rows {@value #MC} at a time, packing that block of {@code op(A)} into
 * slivers of {@link #MR} rows ({@link GemmPacking}); inside, every {@code MR x nr} tile is one micro-kernel call,
 * its B panel and A sliver streamed from L2.
 *
 * <p>The path is chosen once per call, from C's width (see {@link Path}), and so are the threads: only products
 * above {@value #PARALLEL_MIN_MULTIPLY_ADDS} multiply-adds are split ({@link ThreadSplit}), by columns when
 * there are at least as many column panels as row slivers, else by rows (always by rows on the transposed
 * path); below that the hand-off costs more than it saves. The tile loop then dispatches on the path with a
 * branch that is the same for every tile of the call, rather than through an interface call that would turn
 * megamorphic once all the paths have run in one JVM. Packing buffers belong to each thread and are reused,
 * so a call allocates nothing.
 *
 * <p>An {@link Epilogue} finishes each tile of C right after its last block of k, while the tile is in L1
 * (for small k, each block of MC rows: see {@link #TILE_EPILOGUE_MIN_K}):
 * a bias and an elementwise activation (a layer's forward pass), or an activation's gradient (backprop's step
 * through it), by the same {@link ElementwiseKernels} loops the separate operations run, so fused and unfused
 * results are the same bits.
 */
public final class GemmDriver {
    /**
     * Most steps of k per packed block. A tile's B panel ({@code KC nr} floats, 64 KiB at 512 bits) and A sliver
     * stream from L2 at 20 bytes a cycle, well within its bandwidth; longer blocks mean fewer passes over C.
     * Measured on Zen 4 (32 KiB L1, 1 MiB L2), one thread, n = 512, 1024, 2048, best of 10 runs (+-3 %):
     * KC = 256: 88, 92, 90 GFLOP/s; 512: 106, 98, 98; 768: 97, 99, 102.
     */
    public static final int KC = 512;
    /** Rows of A per packed block: a multiple of {@link #MR}, {@code MC x KC} floats (384 KiB) stay in L2; 96 measured alike. */
    public static final int MC = 192;
    /** Columns of B per packed block: a multiple of every {@code nr}; {@code KC x NC} floats (2 MiB) stay in L3; 512 measured 2-5 % slower. */
    public static final int NC = 1024;
    /** Rows of the register tile: the micro-kernels' {@link MicroKernels#MR}. */
    public static final int MR = MicroKernels.MR;
    /** Rows of the transposed-output tile ({@link Path#TRANSPOSED}): the micro-kernels' {@link MicroKernels#MT}. */
    public static final int MT = MicroKernels.MT;
    /**
     * Inner dimension from which the epilogue runs tile by tile, as each tile is finished; below, on each block
     * of MC rows at once. FusedLayerBenchmark, the step's two fused products, one thread: with k = 784 tile by
     * tile runs level with the separate operations (478.6 against 473.1 us, within JMH's error); with k = 10 tile
     * by tile was 22.1 against 16.1 us, its tiles too quick to carry a call each, and block by block it is within
     * two microseconds (15.6 against 15.2 us in one run, 16.8 against 14.8 in another). So at these sizes fusing
     * pays nothing measurable: the separate pass over a 128 x 256 output, in L2, is not what costs.
     */
    static final int TILE_EPILOGUE_MIN_K = 64;
    /**
     * Smallest product (m n k) that is split over threads. JMH on Zen 5, 2 threads, 2^21 against 2^18: the thin
     * products of a 784-256-10 step (327,680 multiply-adds each) H.W2 8.2 to 5.3 us, Ht.dY 3.8 to 2.7, dY.W2t 6.1 to
     * 4.4; a square n = 64 (2^18) 2.8 to 2.1 us.
     */
    public static final long PARALLEL_MIN_MULTIPLY_ADDS = 1L << 18;

    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    /**
     * How A reaches the micro-kernel, which follows from C's width {@code n}, the tile width {@code nr} and
     * whether A can be read where it lies (row-major, not transposed: steps one float apart).
     */
    enum Path {
        /** {@code n > 2 nr}, or A not readable in place: A packed (or read where it lies in slivers). */
        PACKED,
        /** {@code nr / 2 < n <= 2 nr}: A is not reused enough to pay for packing; the micro-kernel reads it in place. */
        IN_PLACE,
        /** {@code n <= nr / 2}: a one-vector tile (an output layer of 10 classes) wastes fewer lanes than two vectors. */
        NARROW,
        /**
         * {@code n <= 2 MT} with A row-major and transposed (a thin weight gradient, {@code H^T dY}): computed as
         * {@code C^T = op(B)^T A}, A's rows read where they lie as the vectors, so that every lane is used (see
         * {@link #transposedBlocks}), and at most two tiles of {@code C^T} per strip of C's rows. With 8 lanes
         * (nr = 16), {@code H^T dY} of 256 x n x 128 through the backend, best of many calls, one thread, against
         * A packed into a 16-column tile: n = 10: 60 against 25 GFLOP/s, n = 12: 37 against 29, n = 16: level (45),
         * n = 20: 61 against 27, and n = 32 (four tiles of C^T): 49 against 58.
         */
        TRANSPOSED,
        /** As {@link #NARROW} with A packed (or in slivers). */
        NARROW_PACKED;

        /**
         * {@code rowMajor}: whether A is row-major (else in slivers); {@code narrowTile}: whether B may be packed
         * into one-vector panels (not when read where it lies in panels); {@code cRowMajor}: whether C is
         * row-major (else in panels, which the transposed path does not write).
         */
        static Path of(int n, int nr, boolean rowMajor, boolean transA, boolean narrowTile, boolean cRowMajor) {
            if (n <= 2 * MT && rowMajor && transA && narrowTile && cRowMajor) {
                return TRANSPOSED;
            }
            if (n <= nr / 2 && narrowTile) {
                return rowMajor ? NARROW : NARROW_PACKED;
            }
            return n <= 2 * nr && rowMajor && !transA ? IN_PLACE : PACKED;
        }

        boolean narrow() {
            return this == NARROW || this == NARROW_PACKED;
        }

        boolean packsA() {
            return this == PACKED || this == NARROW_PACKED;
        }
    }

    /** What happens to a tile of C once it holds its final {@code alpha op(A) op(B) + beta C}. */
    enum Epilogue {
        NONE,
        /** {@code C = f(C + bias)}, bias (one value per column) optional, {@code f} elementwise. */
        BIAS_ACTIVATION,
        /** {@code C = C f'(y)} with {@code y} laid out as C, {@code f} elementwise. */
        ACTIVATION_GRADIENT
    }

    private final MicroKernels kernels;
    private final ElementwiseKernels elementwise;
    private final int nr;
    private final GemmPacking packing;
    /** {@code null} with one thread. */
    private final ThreadSplit split;

    /** @param split the backend's worker pool, which its owner closes; {@code null} for one thread */
    GemmDriver(MicroKernels kernels, ElementwiseKernels elementwise, ThreadSplit split) {
        this.kernels = kernels;
        this.elementwise = elementwise;
        this.nr = kernels.nr();
        this.packing = new GemmPacking(kernels);
        this.split = split;
    }

    /** Columns of the register tile. */
    int nr() {
        return nr;
    }

    /** {@code C = alpha op(A) op(B) + beta C} ({@code C} is {@code m x n}); arguments checked. */
    void multiply(boolean transA, boolean transB, int m, int n, int k,
                  float alpha, HostMatrix a, HostMatrix b, float beta, HostMatrix c) {
        multiply(transA, transB, m, n, k, alpha, a, b, beta, c, Epilogue.NONE, Activation.IDENTITY, null, null);
    }

    /**
     * Whether the operands' layouts are ones this driver reads and writes in place: A row-major or in slivers
     * of {@link #MR} rows, B row-major or in panels of {@code nr} columns, C row-major or in panels of
     * {@code nr} columns, {@code y} (of an epilogue, or null) laid out as C. Other layouts go through row-major
     * copies (the caller's business).
     */
    boolean reads(HostMatrix a, HostMatrix b, HostMatrix c, HostMatrix y) {
        return (a.layout() == HostMatrix.Layout.ROW_MAJOR || (a.layout() == HostMatrix.Layout.ROW_SLIVERS && a.block() == MR))
                && (b.layout() == HostMatrix.Layout.ROW_MAJOR || panels(b))
                && (c.layout() == HostMatrix.Layout.ROW_MAJOR || panels(c))
                && (y == null || y.sameLayout(c));
    }

    private boolean panels(HostMatrix m) {
        return m.layout() == HostMatrix.Layout.COLUMN_PANELS && m.block() == nr;
    }

    /**
     * As {@link #multiply(boolean, boolean, int, int, int, float, HostMatrix, HostMatrix, float, HostMatrix)},
     * then {@code epilogue} on every tile: {@code f} (elementwise) with {@code bias} ({@code n} values, or null)
     * for {@link Epilogue#BIAS_ACTIVATION}, {@code f}'s gradient from {@code y} for
     * {@link Epilogue#ACTIVATION_GRADIENT}. The layouts must be ones it {@link #reads}.
     */
    void multiply(boolean transA, boolean transB, int m, int n, int k, float alpha, HostMatrix a, HostMatrix b,
                  float beta, HostMatrix c, Epilogue epilogue, Activation f, float[] bias, HostMatrix y) {
        Workspace ws = WORKSPACE.get();
        boolean aSlivers = a.layout() == HostMatrix.Layout.ROW_SLIVERS;
        boolean bPanels = panels(b);
        // Panels nr wide are read where they lie by the two-vector tile, whose extra columns are dropped.
        boolean cPanels = panels(c);
        Path path = Path.of(n, nr, !aSlivers, transA, !(bPanels && !transB), !cPanels);
        Call p = ws.call.set(transA, transB, m, n, k, alpha, a.data(), a.cols(), aSlivers, b.data(), b.cols(), b.rows(),
                bPanels, beta, c.data(), cPanels, path, nr);
        p.epilogue = epilogue;
        p.f = f;
        p.bias = bias;
        p.y = y == null ? null : y.data();
        int parts = split == null || (long) m * n * k < PARALLEL_MIN_MULTIPLY_ADDS ? 1 : split.threads();
        boolean transposed = path == Path.TRANSPOSED;
        int panels = (n + nr - 1) / nr;
        // The transposed path computes whole strips of nr rows of C, for all of its columns.
        int rowStep = transposed ? nr : MR;
        int rowParts = (m + rowStep - 1) / rowStep;
        try {
            if (parts > 1 && !transposed && panels >= parts && panels >= rowParts) {
                p.share(this, true);
                split.run(parts, panels, nr, n, p);
            } else if (parts > 1 && rowParts >= parts) {
                p.share(this, false);
                split.run(parts, rowParts, rowStep, m, p);
            } else {
                blocks(p, ws, 0, m, 0, n);
            }
        } finally {
            p.clear();
        }
    }

    /**
     * Steps of k per block: as even as {@link #KC} allows, so that k = 784 runs two blocks of 392 rather than
     * one of 512 and one of 272, and no block is a short remainder whose every tile costs a full pass over C.
     */
    static int kcBlock(int k) {
        int blocks = (k + KC - 1) / KC;
        return (k + blocks - 1) / blocks;
    }

    /**
     * {@code C[i0:i1, j0:j1]}, with i0 a multiple of MR and j0 of nr so that tiles fall where they would in one
     * piece. Runs on the caller's thread or a worker's; {@code ws} is that thread's. Operands already in the
     * micro-kernels' layouts (A in slivers, B in panels) are read where they lie, for all of k, instead of
     * being packed block by block; since tiles start at multiples of MR and nr, a tile's sliver or panel starts
     * at {@code i k} or {@code j k} (and a C in panels has its tile at {@code j m + i nr}, rows nr apart).
     */
    private void blocks(Call p, Workspace ws, int i0, int i1, int j0, int j1) {
        Path path = p.path;
        if (path == Path.TRANSPOSED) {
            transposedBlocks(p, ws, i0, i1);
            return;
        }
        int panel = p.panel;
        boolean packedB = !(p.bPanels && !p.transB);
        int kcMax = kcBlock(p.k);
        // A transposed in slivers (the batch of a weight gradient) is read where it lies by its own kernel, which
        // takes whole MR x MR blocks: X^T dH of 784 x 256 x 128, one thread, 236 us packed, 213 us in place.
        boolean slivered = path == Path.PACKED && p.aSlivers && p.transA && p.m % MR == 0 && kcMax % MR == 0;
        boolean packedA = path.packsA() && !(p.aSlivers && !p.transA) && !slivered;
        float[] bBlock = packedB ? ws.packedB(kcMax * roundUp(Math.min(NC, j1 - j0), panel)) : p.b;
        float[] aBlock = packedA ? ws.packedA(MC * kcMax) : p.a;
        float[] tile = ws.tile(MR * nr);
        int ldc = p.cPanels ? nr : p.n;
        boolean tileEpilogue = p.epilogue != Epilogue.NONE && p.k >= TILE_EPILOGUE_MIN_K;
        boolean blockEpilogue = p.epilogue != Epilogue.NONE && !tileEpilogue;
        for (int jc = j0; jc < j1; jc += NC) {
            int nc = Math.min(NC, j1 - jc);
            for (int pc = 0; pc < p.k; pc += kcMax) {
                int kc = Math.min(kcMax, p.k - pc);
                float beta = pc == 0 ? p.beta : 1f;
                boolean finalBlock = pc + kc == p.k;
                if (packedB) {
                    packing.packB(p, panel, pc, kc, jc, nc, bBlock);
                }
                for (int ic = i0; ic < i1; ic += MC) {
                    int mc = Math.min(MC, i1 - ic);
                    if (packedA) {
                        packing.packA(p, ic, mc, pc, kc, aBlock);
                    }
                    for (int jr = 0; jr < nc; jr += panel) {
                        int cols = Math.min(panel, nc - jr);
                        int j = jc + jr;
                        int bo = packedB ? jr * kc : j * p.k + pc * panel;
                        for (int ir = 0; ir < mc; ir += MR) {
                            int rows = Math.min(MR, mc - ir);
                            int i = ic + ir;
                            int co = p.cPanels ? j * p.m + i * nr : i * ldc + j;
                            if (slivered) {
                                kernels.multiplyTransposedSlivers(kc, p.a, pc * p.lda + i * MR, MR * p.lda, bBlock, bo,
                                        p.c, co, ldc, rows, cols, p.alpha, beta, tile);
                            } else if (path.packsA()) {
                                int ao = packedA ? ir * kc : i * p.k + pc * MR;
                                if (path == Path.PACKED) {
                                    kernels.multiplyPacked(kc, aBlock, ao, bBlock, bo,
                                            p.c, co, ldc, rows, cols, p.alpha, beta, tile);
                                } else {
                                    kernels.multiplyNarrowPacked(kc, aBlock, ao, bBlock, bo,
                                            p.c, co, ldc, rows, cols, p.alpha, beta, tile);
                                }
                            } else if (path == Path.NARROW) {
                                kernels.multiplyNarrow(kc, p.a, i * p.lda + pc, p.lda,
                                        bBlock, bo, p.c, co, ldc, rows, cols, p.alpha, beta, tile);
                            } else {
                                kernels.multiplyStrided(kc, p.a, i * p.lda + pc, p.lda,
                                        bBlock, bo, p.c, co, ldc, rows, cols, p.alpha, beta, tile);
                            }
                            if (finalBlock && tileEpilogue) {
                                finish(p, co, ldc, rows, cols, j);
                            }
                        }
                    }
                    if (finalBlock && blockEpilogue) {
                        finishBlock(p, ic, mc, jc, nc);
                    }
                }
            }
        }
    }

    /**
     * Rows {@code i0..i1} of C on the {@link Path#TRANSPOSED} path: C's rows are the columns of A, so each
     * {@code nr} of them are one tile of {@code C^T} per {@link #MT} columns of C, written back transposed. op(B)
     * (at most 2 MT columns, k x n) is packed block by block of k into panels of MT columns; A is read where it
     * lies but for a last, partial run of rows, which is copied so that no vector reads past the matrix. C is
     * row-major here ({@link Path#of}).
     */
    private void transposedBlocks(Call p, Workspace ws, int i0, int i1) {
        int kcMax = kcBlock(p.k);
        // A row-major op(B) exactly MT wide is its own packed panel.
        boolean packB = p.n != MT || p.transB || p.bPanels;
        float[] bBlock = packB ? ws.packedB(kcMax * roundUp(p.n, MT)) : p.b;
        float[] edge = ws.packedA(kcMax * nr);
        float[] tile = ws.tile(MT * nr);
        for (int pc = 0; pc < p.k; pc += kcMax) {
            int kc = Math.min(kcMax, p.k - pc);
            float beta = pc == 0 ? p.beta : 1f;
            int bo = packB ? 0 : pc * MT;
            if (packB) {
                packing.packB(p, MT, pc, kc, 0, p.n, bBlock);
            }
            for (int i = i0; i < i1; i += nr) {
                int rows = Math.min(nr, i1 - i);
                float[] a = p.a;
                int ao = pc * p.lda + i;
                int lda = p.lda;
                if (rows < nr) {
                    GemmPacking.packRows(p.a, p.lda, pc, kc, i, rows, nr, edge);
                    a = edge;
                    ao = 0;
                    lda = nr;
                }
                for (int j = 0; j < p.n; j += MT) {
                    kernels.multiplyTransposed(kc, bBlock, bo + j * kc, a, ao, lda, tile);
                    storeTransposed(tile, p.c, i * p.n + j, p.n, rows, Math.min(MT, p.n - j), p.alpha, beta);
                }
            }
        }
        if (p.epilogue != Epilogue.NONE) {
            finishBlock(p, i0, i1 - i0, 0, p.n);
        }
    }

    /**
     * {@code C = alpha tile^T + beta C} for the {@code rows x cols} corner of C at {@code co}, tile row r
     * ({@code nr} floats) holding C's column r, as the micro-kernels finish their tiles ({@code beta = 0} does not
     * read C, which may hold NaN).
     */
    private void storeTransposed(float[] tile, float[] c, int co, int ldc, int rows, int cols, float alpha, float beta) {
        // Down each column of C: the tile is read in order, which measured faster than reading it across.
        for (int r = 0; r < cols; r++) {
            for (int q = 0, t = r * nr, at = co + r; q < rows; q++, t++, at += ldc) {
                c[at] = MicroKernels.scaled(tile[t], alpha, beta, c[at]);
            }
        }
    }

    /** The epilogue on the call's {@code mc x nc} block of C at row {@code ic} and column {@code jc}, panel by panel. */
    private void finishBlock(Call p, int ic, int mc, int jc, int nc) {
        if (!p.cPanels) {
            finish(p, ic * p.n + jc, p.n, mc, nc, jc);
            return;
        }
        for (int jr = 0; jr < nc; jr += nr) {
            int j = jc + jr;
            finish(p, j * p.m + ic * nr, nr, mc, Math.min(nr, nc - jr), j);
        }
    }

    /** The call's epilogue on the {@code rows x cols} tile of C at {@code co}, whose first column is {@code j}. */
    private void finish(Call p, int co, int ldc, int rows, int cols, int j) {
        if (p.epilogue == Epilogue.BIAS_ACTIVATION) {
            if (p.bias != null) {
                elementwise.addRow(p.c, co, ldc, rows, cols, p.bias, j);
            }
            if (p.f != Activation.IDENTITY) {
                elementwise.activation(p.f, p.c, p.c, co, ldc, rows, cols);
            }
        } else if (p.f != Activation.IDENTITY) {
            elementwise.activationGradient(p.f, p.y, p.c, p.c, co, ldc, rows, cols);
        }
    }

    private static int roundUp(int x, int multiple) {
        return (x + multiple - 1) / multiple * multiple;
    }

    /**
     * One call's operands and the path chosen for it. Each thread reuses its own, so a call allocates nothing;
     * workers read the caller's, which stays put until the call returns, and run it as their share.
     */
    static final class Call implements ThreadSplit.Share {
        boolean transA;
        boolean transB;
        int m;
        int n;
        int k;
        float alpha;
        float[] a;
        /** Columns of A as stored. */
        int lda;
        /** Whether A is stored in slivers of MR rows (else row-major). */
        boolean aSlivers;
        float[] b;
        /** Columns and rows of B as stored. */
        int ldb;
        int bRows;
        /** Whether B is stored in panels of nr columns (else row-major). */
        boolean bPanels;
        float beta;
        float[] c;
        /** Whether C is stored in panels of nr columns (else row-major). */
        boolean cPanels;
        Path path;
        /** Columns per packed panel of B: nr, or one vector on the narrow path. */
        int panel;
        Epilogue epilogue;
        Activation f;
        float[] bias;
        float[] y;
        /** For a split call: the driver, and whether the shares are ranges of columns (else of rows). */
        private GemmDriver driver;
        private boolean byColumns;

        void share(GemmDriver driver, boolean byColumns) {
            this.driver = driver;
            this.byColumns = byColumns;
        }

        /** The blocks of one share, on the thread that runs it. */
        @Override
        public void run(int from, int to) {
            if (byColumns) {
                driver.blocks(this, WORKSPACE.get(), 0, m, from, to);
            } else {
                driver.blocks(this, WORKSPACE.get(), from, to, 0, n);
            }
        }

        Call set(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int lda, boolean aSlivers,
                 float[] b, int ldb, int bRows, boolean bPanels, float beta, float[] c, boolean cPanels, Path path, int nr) {
            this.transA = transA;
            this.transB = transB;
            this.m = m;
            this.n = n;
            this.k = k;
            this.alpha = alpha;
            this.a = a;
            this.lda = lda;
            this.aSlivers = aSlivers;
            this.b = b;
            this.ldb = ldb;
            this.bRows = bRows;
            this.bPanels = bPanels;
            this.beta = beta;
            this.c = c;
            this.cPanels = cPanels;
            this.path = path;
            this.panel = path.narrow() ? nr / 2 : nr;
            return this;
        }

        /** Drops the arrays so that a thread's workspace does not keep a finished call's matrices alive. */
        void clear() {
            a = null;
            b = null;
            c = null;
            bias = null;
            y = null;
            driver = null;
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
