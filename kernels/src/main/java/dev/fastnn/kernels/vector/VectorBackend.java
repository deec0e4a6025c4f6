package dev.fastnn.kernels.vector;

import dev.fastnn.kernels.Activation;
import dev.fastnn.kernels.Matrix;
import dev.fastnn.kernels.naive.NaiveBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.incubator.vector.FloatVector;

/**
 * SIMD kernels with the JDK Vector API: a packed, cache-blocked, multi-threaded gemm and vectorized
 * activations and elementwise operations. Softmax, cross-entropy and Adam are inherited from the naive
 * backend: they run once per batch on small arrays.
 *
 * <p>gemm follows Goto's scheme. {@code op(B)} is packed {@value #KC} x {@value #NC} at a time into panels
 * of {@code nr} columns (two vectors), each panel {@code KC nr} floats (32 KiB at 512 bits: it stays in L1
 * while every row sliver of A passes over it); {@code op(A)} is packed {@value #MC} x {@value #KC} at a time
 * (96 KiB, L2) into slivers of {@link VectorKernels#MR} rows. Packing absorbs the transposes and pads edges
 * with zeros, so the micro-kernel only ever sees one layout. When C has at most two panels of columns, A is
 * not reused enough to pay for packing it and the micro-kernel reads it where it lies; when C is at most
 * one vector wide (an output layer of 10 classes), a one-vector tile wastes fewer lanes than the two-vector one.
 *
 * <p>Threads split C into column (or, for tall products, row) ranges aligned to the register tile, so every
 * element is computed by the same chain of operations whatever the thread count: results are bit-identical
 * with 1 and N threads. Only products above {@value #PARALLEL_MIN_MULTIPLY_ADDS} multiply-adds are split:
 * below that the hand-off costs more than it saves. The pool is persistent and made of daemon threads that
 * spin a while before parking (see {@link SpinningWorkers}); the calling thread does a share of the work and
 * runs any share no worker has picked up yet, so several callers at once cannot starve each other. Packing buffers belong to each thread and are reused.
 */
public class VectorBackend extends NaiveBackend {
    /** Steps of k per packed block: A sliver and B panel of one micro-kernel call fit L1 together. */
    public static final int KC = 256;
    /** Rows of A per packed block: a multiple of {@link #MR}, {@code MC x KC} floats fit L2. */
    public static final int MC = 96;
    /** Columns of B per packed block: a multiple of every {@code nr}; {@code KC x NC} floats (1 MiB) fit L2/L3. */
    public static final int NC = 1024;
    /** Rows of the register tile. */
    public static final int MR = VectorKernels.MR;
    /** Smallest product (m n k) that is split over threads. */
    public static final long PARALLEL_MIN_MULTIPLY_ADDS = 1L << 21;

    public static final String BITS_PROPERTY = "fastnn.vector.bits";
    public static final String THREADS_PROPERTY = "fastnn.threads";

    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final VectorKernels kernels;
    private final int bits;
    private final int threads;
    private final int nr;
    private final SpinningWorkers pool;

    /** Width from {@value #BITS_PROPERTY} (default: the CPU's preferred), threads from {@value #THREADS_PROPERTY}. */
    public VectorBackend() {
        this(intProperty(BITS_PROPERTY, maxBits()), intProperty(THREADS_PROPERTY, Runtime.getRuntime().availableProcessors()));
    }

    /**
     * @param bits    vector width: 128, 256 or 512, at most {@link #maxBits()}
     * @param threads threads a large gemm is split over, at least 1 (the caller's thread counts as one)
     */
    public VectorBackend(int bits, int threads) {
        if (!supportedWidths().contains(bits)) {
            throw new IllegalArgumentException("vector width " + bits + " bits is not supported here; valid: "
                    + supportedWidths() + " (-D" + BITS_PROPERTY + ")");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads + " (-D" + THREADS_PROPERTY + ")");
        }
        this.bits = bits;
        this.threads = threads;
        this.kernels = KernelsByWidth.forBits(bits);
        this.nr = kernels.nr();
        this.pool = threads == 1 ? null : new SpinningWorkers(threads - 1, "fastnn-vector-" + POOLS.incrementAndGet());
    }

    /** The widest float vector this CPU runs natively (what the JIT calls the preferred species). */
    public static int maxBits() {
        return FloatVector.SPECIES_PREFERRED.vectorBitSize();
    }

    /** Lines for {@code fastnn backends}: the preferred width, the widths that can be forced, the gemm blocking. */
    public static List<String> describeSpecies() {
        int preferred = maxBits();
        return List.of(
                "preferred species: " + preferred + "-bit, " + FloatVector.SPECIES_PREFERRED.length() + " float lanes",
                "widths available (-D" + BITS_PROPERTY + "): " + supportedWidths(),
                "gemm: " + VectorKernels.MR + "x" + (2 * preferred / Float.SIZE) + " register tile, blocks KC=" + KC
                        + " MC=" + MC + " NC=" + NC + "; threads (-D" + THREADS_PROPERTY + ") default "
                        + Runtime.getRuntime().availableProcessors());
    }

    private static List<Integer> supportedWidths() {
        List<Integer> widths = new ArrayList<>();
        for (int b = 128; b <= maxBits(); b *= 2) {
            widths.add(b);
        }
        return widths;
    }

    @Override
    public String name() {
        return "vector";
    }

    @Override
    public String description() {
        return "vector (Vector API, " + bits + "-bit, " + kernels.lanes() + " float lanes, "
                + threads + (threads == 1 ? " thread)" : " threads)");
    }

    public int bits() {
        return bits;
    }

    public int threads() {
        return threads;
    }

    /** Columns of the register tile, {@code nr}: two vectors. */
    public int tileColumns() {
        return nr;
    }

    // ---------------------------------------------------------------- gemm

    @Override
    protected void gemmKernel(boolean transA, boolean transB, int m, int n, int k,
                              float alpha, Matrix a, Matrix b, float beta, Matrix c) {
        Workspace ws = WORKSPACE.get();
        Product p = ws.product.set(transA, transB, m, n, k, alpha, data(a), a.cols(), data(b), b.cols(), beta, data(c),
                n > 2 * nr, n <= nr / 2 ? nr / 2 : nr);
        int parts = threads == 1 || (long) m * n * k < PARALLEL_MIN_MULTIPLY_ADDS ? 1 : threads;
        int panels = (n + nr - 1) / nr;
        int slivers = (m + VectorKernels.MR - 1) / VectorKernels.MR;
        try {
            if (parts > 1 && panels >= parts && panels >= slivers) {
                runParts(p, ws, parts, false, panels);
            } else if (parts > 1 && slivers >= parts) {
                runParts(p, ws, parts, true, slivers);
            } else {
                multiply(p, ws, 0, m, 0, n);
            }
        } finally {
            p.clear();
        }
    }

    /**
     * One gemm call's operands; A is read in place when {@code packA} is false. Each thread reuses its own,
     * so a call allocates nothing; a worker copies the caller's, which stays put until the call returns.
     */
    private static final class Product {
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
        boolean packA;
        /** Columns per packed panel of B: nr, or one vector for products no wider than that. */
        int panel;

        Product set(boolean transA, boolean transB, int m, int n, int k, float alpha,
                    float[] a, int lda, float[] b, int ldb, float beta, float[] c, boolean packA, int panel) {
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
            this.packA = packA;
            this.panel = panel;
            return this;
        }

        Product setFrom(Product p) {
            return set(p.transA, p.transB, p.m, p.n, p.k, p.alpha, p.a, p.lda, p.b, p.ldb, p.beta, p.c, p.packA, p.panel);
        }

        /** Drops the arrays so that a thread's workspace does not keep a finished call's matrices alive. */
        void clear() {
            a = null;
            b = null;
            c = null;
        }
    }

    /** Splits rows (in slivers of MR) or columns (in panels of nr) into {@code parts} nearly equal ranges. */
    private void runParts(Product p, Workspace ws, int parts, boolean byRows, int units) {
        int unit = byRows ? VectorKernels.MR : nr;
        int limit = byRows ? p.m : p.n;
        @SuppressWarnings("unchecked")
        FutureTask<Void>[] tasks = (FutureTask<Void>[]) new FutureTask<?>[parts - 1];
        for (int t = 1; t < parts; t++) {
            int from = (int) ((long) units * t / parts) * unit;
            int to = Math.min(limit, (int) ((long) units * (t + 1) / parts) * unit);
            tasks[t - 1] = new FutureTask<>(() -> {
                Workspace own = WORKSPACE.get();
                // The caller runs shares no worker has started; it must keep its own operands intact.
                boolean caller = own.product == p;
                Product q = caller ? p : own.product.setFrom(p);
                try {
                    if (byRows) {
                        multiply(q, own, from, to, 0, q.n);
                    } else {
                        multiply(q, own, 0, q.m, from, to);
                    }
                } finally {
                    if (!caller) {
                        q.clear();
                    }
                }
            }, null);
            pool.execute(tasks[t - 1]);
        }
        int first = Math.min(limit, (units / parts) * unit);
        Throwable failure = null;
        try {
            if (byRows) {
                multiply(p, ws, 0, first, 0, p.n);
            } else {
                multiply(p, ws, 0, p.m, 0, first);
            }
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        boolean interrupted = false;
        for (FutureTask<Void> task : tasks) {
            task.run();
            SpinningWorkers.awaitSpinning(task);
            while (true) {
                try {
                    task.get();
                    break;
                } catch (InterruptedException e) {
                    // C must be complete before returning, so keep waiting and restore the flag afterwards.
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (failure == null) {
                        failure = e.getCause();
                    }
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure instanceof RuntimeException r) {
            throw r;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
    }

    /** {@code C[i0:i1, j0:j1]}, with i0 a multiple of MR and j0 of nr so that tiles fall where they would anyway. */
    private void multiply(Product p, Workspace ws, int i0, int i1, int j0, int j1) {
        int panel = p.panel;
        float[] packedB = ws.packedB(KC * roundUp(Math.min(NC, j1 - j0), panel));
        float[] packedA = p.packA ? ws.packedA(MC * KC) : null;
        float[] tile = ws.tile(VectorKernels.MR * nr);
        int mr = VectorKernels.MR;
        int ldc = p.n;
        for (int jc = j0; jc < j1; jc += NC) {
            int nc = Math.min(NC, j1 - jc);
            for (int pc = 0; pc < p.k; pc += KC) {
                int kc = Math.min(KC, p.k - pc);
                float beta = pc == 0 ? p.beta : 1f;
                packB(p, pc, kc, jc, nc, packedB);
                for (int ic = i0; ic < i1; ic += MC) {
                    int mc = Math.min(MC, i1 - ic);
                    if (packedA != null) {
                        packA(p, ic, mc, pc, kc, packedA);
                    }
                    for (int jr = 0; jr < nc; jr += panel) {
                        int cols = Math.min(panel, nc - jr);
                        int bo = jr * kc;
                        for (int ir = 0; ir < mc; ir += mr) {
                            int rows = Math.min(mr, mc - ir);
                            int i = ic + ir;
                            int co = i * ldc + jc + jr;
                            if (panel != nr) {
                                kernels.multiplyNarrow(kc, p.a, p.transA ? pc * p.lda + i : i * p.lda + pc,
                                        p.transA ? 1 : p.lda, p.transA ? p.lda : 1, packedB, bo,
                                        p.c, co, ldc, rows, cols, p.alpha, beta, tile);
                            } else if (packedA != null) {
                                kernels.multiplyPacked(kc, packedA, ir * kc, packedB, bo,
                                        p.c, co, ldc, rows, cols, p.alpha, beta, tile);
                            } else if (p.transA) {
                                kernels.multiplyStrided(kc, p.a, pc * p.lda + i, 1, p.lda, packedB, bo,
                                        p.c, co, ldc, rows, cols, p.alpha, beta, tile);
                            } else {
                                kernels.multiplyStrided(kc, p.a, i * p.lda + pc, p.lda, 1, packedB, bo,
                                        p.c, co, ldc, rows, cols, p.alpha, beta, tile);
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * {@code op(B)[pc:pc+kc, jc:jc+nc]} as panels of {@code nr = p.panel} columns: panel q, step p, column j at
     * {@code q kc nr + p nr + j}; columns past the matrix are zero.
     */
    private void packB(Product p, int pc, int kc, int jc, int nc, float[] out) {
        float[] b = p.b;
        int ldb = p.ldb;
        int nr = p.panel;
        for (int jr = 0; jr < nc; jr += nr) {
            int cols = Math.min(nr, nc - jr);
            int base = jr * kc;
            int j = jc + jr;
            if (p.transB) {
                // Sequential writes; the nr rows read in step stay in L1 across the steps that share a line.
                for (int q = 0; q < kc; q++) {
                    int o = base + q * nr;
                    int src = j * ldb + pc + q;
                    for (int jj = 0; jj < cols; jj++, src += ldb) {
                        out[o + jj] = b[src];
                    }
                }
            } else if (cols == nr && nr == this.nr) {
                kernels.packPanel(b, pc * ldb + j, ldb, kc, out, base);
            } else {
                for (int q = 0; q < kc; q++) {
                    System.arraycopy(b, (pc + q) * ldb + j, out, base + q * nr, cols);
                }
            }
            if (cols < nr) {
                for (int q = 0; q < kc; q++) {
                    for (int jj = cols; jj < nr; jj++) {
                        out[base + q * nr + jj] = 0f;
                    }
                }
            }
        }
    }

    /**
     * {@code op(A)[ic:ic+mc, pc:pc+kc]} as slivers of MR rows: sliver s, step p, row r at
     * {@code s kc MR + p MR + r}; rows past the matrix are zero.
     */
    private static void packA(Product p, int ic, int mc, int pc, int kc, float[] out) {
        int mr = VectorKernels.MR;
        float[] a = p.a;
        int lda = p.lda;
        for (int ir = 0; ir < mc; ir += mr) {
            int rows = Math.min(mr, mc - ir);
            int base = ir * kc;
            int i = ic + ir;
            if (rows == mr && p.transA) {
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
            } else if (p.transA) {
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

    private static int roundUp(int x, int multiple) {
        return (x + multiple - 1) / multiple * multiple;
    }

    /** Packing buffers of one thread, grown to the largest call seen and then reused. */
    private static final class Workspace {
        private float[] a = new float[0];
        private float[] b = new float[0];
        private float[] tile = new float[0];
        final Product product = new Product();

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

    // ---------------------------------------------------------------- activations

    @Override
    protected void activationKernel(Activation f, Matrix x, Matrix out) {
        float[] xv = data(x);
        float[] ov = data(out);
        int size = x.size();
        switch (f) {
            case SIGMOID -> kernels.sigmoid(xv, ov, size);
            case TANH -> kernels.tanh(xv, ov, size);
            case RELU -> kernels.relu(xv, ov, size);
            default -> super.activationKernel(f, x, out);
        }
    }

    @Override
    protected void sigmoidDerivativeKernel(Matrix s, Matrix out) {
        kernels.sigmoidDerivative(data(s), data(out), s.size());
    }

    @Override
    protected void activationGradientKernel(Activation f, Matrix y, Matrix grad, Matrix out) {
        float[] yv = data(y);
        float[] gv = data(grad);
        float[] ov = data(out);
        int size = y.size();
        switch (f) {
            case SIGMOID -> kernels.sigmoidGradient(yv, gv, ov, size);
            case TANH -> kernels.tanhGradient(yv, gv, ov, size);
            case RELU -> kernels.reluGradient(yv, gv, ov, size);
            default -> super.activationGradientKernel(f, y, grad, out);
        }
    }

    // ---------------------------------------------------------------- elementwise

    @Override
    protected void addRowVectorKernel(Matrix m, Matrix row) {
        kernels.addRowVector(data(m), m.rows(), m.cols(), data(row));
    }

    @Override
    protected void columnSumsKernel(Matrix m, Matrix out) {
        kernels.columnSums(data(m), m.rows(), m.cols(), data(out));
    }

    @Override
    protected void axpyKernel(float alpha, Matrix x, Matrix y) {
        kernels.axpy(alpha, data(x), data(y), x.size());
    }

    @Override
    protected void scaleKernel(float alpha, Matrix x) {
        kernels.scale(alpha, data(x), x.size());
    }

    @Override
    protected void hadamardKernel(Matrix a, Matrix b, Matrix out) {
        kernels.hadamard(data(a), data(b), data(out), a.size());
    }

    @Override
    protected void subtractKernel(Matrix a, Matrix b, Matrix out) {
        kernels.subtract(data(a), data(b), data(out), a.size());
    }

    @Override
    protected double sumSquaredErrorKernel(Matrix yhat, Matrix y) {
        return kernels.sumSquaredError(data(yhat), data(y), y.size());
    }

    // ---------------------------------------------------------------- configuration

    private static int intProperty(String name, int fallback) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + name + " must be an integer, got '" + value + "'", e);
        }
    }
}
