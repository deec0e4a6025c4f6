package dev.fastnn.kernels.opencl;

import com.aparapi.Range;
import com.aparapi.device.Device;
import com.aparapi.device.OpenCLDevice;
import com.aparapi.exception.CompileFailedException;
import com.aparapi.internal.kernel.KernelManager;
import dev.fastnn.kernels.Activation;
import dev.fastnn.kernels.Backend;
import dev.fastnn.kernels.Matrix;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The backend on an OpenCL device, through Aparapi: every kernel is a branch of {@link DeviceKernel}, and
 * every matrix is a slice of one device-resident arena, so a training step moves only its batch in and its
 * loss out.
 *
 * <h2>How Aparapi 3.0.2 owns device buffers, and why the arena</h2>
 * Read from Aparapi's sources ({@code com/aparapi/internal/kernel/KernelRunner.java} and the JNI side,
 * {@code src/cpp/runKernel/Aparapi.cpp} in aparapi-native):
 * <ul>
 * <li>An OpenCL buffer belongs to one kernel <em>instance</em> (its JNIContext) and one array
 *     <em>field</em>; the same Java array bound to two kernels has two unrelated device copies.</li>
 * <li>When a field points to a different array than at the last {@code execute}
 *     ({@code updateNonPrimitiveReferences}), the old buffer is released and a new one is created with
 *     {@code CL_MEM_COPY_HOST_PTR} from the Java array ({@code updateArray}); on a CPU device it is
 *     {@code CL_MEM_USE_HOST_PTR}, the Java array itself. So rebinding a field uploads that array and
 *     forgets what the device held for the old one.</li>
 * <li>In explicit mode nothing else moves: {@code put(array)} marks the array bound to a field for one
 *     upload at the next {@code execute}; {@code get(array)} reads the buffer bound to it now.</li>
 * <li>If the garbage collector moved the array since the last {@code execute}, the buffer is recreated
 *     from the Java array ({@code processArray}: {@code objectMoved}), silently dropping device-only
 *     results. The arena is therefore allocated large enough (16 MiB or more) to be a humongous object,
 *     which G1 (the default collector) never moves.</li>
 * </ul>
 * Hence one kernel instance holds every op, its {@code mem} field is bound to the arena for good (it only
 * changes when the arena grows, after the old contents were fetched), and only {@code in} and {@code out}
 * carry data across the bus. All of that happens in {@link #launch} and {@link #fetch}, the only places
 * that bind, put or get, and the only places that count bytes besides {@link Backend#write}/{@link
 * Backend#read}. On PoCL buffers share host memory, so a forgotten put or get would go unnoticed; here a
 * transfer cannot be forgotten because every device-visible change of {@code in} is made by
 * {@link #launch} (rebind or put), and every host-visible read of {@code out} follows {@link #fetch}.
 *
 * <p>The transfer counter counts what a discrete GPU moves (including the arena's first upload and a
 * growth's round trip), also on PoCL where the copies are in fact shared memory.
 *
 * <h2>Never Java</h2>
 * Aparapi falls back to its Java thread pool when OpenCL fails, with a log line at most. Each kernel is
 * pinned to the chosen device and compiled in the constructor (where untranslatable bytecode throws), and
 * after every {@code execute} the device it ran on is checked: running anywhere else throws.
 *
 * <p>Aparapi kernels keep their arguments in fields, so all calls of one backend are serialized on it.
 */
public final class OpenClBackend extends Backend {
    /** Work-group size of the 1D kernels; every 1D global range is padded to a multiple of it. */
    private static final int LOCAL = 64;
    /** Floats: 16 MiB, at least half of G1's largest region, so the arena is humongous and never moved. */
    private static final int MIN_ARENA_FLOATS = 4 << 20;
    private static final int STAGING_SIZES = 8;

    private final OpenClProbe.Found found;
    private final OpenCLDevice device;
    private final DeviceKernel kernel;
    private final ArenaAllocator allocator;
    private final Map<Integer, float[]> inStaging = lru();
    private final Map<Integer, float[]> outStaging = lru();
    /** The arrays each field was bound to at the last execute: what the device buffers hold. */
    private float[] boundMem;
    private float[] boundIn;
    private float[] boundOut;

    OpenClBackend(OpenClProbe.Found found) {
        this.found = found;
        this.device = found.device();
        this.allocator = new ArenaAllocator(MIN_ARENA_FLOATS);
        // On a host-memory device (PoCL) Aparapi would make each buffer alias the Java array it was created
        // from (CL_MEM_USE_HOST_PTR). Then a forgotten put or get goes unnoticed, and worse, an explicit get
        // after the garbage collector moved the array copies from the array's OLD address (getJNI reads the
        // buffer's host pointer into the newly pinned array). Separate buffers make PoCL behave like a
        // discrete GPU: every transfer is real, so the tests on PoCL test the transfers.
        device.setSharedMemory(false);
        this.kernel = new DeviceKernel(new float[MIN_ARENA_FLOATS]);
        kernel.setExplicit(true);
        KernelManager.instance().setPreferredDevices(kernel, new LinkedHashSet<>(List.of(device)));
        try {
            kernel.compile(device);
        } catch (CompileFailedException | RuntimeException e) {
            throw new IllegalStateException("the fastnn OpenCL kernels could not be compiled for "
                    + device.getName().trim() + ": " + e.getMessage(), e);
        }
    }

    /** Creates the backend on the device {@link AparapiProvider} chose; fails with the reason when there is none. */
    public static OpenClBackend create() {
        return (OpenClBackend) new AparapiProvider().create();
    }

    @Override
    public String name() {
        return "aparapi";
    }

    @Override
    public String description() {
        return "aparapi (OpenCL " + device.getType() + " device " + device.getName().trim() + ", platform "
                + found.platform().trim() + ", " + device.getMaxComputeUnits() + " compute units)";
    }

    /** The OpenCL device every kernel of this backend runs on. */
    public OpenCLDevice device() {
        return device;
    }

    /** The device the last kernel ran on, for tests that prove it was not Aparapi's Java pool. */
    synchronized Device lastTargetDevice() {
        return kernel.getTargetDevice();
    }

    /** Whether Aparapi ran the last kernel through OpenCL. */
    synchronized boolean lastRanOpenCl() {
        return kernel.isRunningCL();
    }

    /** Frees the device buffers of a backend made outside {@link dev.fastnn.kernels.Backends} (tests); unusable afterwards. */
    synchronized void dispose() {
        kernel.dispose();
    }

    /** Floats the arena holds now. */
    synchronized int arenaFloats() {
        return allocator.capacity();
    }

    // ---------------------------------------------------------------- the one place data crosses the bus

    /**
     * Runs the kernel with its fields as set, after accounting for what Aparapi will upload: a field bound
     * to a new array is uploaded whole when its buffer is created. {@code inIsPayload}: {@code in} carries
     * data the caller already counted ({@link Backend#write}); it is put when its buffer already exists.
     */
    private void launch(Range range, boolean inIsPayload) {
        if (kernel.mem != boundMem) {
            transfers().addToBackend((long) kernel.mem.length * Float.BYTES);
        }
        if (kernel.in != boundIn) {
            if (!inIsPayload) {
                transfers().addToBackend((long) kernel.in.length * Float.BYTES);
            }
        } else if (inIsPayload) {
            kernel.put(kernel.in);
        }
        if (kernel.out != boundOut) {
            transfers().addToBackend((long) kernel.out.length * Float.BYTES);
        }
        kernel.execute(range);
        requireRanOnDevice();
        boundMem = kernel.mem;
        boundIn = kernel.in;
        boundOut = kernel.out;
    }

    /** Brings {@code out} back from the device; the caller counts the bytes. */
    private void fetch() {
        kernel.get(kernel.out);
    }

    private void requireRanOnDevice() {
        Device target = kernel.getTargetDevice();
        List<Device> failed = KernelManager.instance().getPreferences(kernel).getFailedDevices();
        boolean onDevice = kernel.isRunningCL() && target instanceof OpenCLDevice
                && target.getDeviceId() == device.getDeviceId() && !failed.contains(device);
        if (!onDevice) {
            throw new IllegalStateException("Aparapi did not run the fastnn OpenCL kernel on "
                    + device.getName().trim() + " but on " + (target == null ? "no device" : target.getShortDescription())
                    + " (failed devices: " + failed + "); fastnn never lets Aparapi fall back to Java. "
                    + "Run with -D" + OpenClProbe.LOG_LEVEL_PROPERTY + "=WARNING to see Aparapi's reason, "
                    + "or choose the vector backend (--backend vector)");
        }
    }

    private void growArena(int needed) {
        long wanted = Math.max(2L * allocator.capacity(), (long) allocator.capacity() + ArenaAllocator.blockSize(needed));
        int capacity = (int) Math.min(wanted, Integer.MAX_VALUE - 64L) / ArenaAllocator.ALIGN * ArenaAllocator.ALIGN;
        if (capacity - allocator.capacity() < ArenaAllocator.blockSize(needed)) {
            throw new IllegalStateException("the OpenCL arena cannot hold another " + needed
                    + " floats (Java arrays end at 2^31 elements)");
        }
        float[] old = kernel.mem;
        if (boundMem == old) {
            kernel.get(old);
            transfers().addFromBackend((long) old.length * Float.BYTES);
        }
        float[] grown = new float[capacity];
        System.arraycopy(old, 0, grown, 0, old.length);
        kernel.mem = grown;
        allocator.grow(capacity);
    }

    private float[] staged(Map<Integer, float[]> cache, int size) {
        return cache.computeIfAbsent(size, float[]::new);
    }

    private static Map<Integer, float[]> lru() {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Integer, float[]> eldest) {
                return size() > STAGING_SIZES;
            }
        };
    }

    // ---------------------------------------------------------------- storage

    private static int at(Matrix m) {
        return ((OpenClMatrix) m).offset;
    }

    @Override
    protected synchronized Matrix newMatrix(int rows, int cols) {
        int size = rows * cols;
        int offset = allocator.allocate(size);
        if (offset < 0) {
            growArena(size);
            offset = allocator.allocate(size);
        }
        OpenClMatrix matrix = new OpenClMatrix(this, rows, cols, offset);
        fillKernel(matrix, 0f);
        return matrix;
    }

    @Override
    protected synchronized void releaseStorage(Matrix m) {
        allocator.release(at(m), m.size());
    }

    @Override
    protected synchronized void writeStorage(Matrix dst, float[] src, int offset) {
        float[] stage = staged(inStaging, dst.size());
        System.arraycopy(src, offset, stage, 0, dst.size());
        kernel.in = stage;
        kernel.op = DeviceKernel.OP_COPY_IN;
        kernel.n = dst.size();
        kernel.offC = at(dst);
        launch(range1D(dst.size()), true);
    }

    @Override
    protected synchronized void readStorage(Matrix src, float[] dst) {
        kernel.out = staged(outStaging, src.size());
        kernel.op = DeviceKernel.OP_COPY_OUT;
        kernel.n = src.size();
        kernel.offA = at(src);
        launch(range1D(src.size()), false);
        fetch();
        System.arraycopy(kernel.out, 0, dst, 0, src.size());
    }

    // ---------------------------------------------------------------- compute

    private Range range1D(int items) {
        return Range.create(device, roundUp(items, LOCAL), LOCAL);
    }

    private static int roundUp(int value, int multiple) {
        return (int) (((long) value + multiple - 1) / multiple * multiple);
    }

    private void elementwise(int op, int size, Matrix a, Matrix b, Matrix c) {
        kernel.op = op;
        kernel.n = size;
        kernel.offA = a == null ? 0 : at(a);
        kernel.offB = b == null ? 0 : at(b);
        kernel.offC = c == null ? 0 : at(c);
        launch(range1D(size), false);
    }

    @Override
    protected synchronized void gemmKernel(boolean transA, boolean transB, int m, int n, int k,
                                           float alpha, Matrix a, Matrix b, float beta, Matrix c) {
        kernel.op = DeviceKernel.OP_GEMM;
        kernel.m = m;
        kernel.k = k;
        kernel.cols = n;
        kernel.lda = a.cols();
        kernel.ldb = b.cols();
        kernel.transA = transA ? 1 : 0;
        kernel.transB = transB ? 1 : 0;
        kernel.alpha = alpha;
        kernel.beta = beta;
        kernel.offA = at(a);
        kernel.offB = at(b);
        kernel.offC = at(c);
        int tile = DeviceKernel.TILE;
        launch(Range.create2D(device, roundUp(n, tile), roundUp(m, tile), tile, tile), false);
    }

    @Override
    protected synchronized void activationKernel(Activation f, Matrix x, Matrix out) {
        switch (f) {
            case IDENTITY -> copyKernel(x, out);
            case SIGMOID -> elementwise(DeviceKernel.OP_SIGMOID, x.size(), x, null, out);
            case TANH -> elementwise(DeviceKernel.OP_TANH, x.size(), x, null, out);
            case RELU -> elementwise(DeviceKernel.OP_RELU, x.size(), x, null, out);
            case SOFTMAX -> rowWise(DeviceKernel.OP_SOFTMAX, x, null, out);
            default -> throw new AssertionError(f);
        }
    }

    private void rowWise(int op, Matrix a, Matrix b, Matrix c) {
        kernel.cols = a.cols();
        elementwise(op, a.rows(), a, b, c);
    }

    @Override
    protected synchronized void sigmoidDerivativeKernel(Matrix s, Matrix out) {
        elementwise(DeviceKernel.OP_SIGMOID_DERIVATIVE, s.size(), s, null, out);
    }

    @Override
    protected synchronized void activationGradientKernel(Activation f, Matrix y, Matrix grad, Matrix out) {
        switch (f) {
            case IDENTITY -> {
                if (grad != out) {
                    copyKernel(grad, out);
                }
            }
            case SIGMOID -> elementwise(DeviceKernel.OP_GRAD_SIGMOID, y.size(), y, grad, out);
            case TANH -> elementwise(DeviceKernel.OP_GRAD_TANH, y.size(), y, grad, out);
            case RELU -> elementwise(DeviceKernel.OP_GRAD_RELU, y.size(), y, grad, out);
            case SOFTMAX -> rowWise(DeviceKernel.OP_GRAD_SOFTMAX, y, grad, out);
            default -> throw new AssertionError(f);
        }
    }

    @Override
    protected synchronized void addRowVectorKernel(Matrix m, Matrix row) {
        kernel.cols = m.cols();
        elementwise(DeviceKernel.OP_ADD_ROW, m.size(), m, row, null);
    }

    @Override
    protected synchronized void columnSumsKernel(Matrix m, Matrix out) {
        kernel.op = DeviceKernel.OP_COLUMN_SUMS;
        kernel.n = m.rows();
        kernel.cols = m.cols();
        kernel.offA = at(m);
        kernel.offC = at(out);
        launch(range1D(m.cols()), false);
    }

    @Override
    protected synchronized void axpyKernel(float alpha, Matrix x, Matrix y) {
        kernel.alpha = alpha;
        elementwise(DeviceKernel.OP_AXPY, x.size(), x, y, null);
    }

    @Override
    protected synchronized void scaleKernel(float alpha, Matrix x) {
        kernel.alpha = alpha;
        elementwise(DeviceKernel.OP_SCALE, x.size(), x, null, null);
    }

    @Override
    protected synchronized void fillKernel(Matrix x, float value) {
        kernel.alpha = value;
        elementwise(DeviceKernel.OP_FILL, x.size(), x, null, null);
    }

    @Override
    protected synchronized void copyKernel(Matrix src, Matrix dst) {
        elementwise(DeviceKernel.OP_COPY, src.size(), src, null, dst);
    }

    @Override
    protected synchronized void hadamardKernel(Matrix a, Matrix b, Matrix out) {
        elementwise(DeviceKernel.OP_HADAMARD, a.size(), a, b, out);
    }

    @Override
    protected synchronized void subtractKernel(Matrix a, Matrix b, Matrix out) {
        elementwise(DeviceKernel.OP_SUBTRACT, a.size(), a, b, out);
    }

    /**
     * Partial sums come back (two rows of {@value DeviceKernel#PARTIALS} floats: the sums, and for
     * cross-entropy the targets of clamped probabilities) and are added here in double.
     */
    private float[] reduce(int op, Matrix a, Matrix b) {
        kernel.out = staged(outStaging, 2 * DeviceKernel.PARTIALS);
        kernel.op = op;
        kernel.n = a.size();
        kernel.offA = at(a);
        kernel.offB = at(b);
        launch(Range.create(device, DeviceKernel.PARTIALS, LOCAL), false);
        fetch();
        transfers().addFromBackend((long) kernel.out.length * Float.BYTES);
        return kernel.out;
    }

    private static double sum(float[] values, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += values[i];
        }
        return sum;
    }

    @Override
    protected synchronized double sumSquaredErrorKernel(Matrix yhat, Matrix y) {
        return sum(reduce(DeviceKernel.OP_SSE_PARTIALS, yhat, y), 0, DeviceKernel.PARTIALS);
    }

    @Override
    protected synchronized double crossEntropyKernel(Matrix p, Matrix y) {
        float[] partials = reduce(DeviceKernel.OP_CROSS_ENTROPY_PARTIALS, p, y);
        int half = DeviceKernel.PARTIALS;
        return sum(partials, 0, half) - Math.log(1e-30) * sum(partials, half, 2 * half);
    }

    @Override
    protected synchronized void adamKernel(Matrix w, Matrix g, Matrix m, Matrix v, float lr, float beta1, float beta2,
                                           float epsilon, float correction1, float correction2) {
        kernel.alpha = lr;
        kernel.beta1 = beta1;
        kernel.beta2 = beta2;
        kernel.epsilon = epsilon;
        kernel.correction1 = correction1;
        kernel.correction2 = correction2;
        kernel.offD = at(v);
        elementwise(DeviceKernel.OP_ADAM, w.size(), w, g, m);
    }
}
