package dev.fastnn.kernels.vector;

import dev.fastnn.kernels.Activation;
import dev.fastnn.kernels.Backends;
import dev.fastnn.kernels.HostBackend;
import dev.fastnn.kernels.HostMatrix;
import dev.fastnn.kernels.Matrix;
import dev.fastnn.kernels.MatrixUse;
import dev.fastnn.kernels.naive.ScalarKernels;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.incubator.vector.FloatVector;

/**
 * The JDK Vector API backend: host storage, and each operation wired to its kernel. gemm goes to a
 * {@link GemmDriver} (blocked, packed, register-tiled, split over this backend's own worker threads), the
 * activations and elementwise operations to the {@link ElementwiseKernels} of the backend's vector width;
 * cross-entropy, Adam and the small row operations of the trainer's weighted losses to the scalar
 * {@link ScalarKernels} the naive backend runs too. Batches and weights allocated for a gemm side
 * ({@link MatrixUse}) are stored in the micro-kernels' layouts (see {@link #newMatrix}).
 *
 * <p>The worker threads are daemons that spin a while before parking (see {@link SpinningWorkers});
 * {@link #close()} ends them.
 */
public final class VectorBackend extends HostBackend {
    public static final String BITS_PROPERTY = "fastnn.vector.bits";
    public static final String THREADS_PROPERTY = "fastnn.threads";

    private static final AtomicInteger POOLS = new AtomicInteger();
    /** Below this many values a batch write stays on the calling thread: the hand-off costs about a microsecond. */
    private static final int PARALLEL_MIN_WRITE = 1 << 15;

    private final int bits;
    private final int registers;
    private final int threads;
    /** The worker pool that gemm and the batch write are split over; {@code null} with one thread. */
    private final ThreadSplit split;
    private final GemmDriver gemm;
    private final ElementwiseKernels elementwise;
    /** Each calling thread's share of a split {@link #writeRowsKernel}, reused so that a write allocates nothing. */
    private final ThreadLocal<RowsWrite> rowsWrite = ThreadLocal.withInitial(RowsWrite::new);

    /** Width from {@value #BITS_PROPERTY} (default: the CPU's preferred), threads from {@value #THREADS_PROPERTY}. */
    public VectorBackend() {
        this(bitsFromProperty(), intProperty(THREADS_PROPERTY, Runtime.getRuntime().availableProcessors()));
    }

    /**
     * @param bits    vector width: 128, 256 or 512, at most {@link #maxBits()}
     * @param threads threads a large gemm is split over, at least 1 (the caller's thread counts as one)
     */
    public VectorBackend(int bits, int threads) {
        this(bits, vectorRegisters(), threads);
    }

    /**
     * As {@link #VectorBackend(int, int)} with the gemm tiles shaped for {@code registers} vector registers, 16 or
     * 32, whatever this CPU has: every shape gives the same bits, only the speed differs.
     */
    public VectorBackend(int bits, int registers, int threads) {
        if (registers != 16 && registers != 32) {
            throw new IllegalArgumentException("vector registers must be 16 or 32, got " + registers);
        }
        if (!supportedWidths().contains(bits)) {
            throw new IllegalArgumentException("vector width " + bits + " bits is not supported here; valid: "
                    + supportedWidths() + " (-D" + BITS_PROPERTY + ")");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads + " (-D" + THREADS_PROPERTY + ")");
        }
        this.bits = bits;
        this.registers = registers;
        this.threads = threads;
        this.elementwise = KernelsByWidth.elementwise(bits);
        this.split = threads == 1 ? null : new ThreadSplit(threads, "fastnn-vector-" + POOLS.incrementAndGet());
        this.gemm = new GemmDriver(KernelsByWidth.microKernels(bits, registers), elementwise, split);
    }

    /** The widest float vector this CPU runs natively (what the JIT calls the preferred species). */
    public static int maxBits() {
        return FloatVector.SPECIES_PREFERRED.vectorBitSize();
    }

    /**
     * Vector registers the JIT has for the kernels: 16 on x86 below AVX-512 (AVX2), 32 with AVX-512 and on
     * AArch64. {@link #maxBits()} tells AVX-512 from AVX2 as the JIT sees it ({@code -XX:UseAVX=2} included).
     */
    public static int vectorRegisters() {
        String arch = System.getProperty("os.arch");
        boolean x86 = arch.equals("amd64") || arch.equals("x86_64");
        return x86 && maxBits() < 512 ? 16 : 32;
    }

    /** The width {@value #BITS_PROPERTY} asks for, else {@link #maxBits()}. */
    static int bitsFromProperty() {
        return intProperty(BITS_PROPERTY, maxBits());
    }

    /** Lines for {@code fastnn backends}: the preferred width, the widths that can be forced, the gemm blocking. */
    public static List<String> describeSpecies() {
        int preferred = maxBits();
        return List.of(
                "preferred species: " + preferred + "-bit, " + FloatVector.SPECIES_PREFERRED.length() + " float lanes",
                "widths available (-D" + BITS_PROPERTY + "): " + supportedWidths(),
                "gemm: " + GemmDriver.MR + "x" + (2 * preferred / Float.SIZE) + " register tile"
                        + tilePasses(vectorRegisters()) + ", blocks KC=" + GemmDriver.KC
                        + " MC=" + GemmDriver.MC + " NC=" + GemmDriver.NC + "; threads (-D" + THREADS_PROPERTY + ") default "
                        + Runtime.getRuntime().availableProcessors());
    }

    private static List<Integer> supportedWidths() {
        List<Integer> widths = new ArrayList<>();
        for (int b = 128; b <= maxBits(); b *= 2) {
            widths.add(b);
        }
        return widths;
    }

    private static String tilePasses(int registers) {
        return MicroKernels.halfTiles(registers)
                ? " in two passes of " + GemmDriver.MR / 2 + " rows (" + registers + " vector registers)"
                : "";
    }

    @Override
    public String name() {
        return Backends.VECTOR;
    }

    @Override
    public String description() {
        return "vector (Vector API, " + bits + "-bit, " + gemm.nr() / 2 + " float lanes, "
                + (registers == vectorRegisters() ? "" : "tiles for " + registers + " registers, ")
                + threads + (threads == 1 ? " thread)" : " threads)");
    }

    public int bits() {
        return bits;
    }

    /** The register file the gemm tiles are shaped for, 16 or 32. */
    public int registers() {
        return registers;
    }

    public int threads() {
        return threads;
    }

    /** Columns of the register tile, {@code nr}: two vectors. */
    public int tileColumns() {
        return gemm.nr();
    }

    /** Training steps of a small network until the JIT has compiled the kernels they use (see {@link WarmUp}). */
    @Override
    public void warmUp() {
        super.warmUp();
        WarmUp.run(this, gemm.nr());
    }

    /** Ends this backend's worker threads. */
    @Override
    protected void closeResources() {
        if (split != null) {
            split.close();
        }
    }

    // ---------------------------------------------------------------- storage

    /**
     * A batch of at least {@value #PARALLEL_MIN_WRITE} values is drawn over the worker threads, whole slivers each:
     * the gather waits on memory (rows scattered over a training set far larger than the caches), and each core
     * brings its own share of misses in flight: a 128 x 784 batch from 60000 rows takes 45 us on one thread and 28 on
     * two (Zen 5).
     */
    @Override
    protected void writeRowsKernel(Matrix dst, float[] src, int[] rows, int from) {
        HostMatrix d = host(dst);
        int unit = d.layout() == HostMatrix.Layout.ROW_SLIVERS ? d.block() : 1;
        int units = d.rows() / unit;
        if (split == null || d.size() < PARALLEL_MIN_WRITE || units < threads) {
            d.storeRows(src, rows, from, 0, d.rows());
            return;
        }
        RowsWrite share = rowsWrite.get().set(d, src, rows, from);
        try {
            split.run(threads, units, unit, d.rows(), share);
        } finally {
            share.clear();
        }
    }

    /** One {@link #writeRowsKernel} call's operands, run as each thread's share of the rows. */
    private static final class RowsWrite implements ThreadSplit.Share {
        private HostMatrix dst;
        private float[] src;
        private int[] rows;
        private int from;

        RowsWrite set(HostMatrix dst, float[] src, int[] rows, int from) {
            this.dst = dst;
            this.src = src;
            this.rows = rows;
            this.from = from;
            return this;
        }

        void clear() {
            set(null, null, null, 0);
        }

        @Override
        public void run(int first, int end) {
            dst.storeRows(src, rows, from, first, end);
        }
    }

    /**
     * A batch for the left of a product ({@link MatrixUse#GEMM_LEFT}) in slivers of {@link GemmDriver#MR} rows and
     * weights ({@link MatrixUse#GEMM_RIGHT}) in panels of {@link #tileColumns()}: the micro-kernels' own layouts,
     * so the products of a training step read them where they lie instead of packing them on every call. Only
     * where the blocks divide the matrix (no padding) and the layout differs from row-major; else row-major.
     */
    @Override
    protected Matrix newMatrix(int rows, int cols, MatrixUse use) {
        if (use == MatrixUse.GEMM_LEFT && rows % GemmDriver.MR == 0 && cols > 1) {
            return new HostMatrix(this, rows, cols, HostMatrix.Layout.ROW_SLIVERS, GemmDriver.MR);
        }
        int nr = gemm.nr();
        if (use == MatrixUse.GEMM_RIGHT && cols % nr == 0 && cols > nr && rows > 1) {
            return new HostMatrix(this, rows, cols, HostMatrix.Layout.COLUMN_PANELS, nr);
        }
        return new HostMatrix(this, rows, cols);
    }

    private static HostMatrix host(Matrix m) {
        return (HostMatrix) m;
    }

    /** Whether the matrices lay out their elements alike, so that an elementwise kernel can run on the arrays. */
    private static boolean alike(Matrix a, Matrix b) {
        return host(a).sameLayout(host(b));
    }

    private static boolean alike(Matrix a, Matrix b, Matrix c) {
        return alike(a, b) && alike(a, c);
    }

    private static boolean alike(Matrix a, Matrix b, Matrix c, Matrix d) {
        return alike(a, b, c) && alike(a, d);
    }

    /** {@code m} itself when row-major, else a new row-major copy: for layouts the gemm driver does not read. */
    private HostMatrix rowMajorCopy(HostMatrix m) {
        if (m.layout() == HostMatrix.Layout.ROW_MAJOR) {
            return m;
        }
        HostMatrix copy = new HostMatrix(this, m.rows(), m.cols());
        m.load(copy.data());
        return copy;
    }

    // ---------------------------------------------------------------- gemm

    @Override
    protected void gemmKernel(boolean transA, boolean transB, int m, int n, int k,
                              float alpha, Matrix a, Matrix b, float beta, Matrix c) {
        product(transA, transB, m, n, k, alpha, a, b, beta, c, GemmDriver.Epilogue.NONE, Activation.IDENTITY, null, null);
    }

    /**
     * The gemm with bias and activation applied as its tiles are finished (GemmDriver's epilogue); softmax, which
     * needs whole rows, runs after the product.
     */
    @Override
    protected void gemmBiasActivationKernel(boolean transA, boolean transB, int m, int n, int k,
                                            Matrix a, Matrix b, Matrix bias, Activation f, Matrix out) {
        boolean rowWise = f == Activation.SOFTMAX;
        product(transA, transB, m, n, k, 1f, a, b, 0f, out, GemmDriver.Epilogue.BIAS_ACTIVATION,
                rowWise ? Activation.IDENTITY : f, bias == null ? null : rowMajor(bias), null);
        if (rowWise) {
            activationKernel(f, out, out);
        }
    }

    /** The gemm with the activation's gradient applied as its tiles are finished; softmax's after the product. */
    @Override
    protected void gemmActivationGradientKernel(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                                Matrix a, Matrix b, Activation f, Matrix y, Matrix out) {
        if (f == Activation.SOFTMAX) {
            super.gemmActivationGradientKernel(transA, transB, m, n, k, alpha, a, b, f, y, out);
            return;
        }
        product(transA, transB, m, n, k, alpha, a, b, 0f, out, GemmDriver.Epilogue.ACTIVATION_GRADIENT, f, null, y);
    }

    /** The driver on the operands where they lie, or on row-major copies of all of them where it cannot read one. */
    private void product(boolean transA, boolean transB, int m, int n, int k, float alpha, Matrix a, Matrix b,
                         float beta, Matrix c, GemmDriver.Epilogue epilogue, Activation f, float[] bias, Matrix y) {
        HostMatrix ha = host(a);
        HostMatrix hb = host(b);
        HostMatrix hc = host(c);
        HostMatrix hy = y == null ? null : host(y);
        if (gemm.reads(ha, hb, hc, hy)) {
            gemm.multiply(transA, transB, m, n, k, alpha, ha, hb, beta, hc, epilogue, f, bias, hy);
            return;
        }
        HostMatrix rc = rowMajorCopy(hc);
        gemm.multiply(transA, transB, m, n, k, alpha, rowMajorCopy(ha), rowMajorCopy(hb), beta, rc, epilogue, f, bias,
                hy == null ? null : rowMajorCopy(hy));
        storeRowMajor(c, rc.data());
    }

    // ---------------------------------------------------------------- activations

    /**
     * Every kernel here runs on the arrays where its operands lie alike (elementwise results do not depend on
     * where an element is) and on row-major copies otherwise, or where rows matter (softmax).
     */
    @Override
    protected void activationKernel(Activation f, Matrix x, Matrix out) {
        if (f != Activation.SOFTMAX && alike(x, out)) {
            elementwise.activation(f, data(x), data(out), 0, x.size(), 1, x.size());
            return;
        }
        float[] o = rowMajor(out);
        if (f == Activation.SOFTMAX) {
            elementwise.softmaxRows(rowMajor(x), o, x.rows(), x.cols());
        } else {
            elementwise.activation(f, rowMajor(x), o, 0, x.size(), 1, x.size());
        }
        storeRowMajor(out, o);
    }

    @Override
    protected void sigmoidDerivativeKernel(Matrix s, Matrix out) {
        boolean raw = alike(s, out);
        float[] o = raw ? data(out) : rowMajor(out);
        elementwise.sigmoidDerivative(raw ? data(s) : rowMajor(s), o, s.size());
        storeRowMajor(out, o);
    }

    @Override
    protected void activationGradientKernel(Activation f, Matrix y, Matrix grad, Matrix out) {
        if (f != Activation.SOFTMAX && alike(y, grad, out)) {
            elementwise.activationGradient(f, data(y), data(grad), data(out), 0, y.size(), 1, y.size());
            return;
        }
        float[] o = rowMajor(out);
        if (f == Activation.SOFTMAX) {
            elementwise.softmaxGradientRows(rowMajor(y), rowMajor(grad), o, y.rows(), y.cols());
        } else {
            elementwise.activationGradient(f, rowMajor(y), rowMajor(grad), o, 0, y.size(), 1, y.size());
        }
        storeRowMajor(out, o);
    }

    // ---------------------------------------------------------------- elementwise

    @Override
    protected void addRowVectorKernel(Matrix m, Matrix row) {
        float[] values = rowMajor(m);
        elementwise.addRow(values, 0, m.cols(), m.rows(), m.cols(), rowMajor(row), 0);
        storeRowMajor(m, values);
    }

    @Override
    protected void columnSumsKernel(Matrix m, Matrix out) {
        float[] o = rowMajor(out);
        elementwise.columnSums(rowMajor(m), m.rows(), m.cols(), o);
        storeRowMajor(out, o);
    }

    @Override
    protected void axpyKernel(float alpha, Matrix x, Matrix y) {
        boolean raw = alike(x, y);
        float[] yv = raw ? data(y) : rowMajor(y);
        elementwise.axpy(alpha, raw ? data(x) : rowMajor(x), yv, x.size());
        storeRowMajor(y, yv);
    }

    /** Every element scaled alike: the layout does not matter. */
    @Override
    protected void scaleKernel(float alpha, Matrix x) {
        elementwise.scale(alpha, data(x), x.size());
    }

    @Override
    protected void hadamardKernel(Matrix a, Matrix b, Matrix out) {
        boolean raw = alike(a, b, out);
        float[] o = raw ? data(out) : rowMajor(out);
        elementwise.hadamard(raw ? data(a) : rowMajor(a), raw ? data(b) : rowMajor(b), o, a.size());
        storeRowMajor(out, o);
    }

    @Override
    protected void subtractKernel(Matrix a, Matrix b, Matrix out) {
        boolean raw = alike(a, b, out);
        float[] o = raw ? data(out) : rowMajor(out);
        elementwise.subtract(raw ? data(a) : rowMajor(a), raw ? data(b) : rowMajor(b), o, a.size());
        storeRowMajor(out, o);
    }

    /** Reductions add in row-major order, whatever the layout, so that every layout sums to the same bits. */
    @Override
    protected double sumSquaredErrorKernel(Matrix yhat, Matrix y) {
        return elementwise.sumSquaredError(rowMajor(yhat), rowMajor(y), y.size());
    }

    @Override
    protected double crossEntropyKernel(Matrix p, Matrix y) {
        return ScalarKernels.crossEntropy(rowMajor(p), rowMajor(y), y.size());
    }

    @Override
    protected void adamKernel(Matrix w, Matrix g, Matrix m, Matrix v, float lr, float beta1, float beta2,
                              float epsilon, float correction1, float correction2) {
        if (alike(w, g, m, v)) {
            ScalarKernels.adam(data(w), data(g), data(m), data(v), w.size(), lr, beta1, beta2, epsilon, correction1, correction2);
            return;
        }
        float[] wv = rowMajor(w);
        float[] mv = rowMajor(m);
        float[] vv = rowMajor(v);
        ScalarKernels.adam(wv, rowMajor(g), mv, vv, w.size(), lr, beta1, beta2, epsilon, correction1, correction2);
        storeRowMajor(w, wv);
        storeRowMajor(m, mv);
        storeRowMajor(v, vv);
    }

    /** The mask is drawn by row-major index. */
    @Override
    protected void dropoutKernel(Matrix x, Matrix out, int key, int threshold, float scale) {
        float[] o = rowMajor(out);
        elementwise.dropout(rowMajor(x), o, x.size(), key, threshold, scale);
        storeRowMajor(out, o);
    }

    /** Rows x outputs, a few thousand floats per batch: scalar loops, as for the loss's gradient scale. */
    @Override
    protected void scaleRowsKernel(Matrix m, Matrix factors, Matrix out) {
        float[] o = rowMajor(out);
        ScalarKernels.scaleRows(rowMajor(m), m.rows(), m.cols(), rowMajor(factors), o);
        storeRowMajor(out, o);
    }

    @Override
    protected double dotKernel(Matrix a, Matrix b) {
        return ScalarKernels.dot(rowMajor(a), rowMajor(b), a.size());
    }

    /** A compare per element and a branch per row, once per batch: the scalar loop. */
    @Override
    protected void addArgmaxMatchesKernel(Matrix scores, Matrix targets, Matrix count) {
        ScalarKernels.addArgmaxMatches(rowMajor(scores), rowMajor(targets), scores.rows(), scores.cols(), data(count));
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
