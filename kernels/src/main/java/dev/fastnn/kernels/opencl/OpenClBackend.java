package dev.fastnn.kernels.opencl;

import com.aparapi.Range;
import com.aparapi.device.Device;
import com.aparapi.device.OpenCLDevice;
import com.aparapi.exception.CompileFailedException;
import com.aparapi.internal.kernel.KernelManager;
import dev.fastnn.kernels.Activation;
import dev.fastnn.kernels.Backend;
import dev.fastnn.kernels.Backends;
import dev.fastnn.kernels.CrossEntropy;
import dev.fastnn.kernels.Matrix;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The backend on an OpenCL device, through Aparapi: every kernel is a branch of {@link DeviceKernel}, and
 * every matrix is a slice of one device-resident arena, so a training step moves nothing in (the trainer
 * keeps the training set here and gathers each batch, {@link #isDeviceMemory()}) and only its loss out.
 *
 * <h2>How Aparapi 3.0.2 owns device buffers, and what follows</h2>
 * Read from Aparapi's sources ({@code com/aparapi/internal/kernel/KernelRunner.java}; the JNI side,
 * {@code src/cpp/runKernel/Aparapi.cpp} in aparapi-native):
 * <ul>
 * <li>An OpenCL buffer belongs to one kernel <em>instance</em> (its JNIContext) and one array
 *     <em>field</em>; the same Java array bound to two kernels has two unrelated device copies. Hence one
 *     kernel instance holds every op.</li>
 * <li>A buffer is created with {@code CL_MEM_COPY_HOST_PTR} (an upload of the whole array) on the first
 *     execute, when the field points to another array ({@code updateNonPrimitiveReferences}) and when the
 *     array's address changed since the last execute ({@code processArray}: {@code objectMoved}, i.e. the
 *     garbage collector moved it). Whether a new array that happens to sit at the old address gets a new
 *     buffer depends on the address alone, so fastnn never re-points a field: {@code mem} only when the
 *     arena grows (the old arena is alive and humongous, so the new one cannot share its address), the
 *     staging arrays never.</li>
 * <li>A moved array gets a buffer made from its Java contents: for the arena that would silently drop
 *     every device-side result. The arena is therefore at least 16 MiB, a humongous object that G1 (the
 *     default collector), ZGC and Shenandoah leave in place; under Serial or Parallel GC, which compact
 *     it, {@link AparapiProvider} reports the backend unavailable. Staging arrays may move harmlessly:
 *     uploads put them anyway, and downloads fill them on the device right before the get.</li>
 * <li>In explicit mode nothing else moves: {@code put(array)} uploads the array bound to a field at the
 *     next execute, whole; {@code get(array)} reads its buffer back, whole.</li>
 * <li>On a host-memory device Aparapi would make buffers alias the Java arrays
 *     ({@code CL_MEM_USE_HOST_PTR}): a forgotten put or get would go unnoticed, and a get after a move
 *     reads the array's old address ({@code getJNI}). The device is told it has no shared memory, so
 *     PoCL gets real buffers and the tests on PoCL test every transfer.</li>
 * </ul>
 * Transfers happen only in {@link #upload}, {@link #download}, {@link #reduce} (partial sums) and
 * {@link #launch} (buffer creation, arena growth), and each counts what it moves in {@link #transfers()}
 * beyond what {@link Backend#write}/{@link Backend#read} count: put and get move whole staging arrays
 * (16 to 1048576 floats), so a chunk's unused tail is counted too. The counts are what a discrete GPU
 * moves, also on PoCL.
 *
 * <h2>Never Java</h2>
 * Aparapi falls back to its Java thread pool when OpenCL fails, with a log line at most. The kernel is
 * pinned to the chosen device and compiled in the constructor (where untranslatable bytecode throws), and
 * after every {@code execute} the device it ran on is checked: running anywhere else throws.
 *
 * <p>Aparapi kernels keep their arguments in fields, so every operation is {@code synchronized} on this backend:
 * one caller at a time sets them, launches, and moves the results.
 */
public final class OpenClBackend extends Backend {
    /** Work-group size of the 1D kernels; every 1D global range is padded to a multiple of it. */
    private static final int LOCAL = 64;
    /** Floats: 16 MiB, at least half of G1's largest region, so the arena is humongous and never moved. */
    private static final int MIN_ARENA_FLOATS = 4 << 20;
    /** Fewest steps of K a slice of a split gemm covers (see {@link #kSlices}). */
    static final int MIN_SLICE_K = 128;

    private final OpenClProbe.Found found;
    private final OpenCLDevice device;
    private final DeviceKernel kernel;
    private final ArenaAllocator allocator;
    /** The kernel's staging arrays by capacity index, for both directions. */
    private final float[][] staging;
    /** The arena array {@code mem} was bound to at the last execute: the one the device buffer mirrors. */
    private float[] boundMem;
    /** Where split gemms put their slices' partial products, allocated once so that no gemm grows the arena. */
    private final int scratchAt;
    private final int scratchFloats;

    /** A backend on the device {@code probe} chose; throws with the probe's reason when it found none. */
    OpenClBackend(OpenClProbe probe) {
        if (probe.unavailableReason() != null) {
            throw new IllegalStateException("backend '" + Backends.APARAPI + "' is not available: " + probe.unavailableReason());
        }
        this.found = probe.chosen();
        this.device = found.device();
        this.allocator = new ArenaAllocator(MIN_ARENA_FLOATS);
        // On a host-memory device (PoCL) Aparapi would make each buffer alias the Java array it was created
        // from (CL_MEM_USE_HOST_PTR). Then a forgotten put or get goes unnoticed, and worse, an explicit get
        // after the garbage collector moved the array copies from the array's OLD address (getJNI reads the
        // buffer's host pointer into the newly pinned array). Separate buffers make PoCL behave like a
        // discrete GPU: every transfer is real, so the tests on PoCL test the transfers.
        device.setSharedMemory(false);
        this.kernel = new DeviceKernel(new float[MIN_ARENA_FLOATS]);
        this.staging = kernel.staging();
        this.scratchFloats = scratchFloats(device.getMaxComputeUnits());
        this.scratchAt = allocateFloats(scratchFloats);
        try {
            start();
        } catch (RuntimeException e) {
            throw new IllegalStateException("the fastnn OpenCL kernel could not be compiled or started on "
                    + device.getName().trim() + ": " + e.getMessage(), e);
        }
    }

    /** Pins the kernel to the device, compiles it there, and creates every buffer with an empty launch. */
    private synchronized void start() {
        kernel.setExplicit(true);
        KernelManager.instance().setPreferredDevices(kernel, new LinkedHashSet<>(List.of(device)));
        try {
            kernel.compile(device);
        } catch (CompileFailedException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        // So that the first put has a buffer to go to.
        kernel.op = DeviceKernel.OP_FILL;
        kernel.n = 0;
        launch(range1D(1));
    }

    @Override
    public String name() {
        return Backends.APARAPI;
    }

    @Override
    public String description() {
        return "aparapi (OpenCL " + device.getType() + " device " + device.getName().trim() + ", platform "
                + found.platform().trim() + ", " + device.getMaxComputeUnits() + " compute units)";
    }

    /** True even on a host-memory device such as PoCL: every transfer goes through the staging arrays. */
    @Override
    public boolean isDeviceMemory() {
        return true;
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

    /** Frees the kernel's device buffers (the arena with every matrix, the staging arrays). */
    @Override
    protected synchronized void closeResources() {
        kernel.dispose();
    }

    /** Slices of K a gemm with C {@code m x n} runs in on this device ({@link #kSlices}). */
    int kSlicesOf(boolean transA, int m, int n, int k) {
        return kSlices(transA, m, n, k, device.getMaxComputeUnits(), scratchFloats);
    }

    /**
     * The floats of the split gemms' scratch on a device of {@code computeUnits}: {@link #kSlices} keeps slices
     * times tiles below three per compute unit, and each slice's partial product is at most a tile per tile.
     */
    static int scratchFloats(int computeUnits) {
        return 3 * computeUnits * DeviceKernel.BLOCK * DeviceKernel.BLOCK;
    }

    /** Floats the arena holds now. */
    synchronized int arenaFloats() {
        return allocator.capacity();
    }

    // ---------------------------------------------------------------- the one place data crosses the bus

    /**
     * Runs the kernel with its fields as set. A buffer is created, and so uploaded whole, the first time a
     * field is used and when {@code mem} points to a grown arena; both are counted here.
     */
    private void launch(Range range) {
        if (boundMem == null) {
            long buffers = DeviceKernel.PARTIALS * 2L;
            for (int capacity : DeviceKernel.CAPACITY) {
                buffers += capacity;
            }
            transfers().addToBackend(buffers * Float.BYTES);
        }
        if (kernel.mem != boundMem) {
            transfers().addToBackend((long) kernel.mem.length * Float.BYTES);
        }
        kernel.execute(range);
        requireRanOnDevice();
        boundMem = kernel.mem;
    }

    /**
     * The chunk lengths of the next launch that moves {@code remaining} floats, per staging capacity: the
     * binary digits of {@code remaining} rounded up to 16, the smallest chunk short by the rounding, laid end
     * to end smallest first: the rule {@link DeviceKernel}'s copies follow from the launch's length alone. Beyond
     * what all capacities hold together, every chunk is full and another launch follows.
     */
    private static int[] nextChunks(int remaining) {
        int[] capacity = DeviceKernel.CAPACITY;
        int[] lengths = new int[capacity.length];
        long total = 2L * capacity[capacity.length - 1] - capacity[0];
        if (remaining >= total) {
            System.arraycopy(capacity, 0, lengths, 0, capacity.length);
            return lengths;
        }
        int rounded = (remaining + 15) / 16 * 16;
        int smallest = -1;
        for (int c = 0; c < capacity.length; c++) {
            if ((rounded & capacity[c]) != 0) {
                lengths[c] = capacity[c];
                if (smallest < 0) {
                    smallest = c;
                }
            }
        }
        if (smallest >= 0) {
            lengths[smallest] -= rounded - remaining;
        }
        return lengths;
    }

    /** Bytes that moving {@code floats} floats through the staging arrays puts on the bus (whole arrays move). */
    public static long stagingBytes(int floats) {
        long bytes = 0;
        for (int remaining = floats; remaining > 0; ) {
            int[] lengths = nextChunks(remaining);
            for (int c = 0; c < lengths.length; c++) {
                if (lengths[c] > 0) {
                    bytes += (long) DeviceKernel.CAPACITY[c] * Float.BYTES;
                    remaining -= lengths[c];
                }
            }
        }
        return bytes;
    }

    /** What {@link #upload} moves: copies its values {@code [first, first + length)} to {@code chunk[0, length)}. */
    private interface Values {
        void copy(int first, float[] chunk, int length);
    }

    /**
     * Host to device: each launch puts the staging arrays it filled and copies them into the arena. A put
     * moves the whole array, so a chunk's unused tail is counted on top of what {@link Backend#write} counts.
     */
    private void upload(Values values, int size, int at) {
        int done = 0;
        while (done < size) {
            int[] lengths = nextChunks(size - done);
            int first = done;
            int longest = 0;
            for (int c = 0; c < lengths.length; c++) {
                int length = lengths[c];
                if (length > 0) {
                    float[] chunk = staging[c];
                    values.copy(done, chunk, length);
                    kernel.put(chunk);
                    transfers().addToBackend((long) (chunk.length - length) * Float.BYTES);
                    done += length;
                    longest = Math.max(longest, length);
                }
            }
            kernel.chunkAt = at + first;
            kernel.chunkFloats = done - first;
            kernel.op = DeviceKernel.OP_COPY_IN;
            launch(range1D(longest));
        }
    }

    /** Device to host, the mirror of {@link #upload}: copy arena chunks to the staging arrays, get them. */
    private void download(int at, int size, float[] dst) {
        int done = 0;
        while (done < size) {
            int[] lengths = nextChunks(size - done);
            int longest = 0;
            int start = done;
            kernel.chunkAt = at + done;
            for (int length : lengths) {
                done += length;
                longest = Math.max(longest, length);
            }
            kernel.chunkFloats = done - start;
            kernel.op = DeviceKernel.OP_COPY_OUT;
            launch(range1D(longest));
            for (int c = 0; c < lengths.length; c++) {
                if (lengths[c] > 0) {
                    float[] chunk = staging[c];
                    kernel.get(chunk);
                    transfers().addFromBackend((long) (chunk.length - lengths[c]) * Float.BYTES);
                    System.arraycopy(chunk, 0, dst, start, lengths[c]);
                    start += lengths[c];
                }
            }
        }
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

    // ---------------------------------------------------------------- storage

    /** The arena offset of {@code size} floats, growing the arena when they do not fit. */
    private int allocateFloats(int size) {
        int offset = allocator.allocate(size);
        if (offset < 0) {
            growArena(size);
            offset = allocator.allocate(size);
        }
        return offset;
    }

    private static int at(Matrix m) {
        return ((OpenClMatrix) m).offset;
    }

    @Override
    protected synchronized Matrix newMatrix(int rows, int cols) {
        OpenClMatrix matrix = new OpenClMatrix(this, rows, cols, allocateFloats(rows * cols));
        fillKernel(matrix, 0f);
        return matrix;
    }

    @Override
    protected synchronized void releaseStorage(Matrix m) {
        allocator.release(at(m), m.size());
    }

    @Override
    protected synchronized void writeStorage(Matrix dst, float[] src, int offset) {
        upload((first, chunk, length) -> System.arraycopy(src, offset + first, chunk, 0, length), dst.size(), at(dst));
    }

    /** Straight from the rows into the staging arrays, a row or a chunk's share of one at a time. */
    @Override
    protected synchronized void writeRowsKernel(Matrix dst, float[] src, int[] rows, int from) {
        int cols = dst.cols();
        upload((first, chunk, length) -> {
            for (int done = 0; done < length; ) {
                int i = (first + done) / cols;
                int j = (first + done) % cols;
                int n = Math.min(cols - j, length - done);
                System.arraycopy(src, rows[from + i] * cols + j, chunk, done, n);
                done += n;
            }
        }, dst.size(), at(dst));
    }

    @Override
    protected synchronized void readStorage(Matrix src, float[] dst) {
        download(at(src), src.size(), dst);
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
        launch(range1D(size));
    }

    @Override
    protected synchronized void gemmKernel(boolean transA, boolean transB, int m, int n, int k,
                                           float alpha, Matrix a, Matrix b, float beta, Matrix c) {
        gemm(transA, transB, m, n, k, alpha, a, b, beta, c, null, 0, null);
    }

    /**
     * Bias and activation in the product's epilogue: one launch instead of three, softmax included where C is
     * at most one tile wide (an output layer of 10 classes; wider, it follows as a row-wise launch). On a GPU a
     * launch costs 30 to 70 µs whatever its size (BENCHMARKS.md's GPU section), so at batch 128 a step is mostly
     * launches; with this and the gradient's epilogue a 784-256-10 step launches 5 kernels fewer.
     */
    @Override
    protected synchronized void gemmBiasActivationKernel(boolean transA, boolean transB, int m, int n, int k,
                                                         Matrix a, Matrix b, Matrix bias, Activation f, Matrix out) {
        // Softmax needs whole rows: in the epilogue only where one work-group's tile holds them.
        boolean rowsInOneTile = n <= DeviceKernel.BLOCK && kSlicesOf(transA, m, n, k) == 1;
        int epilogue = f == Activation.SOFTMAX && rowsInOneTile ? DeviceKernel.OP_SOFTMAX : epilogueOp(f, false);
        gemm(transA, transB, m, n, k, 1f, a, b, 0f, out, bias, epilogue, null);
        if (f == Activation.SOFTMAX && !rowsInOneTile) {
            rowWise(DeviceKernel.OP_SOFTMAX, out, null, out);
        }
    }

    /** The activation's gradient in the product's epilogue, but for softmax's, which needs whole rows. */
    @Override
    protected synchronized void gemmActivationGradientKernel(boolean transA, boolean transB, int m, int n, int k,
                                                             float alpha, Matrix a, Matrix b, Activation f, Matrix y,
                                                             Matrix out) {
        if (f == Activation.SOFTMAX) {
            super.gemmActivationGradientKernel(transA, transB, m, n, k, alpha, a, b, f, y, out);
        } else {
            gemm(transA, transB, m, n, k, alpha, a, b, 0f, out, null, epilogueOp(f, true), y);
        }
    }

    /** The elementwise op a gemm epilogue applies for {@code f} (or its gradient); 0 for identity and softmax. */
    private static int epilogueOp(Activation f, boolean gradient) {
        return switch (f) {
            case SIGMOID -> gradient ? DeviceKernel.OP_GRAD_SIGMOID : DeviceKernel.OP_SIGMOID;
            case TANH -> gradient ? DeviceKernel.OP_GRAD_TANH : DeviceKernel.OP_TANH;
            case RELU -> gradient ? DeviceKernel.OP_GRAD_RELU : DeviceKernel.OP_RELU;
            case IDENTITY, SOFTMAX -> 0;
        };
    }

    private void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, Matrix a, Matrix b,
                      float beta, Matrix c, Matrix bias, int epilogue, Matrix y) {
        kernel.op = DeviceKernel.OP_GEMM;
        kernel.offBias = bias == null ? -1 : at(bias);
        kernel.epilogue = epilogue;
        kernel.offD = y == null ? 0 : at(y);
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
        // One work-item per 4x4 block of C, 16x16 work-items per 64x64 tile.
        int tile = DeviceKernel.TILE;
        int perItem = DeviceKernel.BLOCK / tile;
        int width = roundUp(n, DeviceKernel.BLOCK) / perItem;
        int height = roundUp(m, DeviceKernel.BLOCK) / perItem;
        int slices = kSlicesOf(transA, m, n, k);
        if (slices == 1) {
            kernel.kSlice = 0;
            launch(Range.create2D(device, width, height, tile, tile));
            return;
        }
        int kSlice = roundUp((k + slices - 1) / slices, tile);
        kernel.kSlice = kSlice;
        kernel.offScratch = scratchAt;
        launch(Range.create3D(device, width, height, (k + kSlice - 1) / kSlice, tile, tile, 1));
        kernel.op = DeviceKernel.OP_GEMM_SUM;
        launch(range1D(m * n));
    }

    /**
     * Slices of K for a gemm of a transposed A whose C ({@code m x n}) has fewer 64x64 tiles than the device has
     * compute units: a weight gradient at a large batch ({@code H^T dY} is 256 x 10 x 4096, 4 tiles, each walking
     * all of K while most of an H200's 132 multiprocessors idle). Each slice's work-groups then cover their share
     * of K, up to about two work-groups per compute unit in all, and a second launch adds the slices. Never
     * slices shorter than {@value #MIN_SLICE_K} steps, and never more partial products than {@code scratchFloats}
     * hold; 1 means no split. Only for a transposed A, whose K runs over A's rows (the samples of a batch, whose
     * sum depends on the whole batch anyway): with A as it lies, K runs over each row's features, and a split
     * would make a row's output depend on how many rows share the product (a prediction on its chunk size).
     */
    static int kSlices(boolean transA, int m, int n, int k, int computeUnits, int scratchFloats) {
        if (!transA) {
            return 1;
        }
        long tiles = (long) ((m + DeviceKernel.BLOCK - 1) / DeviceKernel.BLOCK) * ((n + DeviceKernel.BLOCK - 1) / DeviceKernel.BLOCK);
        if (tiles >= computeUnits) {
            return 1;
        }
        long wanted = (2L * computeUnits + tiles - 1) / tiles;
        long slices = Math.min(wanted, Math.min(k / MIN_SLICE_K, scratchFloats / ((long) m * n)));
        return (int) Math.max(1, slices);
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
        columnSums(DeviceKernel.OP_COLUMN_SUMS, m, out);
    }

    /** One launch where columnSums and axpy are two: a bias step launches once, and a launch is what costs on a GPU. */
    @Override
    protected synchronized void addColumnSumsKernel(float alpha, Matrix m, Matrix sums, Matrix y) {
        kernel.alpha = alpha;
        kernel.offB = at(y);
        columnSums(DeviceKernel.OP_ADD_COLUMN_SUMS, m, sums);
    }

    private void columnSums(int op, Matrix m, Matrix out) {
        kernel.op = op;
        kernel.n = m.rows();
        kernel.cols = m.cols();
        kernel.offA = at(m);
        kernel.offC = at(out);
        launch(range1D(m.cols()));
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
        kernel.op = op;
        kernel.n = a.size();
        kernel.offA = at(a);
        kernel.offB = at(b);
        launch(Range.create(device, DeviceKernel.PARTIALS, LOCAL));
        kernel.get(kernel.partials);
        transfers().addFromBackend((long) kernel.partials.length * Float.BYTES);
        return kernel.partials;
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
        return crossEntropy(reduce(DeviceKernel.OP_CROSS_ENTROPY_PARTIALS, p, y));
    }

    /** The delta written by the loss's own reduction launch, where subtract would be a launch of its own. */
    @Override
    protected synchronized double crossEntropyAndDeltaKernel(Matrix p, Matrix y, Matrix delta) {
        kernel.offC = at(delta);
        return crossEntropy(reduce(DeviceKernel.OP_CROSS_ENTROPY_AND_DELTA, p, y));
    }

    private static double crossEntropy(float[] partials) {
        int half = DeviceKernel.PARTIALS;
        return sum(partials, 0, half) - Math.log(CrossEntropy.FLOOR) * sum(partials, half, 2 * half);
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

    @Override
    protected synchronized void dropoutKernel(Matrix x, Matrix out, int key, int threshold, float scale) {
        kernel.key = key;
        kernel.threshold = threshold;
        kernel.alpha = scale;
        elementwise(DeviceKernel.OP_DROPOUT, x.size(), x, null, out);
    }

    @Override
    protected synchronized void scaleRowsKernel(Matrix m, Matrix factors, Matrix out) {
        kernel.cols = m.cols();
        elementwise(DeviceKernel.OP_SCALE_ROWS, m.size(), m, factors, out);
    }

    @Override
    protected synchronized double dotKernel(Matrix a, Matrix b) {
        return sum(reduce(DeviceKernel.OP_DOT_PARTIALS, a, b), 0, DeviceKernel.PARTIALS);
    }

    @Override
    protected synchronized void gatherRowsKernel(Matrix source, Matrix rows, int from, Matrix dst) {
        kernel.m = source.rows();
        kernel.cols = source.cols();
        kernel.offA = at(source);
        kernel.offB = at(rows) + from;
        kernel.offC = at(dst);
        kernel.op = DeviceKernel.OP_GATHER_ROWS;
        kernel.n = dst.size();
        launch(range1D(dst.size()));
    }

    /** One work-group counts and adds to the count on the device: no partials come back (unlike {@link #reduce}). */
    @Override
    protected synchronized void addArgmaxMatchesKernel(Matrix scores, Matrix targets, Matrix count) {
        kernel.op = DeviceKernel.OP_ARGMAX_MATCHES;
        kernel.n = scores.rows();
        kernel.cols = scores.cols();
        kernel.offA = at(scores);
        kernel.offB = at(targets);
        kernel.offC = at(count);
        launch(Range.create(device, DeviceKernel.PARTIALS, DeviceKernel.PARTIALS));
    }
}
