package dev.fastnn.kernels.vector;

import dev.fastnn.kernels.Activation;
import dev.fastnn.kernels.Backends;
import dev.fastnn.kernels.HostBackend;
import dev.fastnn.kernels.Matrix;
import dev.fastnn.kernels.naive.ScalarKernels;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.incubator.vector.FloatVector;

/**
 * The JDK Vector API backend: host storage, and each operation wired to its kernel. gemm goes to a
 * {@link GemmDriver} (blocked, packed, register-tiled, split over this backend's own worker threads), the
 * activations and elementwise operations to the {@link ElementwiseKernels} of the backend's vector width;
 * softmax, cross-entropy and Adam, which run once per batch on small arrays, to the scalar
 * {@link ScalarKernels} the naive backend runs too.
 *
 * <p>The worker threads are daemons that spin a while before parking (see {@link SpinningWorkers});
 * {@link #close()} ends them.
 */
public final class VectorBackend extends HostBackend {
    public static final String BITS_PROPERTY = "fastnn.vector.bits";
    public static final String THREADS_PROPERTY = "fastnn.threads";

    private static final AtomicInteger POOLS = new AtomicInteger();

    private final int bits;
    private final int threads;
    private final GemmDriver gemm;
    private final ElementwiseKernels elementwise;

    /** Width from {@value #BITS_PROPERTY} (default: the CPU's preferred), threads from {@value #THREADS_PROPERTY}. */
    public VectorBackend() {
        this(bitsFromProperty(), intProperty(THREADS_PROPERTY, Runtime.getRuntime().availableProcessors()));
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
        this.gemm = new GemmDriver(KernelsByWidth.microKernels(bits), threads, "fastnn-vector-" + POOLS.incrementAndGet());
        this.elementwise = KernelsByWidth.elementwise(bits);
    }

    /** The widest float vector this CPU runs natively (what the JIT calls the preferred species). */
    public static int maxBits() {
        return FloatVector.SPECIES_PREFERRED.vectorBitSize();
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
                "gemm: " + GemmDriver.MR + "x" + (2 * preferred / Float.SIZE) + " register tile, blocks KC=" + GemmDriver.KC
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

    @Override
    public String name() {
        return Backends.VECTOR;
    }

    @Override
    public String description() {
        return "vector (Vector API, " + bits + "-bit, " + gemm.nr() / 2 + " float lanes, "
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
        return gemm.nr();
    }

    /** Ends this backend's worker threads. */
    @Override
    protected void closeResources() {
        gemm.close();
    }

    // ---------------------------------------------------------------- gemm

    @Override
    protected void gemmKernel(boolean transA, boolean transB, int m, int n, int k,
                              float alpha, Matrix a, Matrix b, float beta, Matrix c) {
        gemm.multiply(transA, transB, m, n, k, alpha, data(a), a.cols(), data(b), b.cols(), beta, data(c));
    }

    // ---------------------------------------------------------------- activations

    @Override
    protected void activationKernel(Activation f, Matrix x, Matrix out) {
        float[] xv = data(x);
        float[] ov = data(out);
        int size = x.size();
        switch (f) {
            case IDENTITY -> copyKernel(x, out);
            case SIGMOID -> elementwise.sigmoid(xv, ov, size);
            case TANH -> elementwise.tanh(xv, ov, size);
            case RELU -> elementwise.relu(xv, ov, size);
            case SOFTMAX -> ScalarKernels.softmaxRows(xv, ov, x.rows(), x.cols());
            default -> throw new AssertionError(f);
        }
    }

    @Override
    protected void sigmoidDerivativeKernel(Matrix s, Matrix out) {
        elementwise.sigmoidDerivative(data(s), data(out), s.size());
    }

    @Override
    protected void activationGradientKernel(Activation f, Matrix y, Matrix grad, Matrix out) {
        float[] yv = data(y);
        float[] gv = data(grad);
        float[] ov = data(out);
        int size = y.size();
        switch (f) {
            case IDENTITY -> copyKernel(grad, out);
            case SIGMOID -> elementwise.sigmoidGradient(yv, gv, ov, size);
            case TANH -> elementwise.tanhGradient(yv, gv, ov, size);
            case RELU -> elementwise.reluGradient(yv, gv, ov, size);
            case SOFTMAX -> ScalarKernels.softmaxGradientRows(yv, gv, ov, y.rows(), y.cols());
            default -> throw new AssertionError(f);
        }
    }

    // ---------------------------------------------------------------- elementwise

    @Override
    protected void addRowVectorKernel(Matrix m, Matrix row) {
        elementwise.addRowVector(data(m), m.rows(), m.cols(), data(row));
    }

    @Override
    protected void columnSumsKernel(Matrix m, Matrix out) {
        elementwise.columnSums(data(m), m.rows(), m.cols(), data(out));
    }

    @Override
    protected void axpyKernel(float alpha, Matrix x, Matrix y) {
        elementwise.axpy(alpha, data(x), data(y), x.size());
    }

    @Override
    protected void scaleKernel(float alpha, Matrix x) {
        elementwise.scale(alpha, data(x), x.size());
    }

    @Override
    protected void hadamardKernel(Matrix a, Matrix b, Matrix out) {
        elementwise.hadamard(data(a), data(b), data(out), a.size());
    }

    @Override
    protected void subtractKernel(Matrix a, Matrix b, Matrix out) {
        elementwise.subtract(data(a), data(b), data(out), a.size());
    }

    @Override
    protected double sumSquaredErrorKernel(Matrix yhat, Matrix y) {
        return elementwise.sumSquaredError(data(yhat), data(y), y.size());
    }

    @Override
    protected double crossEntropyKernel(Matrix p, Matrix y) {
        return ScalarKernels.crossEntropy(data(p), data(y), y.size());
    }

    @Override
    protected void adamKernel(Matrix w, Matrix g, Matrix m, Matrix v, float lr, float beta1, float beta2,
                              float epsilon, float correction1, float correction2) {
        ScalarKernels.adam(data(w), data(g), data(m), data(v), w.size(), lr, beta1, beta2, epsilon, correction1, correction2);
    }

    @Override
    protected void dropoutKernel(Matrix x, Matrix out, int key, int threshold, float scale) {
        elementwise.dropout(data(x), data(out), x.size(), key, threshold, scale);
    }

    /** Rows x outputs, a few thousand floats per batch: scalar loops, as for the loss's gradient scale. */
    @Override
    protected void scaleRowsKernel(Matrix m, Matrix factors, Matrix out) {
        ScalarKernels.scaleRows(data(m), m.rows(), m.cols(), data(factors), data(out));
    }

    @Override
    protected double dotKernel(Matrix a, Matrix b) {
        return ScalarKernels.dot(data(a), data(b), a.size());
    }

    /** A compare per element and a branch per row, once per batch: the scalar loop. */
    @Override
    protected void addArgmaxMatchesKernel(Matrix scores, Matrix targets, Matrix count) {
        ScalarKernels.addArgmaxMatches(data(scores), data(targets), scores.rows(), scores.cols(), data(count));
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
