package dev.fastnn.kernels;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * The operations training needs, on float32 row-major {@link Matrix matrices} that this backend owns.
 *
 * <p>Each public method checks its arguments here, once, with messages that name the offending shapes,
 * and then calls a protected kernel that may assume valid input. Implementations (one package each:
 * {@code naive}, {@code vector}, {@code opencl}) only write kernels. Matrices stay in the backend's
 * storage between calls, so a GPU backend keeps weights, activations and the training set resident
 * ({@link #gatherRows} draws each batch there) and a training step moves nothing in and only its loss out;
 * {@link #transfers()} counts what crosses.
 *
 * <p>Elementwise operations accept {@code out} equal to an input (in-place). {@code gemm} rejects a
 * {@code C} that is also {@code A} or {@code B}. All methods are safe to call from several threads at
 * once on distinct output matrices.
 *
 * <p>A backend may hold resources beyond its matrices (the vector backend's worker threads, the OpenCL
 * backend's device memory); {@link #close()} frees them, once no operation is running, and every operation
 * afterwards throws. The shared instances of {@link Backends#get} live as long as the JVM, for everyone who
 * holds them: closing one of those does nothing. A backend from {@link Backends#create} or a constructor is
 * its creator's to close.
 */
public abstract class Backend implements AutoCloseable {
    /** The largest count {@link #addArgmaxMatches} keeps exactly: a float holds every integer up to 2^24. */
    public static final int EXACT_COUNT = 1 << 24;

    private final TransferCounter transfers = new TransferCounter();
    private volatile boolean closed;
    private volatile boolean shared;

    /** The name {@link Backends#get} knows this backend by: {@code naive}, {@code vector}, {@code aparapi}. */
    public abstract String name();

    /** One line on what this backend runs on (SIMD width, threads, OpenCL device). */
    public String description() {
        return name();
    }

    @Override
    public String toString() {
        return description();
    }

    /** Bytes moved in and out of this backend's storage since creation or the last reset. */
    public final TransferCounter transfers() {
        return transfers;
    }

    // ---------------------------------------------------------------- lifecycle

    /**
     * Frees what this backend holds besides its matrices' storage (threads, device memory); every operation
     * afterwards throws {@link IllegalStateException}. Closing twice is harmless. A shared backend (from
     * {@link Backends#get}) ignores this: it stays open for the JVM's life, for its other users.
     */
    @Override
    public final synchronized void close() {
        if (shared || closed) {
            return;
        }
        closed = true;
        closeResources();
    }

    /** Whether {@link #close()} has freed this backend; a shared backend never is. */
    public final boolean isClosed() {
        return closed;
    }

    /** Whether this is one of the instances {@link Backends#get} hands out, which {@link #close()} leaves open. */
    public final boolean isShared() {
        return shared;
    }

    /** Called by {@link Backends} before it hands this instance out: from then on {@link #close()} does nothing. */
    final void share() {
        shared = true;
    }

    /**
     * Whether this backend's matrices live in memory of their own (a GPU's), not in the Java heap, so that
     * moving data in is the cost to avoid: the trainer then keeps a training set on the backend and gathers
     * each batch there ({@link #gatherRows}) instead of sending every batch. False for the CPU backends.
     */
    public boolean isDeviceMemory() {
        return false;
    }

    /**
     * Runs this backend's kernels for a while on small matrices, so that the JIT has compiled them before real
     * work arrives (a first training epoch otherwise runs partly in interpreted code); results of later
     * operations do not change. Optional: {@link Backends} calls it on the backends it makes when
     * {@value Backends#WARM_UP_PROPERTY} is {@code true}. Backends whose kernels need no warming do nothing.
     */
    public void warmUp() {
        checkOpen();
    }

    /** Frees threads, device memory and the like; called once, by the first {@link #close()}. */
    protected void closeResources() {
    }

    // ---------------------------------------------------------------- storage

    /** A new {@code rows x cols} matrix filled with zeros, for no particular use. */
    public final Matrix allocate(int rows, int cols) {
        return allocate(rows, cols, MatrixUse.GENERAL);
    }

    /**
     * A new {@code rows x cols} matrix filled with zeros, stored as suits {@code use} (a hint: every operation
     * accepts the matrix whatever its use, with the same results).
     */
    public final Matrix allocate(int rows, int cols, MatrixUse use) {
        checkOpen();
        Objects.requireNonNull(use, "use");
        if (rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException("matrix shape must be positive, got " + rows + "x" + cols);
        }
        if ((long) rows * cols > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("matrix " + rows + "x" + cols + " has more than 2^31 - 9 elements");
        }
        Matrix m = newMatrix(rows, cols, use);
        m.use(use);
        return m;
    }

    /** A new zero matrix of {@code m}'s shape and use, such as an optimizer's buffer beside a layer's weights. */
    public final Matrix allocateLike(Matrix m) {
        checkOwned(m, "m");
        return allocate(m.rows(), m.cols(), m.use());
    }

    /** A new matrix holding a copy of {@code data} (row-major, exactly {@code rows * cols} values). */
    public final Matrix upload(float[] data, int rows, int cols) {
        return upload(data, rows, cols, MatrixUse.GENERAL);
    }

    /** As {@link #upload(float[], int, int)}, stored as suits {@code use}. */
    public final Matrix upload(float[] data, int rows, int cols, MatrixUse use) {
        Objects.requireNonNull(data, "data");
        if (data.length != (long) rows * cols) {
            throw new IllegalArgumentException(
                    "upload: " + data.length + " values cannot fill a " + rows + "x" + cols + " matrix");
        }
        Matrix m = allocate(rows, cols, use);
        write(m, data, 0);
        return m;
    }

    /** Copies {@code dst.size()} values from {@code src} starting at {@code offset} into {@code dst}. */
    public final void write(Matrix dst, float[] src, int offset) {
        checkOwned(dst, "dst");
        Objects.requireNonNull(src, "src");
        if (offset < 0 || (long) offset + dst.size() > src.length) {
            throw new IllegalArgumentException("write: " + dst.shape() + " needs " + dst.size()
                    + " values from offset " + offset + " but the array has " + src.length);
        }
        writeStorage(dst, src, offset);
        transfers.addToBackend((long) dst.size() * Float.BYTES);
    }

    /**
     * Row {@code i} of {@code dst} becomes the {@code dst.cols()} values at {@code src[rows[from + i] * dst.cols()]},
     * for every row of {@code dst}: a shuffled batch drawn from a training set in the Java heap, written in one pass
     * into {@code dst}'s storage, with no row-major copy of the batch on the way. A row number that names no whole
     * row of {@code src} is refused before anything is written (unlike {@link #gatherRows}, whose numbers live on
     * the backend, these can be checked here).
     */
    public final void writeRows(Matrix dst, float[] src, int[] rows, int from) {
        checkOwned(dst, "dst");
        Objects.requireNonNull(src, "src");
        Objects.requireNonNull(rows, "rows");
        if (from < 0 || from > rows.length - dst.rows()) {
            throw new IllegalArgumentException("writeRows: dst " + dst.shape() + " takes the row numbers at positions ["
                    + from + ", " + ((long) from + dst.rows()) + ") of rows, but rows has " + rows.length);
        }
        int cols = dst.cols();
        for (int i = from; i < from + dst.rows(); i++) {
            int r = rows[i];
            if (r < 0 || (long) (r + 1) * cols > src.length) {
                throw new IllegalArgumentException("writeRows: rows[" + i + "] = " + r + " is not a row of src, which holds "
                        + src.length / cols + " rows of " + cols + " values");
            }
        }
        writeRowsKernel(dst, src, rows, from);
        transfers.addToBackend((long) dst.size() * Float.BYTES);
    }

    /** Copies all of {@code src} into {@code dst}, which must hold at least {@code src.size()} values. */
    public final void read(Matrix src, float[] dst) {
        checkOwned(src, "src");
        Objects.requireNonNull(dst, "dst");
        if (dst.length < src.size()) {
            throw new IllegalArgumentException(
                    "read: " + src.shape() + " has " + src.size() + " values, the array only " + dst.length);
        }
        readStorage(src, dst);
        transfers.addFromBackend((long) src.size() * Float.BYTES);
    }

    /** A new array with the matrix's values, row-major. */
    public final float[] download(Matrix src) {
        checkOwned(src, "src");
        float[] out = new float[src.size()];
        read(src, out);
        return out;
    }

    // ---------------------------------------------------------------- compute

    /**
     * {@code C = alpha op(A) op(B) + beta C}, where {@code op(X)} is {@code X} or its transpose. As in BLAS,
     * {@code beta = 0} ignores what {@code C} held, NaNs included.
     */
    public final void gemm(boolean transA, boolean transB, float alpha, Matrix a, Matrix b, float beta, Matrix c) {
        checkGemm("gemm", transA, transB, a, b, c);
        gemmKernel(transA, transB, transA ? a.cols() : a.rows(), c.cols(), transA ? a.rows() : a.cols(),
                alpha, a, b, beta, c);
    }

    /**
     * {@code out = f(op(A) op(B) + bias)}: a dense layer's forward pass as one operation, with {@code bias} a
     * {@code 1 x n} row added to every row of the product, or null for none. It gives the same bits as
     * {@code gemm(transA, transB, 1, a, b, 0, out)}, {@code addRowVector(out, bias)} and
     * {@code activation(f, out, out)} one after the other, which is what a backend without a fused kernel runs;
     * the vector backend applies bias and activation to each tile of the product while it is in cache, the
     * aparapi backend in its gemm kernel's epilogue (one launch; softmax, which needs whole rows, follows as
     * a second).
     */
    public final void gemmBiasActivation(boolean transA, boolean transB, Matrix a, Matrix b, Matrix bias,
                                         Activation f, Matrix out) {
        Objects.requireNonNull(f, "activation");
        checkGemm("gemmBiasActivation", transA, transB, a, b, out);
        if (bias != null) {
            checkOwned(bias, "bias");
            if (bias.rows() != 1 || bias.cols() != out.cols() || bias == out) {
                throw new IllegalArgumentException("gemmBiasActivation: bias must be a 1x" + out.cols()
                        + " matrix other than out, got " + bias.shape() + (bias == out ? " (out itself)" : ""));
            }
        }
        gemmBiasActivationKernel(transA, transB, transA ? a.cols() : a.rows(), out.cols(), transA ? a.rows() : a.cols(),
                a, b, bias, f, out);
    }

    /**
     * {@code out = (alpha op(A) op(B)) * f'(x)}, the derivative taken from the activation's output {@code y} as in
     * {@link #activationGradient}: backprop's step from a layer's delta through the weights and the previous
     * layer's activation, as one operation. The same bits as {@code gemm(transA, transB, alpha, a, b, 0, out)}
     * and then {@code activationGradient(f, y, out, out)}. {@code y} has {@code out}'s shape and is not
     * {@code out}.
     */
    public final void gemmActivationGradient(boolean transA, boolean transB, float alpha, Matrix a, Matrix b,
                                             Activation f, Matrix y, Matrix out) {
        Objects.requireNonNull(f, "activation");
        checkGemm("gemmActivationGradient", transA, transB, a, b, out);
        checkOwned(y, "y");
        if (y.rows() != out.rows() || y.cols() != out.cols() || y == out || y == a || y == b) {
            throw new IllegalArgumentException("gemmActivationGradient: y must be a " + out.shape()
                    + " matrix other than out, A and B, got " + y.shape());
        }
        gemmActivationGradientKernel(transA, transB, transA ? a.cols() : a.rows(), out.cols(),
                transA ? a.rows() : a.cols(), alpha, a, b, f, y, out);
    }

    /** {@code out = 1 / (1 + e^-x)} elementwise. */
    public final void sigmoid(Matrix x, Matrix out) {
        checkSameShape("sigmoid", x, "x", out, "out");
        activationKernel(Activation.SIGMOID, x, out);
    }

    /** {@code out = s (1 - s)} elementwise, where {@code s} is a sigmoid's output (the article's form). */
    public final void sigmoidDerivative(Matrix s, Matrix out) {
        checkSameShape("sigmoidDerivative", s, "s", out, "out");
        sigmoidDerivativeKernel(s, out);
    }

    /** {@code out = f(x)}; elementwise, or row by row for {@link Activation#SOFTMAX}. */
    public final void activation(Activation f, Matrix x, Matrix out) {
        Objects.requireNonNull(f, "activation");
        checkSameShape(f, "", x, "x", out, "out");
        activationKernel(f, x, out);
    }

    /**
     * {@code out = grad * f'(x)} where {@code y = f(x)} is given: the step of backprop through an activation.
     * For softmax it is the row-wise Jacobian-vector product {@code y_j (grad_j - sum_k grad_k y_k)}.
     */
    public final void activationGradient(Activation f, Matrix y, Matrix grad, Matrix out) {
        Objects.requireNonNull(f, "activation");
        checkSameShape(f, " gradient", y, "y", grad, "grad");
        checkSameShape(f, " gradient", y, "y", out, "out");
        activationGradientKernel(f, y, grad, out);
    }

    /** {@code m[i][j] += row[0][j]}: adds a bias row to every row of {@code m}. */
    public final void addRowVector(Matrix m, Matrix row) {
        checkOwned(m, "m");
        checkOwned(row, "row");
        if (row.rows() != 1 || row.cols() != m.cols()) {
            throw new IllegalArgumentException("addRowVector: row must be 1x" + m.cols() + " for m " + m.shape()
                    + ", got " + row.shape());
        }
        addRowVectorKernel(m, row);
    }

    /** {@code out[0][j] = sum_i m[i][j]}: the bias gradient of a batch. */
    public final void columnSums(Matrix m, Matrix out) {
        checkOwned(m, "m");
        checkOwned(out, "out");
        if (out.rows() != 1 || out.cols() != m.cols()) {
            throw new IllegalArgumentException("columnSums: out must be 1x" + m.cols() + " for m " + m.shape()
                    + ", got " + out.shape());
        }
        columnSumsKernel(m, out);
    }

    /**
     * {@code sums = columnSums(m)}, then {@code y += alpha sums}: a bias's gradient and its step as one operation
     * (the bias of plain or momentum SGD). The same bits as {@code columnSums(m, sums)} and then
     * {@code axpy(alpha, sums, y)}, which is what a backend without a fused kernel runs; the aparapi backend
     * runs it as one launch. {@code sums} and {@code y} are {@code 1 x m.cols()}, distinct, and not {@code m}.
     */
    public final void addColumnSums(float alpha, Matrix m, Matrix sums, Matrix y) {
        checkOwned(m, "m");
        checkOwned(sums, "sums");
        checkOwned(y, "y");
        if (sums.rows() != 1 || sums.cols() != m.cols() || y.rows() != 1 || y.cols() != m.cols()
                || sums == y || sums == m || y == m) {
            throw new IllegalArgumentException("addColumnSums: sums and y must be two distinct 1x" + m.cols()
                    + " matrices other than m " + m.shape() + ", got sums " + sums.shape() + " and y " + y.shape()
                    + (sums == y ? " (the same matrix)" : "") + (sums == m || y == m ? " (m itself)" : ""));
        }
        addColumnSumsKernel(alpha, m, sums, y);
    }

    /** {@code y += alpha x}. */
    public final void axpy(float alpha, Matrix x, Matrix y) {
        checkSameShape("axpy", x, "x", y, "y");
        axpyKernel(alpha, x, y);
    }

    /** {@code x *= alpha}. */
    public final void scale(float alpha, Matrix x) {
        checkOwned(x, "x");
        scaleKernel(alpha, x);
    }

    /** Sets every element to {@code value}. */
    public final void fill(Matrix x, float value) {
        checkOwned(x, "x");
        fillKernel(x, value);
    }

    /** {@code dst = src}. */
    public final void copy(Matrix src, Matrix dst) {
        checkSameShape("copy", src, "src", dst, "dst");
        if (src != dst) {
            copyKernel(src, dst);
        }
    }

    /** {@code out = a * b} elementwise (Hadamard product). */
    public final void hadamard(Matrix a, Matrix b, Matrix out) {
        checkSameShape("hadamard", a, "a", b, "b");
        checkSameShape("hadamard", a, "a", out, "out");
        hadamardKernel(a, b, out);
    }

    /** {@code out = a - b} elementwise. */
    public final void subtract(Matrix a, Matrix b, Matrix out) {
        checkSameShape("subtract", a, "a", b, "b");
        checkSameShape("subtract", a, "a", out, "out");
        subtractKernel(a, b, out);
    }

    /** {@code sum (y - yhat)^2} over all elements, accumulated in double: the article's loss. */
    public final double sumSquaredError(Matrix yhat, Matrix y) {
        checkSameShape("sumSquaredError", yhat, "yhat", y, "y");
        return sumSquaredErrorKernel(yhat, y);
    }

    /** {@code -sum y ln p} over all elements as {@link CrossEntropy} defines it (clamp included), accumulated in double. */
    public final double crossEntropy(Matrix p, Matrix y) {
        checkSameShape("crossEntropy", p, "p", y, "y");
        return crossEntropyKernel(p, y);
    }

    /**
     * {@link #crossEntropy}, and {@code delta = p - y}: softmax cross-entropy's loss and its output delta (up to
     * the {@code 1 / rows} that the weight gradient's alpha carries) as one operation. The same value and bits
     * as {@code crossEntropy(p, y)} and then {@code subtract(p, y, delta)}, which is what a backend without a
     * fused kernel runs; the aparapi backend writes the delta in the loss's reduction launch. {@code delta} has
     * {@code p}'s shape and is neither {@code p} nor {@code y}.
     */
    public final double crossEntropyAndDelta(Matrix p, Matrix y, Matrix delta) {
        checkSameShape("crossEntropyAndDelta", p, "p", y, "y");
        checkSameShape("crossEntropyAndDelta", p, "p", delta, "delta");
        if (delta == p || delta == y) {
            throw new IllegalArgumentException("crossEntropyAndDelta: delta must be a matrix other than p and y");
        }
        return crossEntropyAndDeltaKernel(p, y, delta);
    }

    /**
     * One Adam step (Kingma and Ba) for parameters {@code w} with gradient {@code g} and moments
     * {@code m}, {@code v}: {@code m = b1 m + (1-b1) g}, {@code v = b2 v + (1-b2) g^2},
     * {@code w -= lr (m / (1-b1^t)) / (sqrt(v / (1-b2^t)) + eps)}, where {@code t >= 1} counts steps.
     */
    public final void adamUpdate(Matrix w, Matrix g, Matrix m, Matrix v,
                                 float lr, float beta1, float beta2, float epsilon, int t) {
        checkSameShape("adamUpdate", w, "w", g, "g");
        checkSameShape("adamUpdate", w, "w", m, "m");
        checkSameShape("adamUpdate", w, "w", v, "v");
        if (t < 1) {
            throw new IllegalArgumentException("adamUpdate: step t must be >= 1, got " + t);
        }
        if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("adamUpdate: betas must be in [0, 1), got " + beta1 + ", " + beta2);
        }
        float correction1 = (float) (1 / (1 - Math.pow(beta1, t)));
        float correction2 = (float) (1 / (1 - Math.pow(beta2, t)));
        adamKernel(w, g, m, v, lr, beta1, beta2, epsilon, correction1, correction2);
    }

    /**
     * Inverted dropout with {@link DropoutMask}'s counter-based mask: {@code out[i] = x[i] / (1 - rate)} where
     * the mask under {@code key} keeps element {@code i} (row-major), else 0. The mask depends only on
     * {@code (key, i, rate)}, so the backward pass applies the same mask to a gradient of the same shape by
     * calling this with the same key and rate, and every backend draws the same mask. {@code rate} is the
     * probability of dropping an element, in [0, 1).
     */
    public final void dropout(Matrix x, Matrix out, float rate, int key) {
        checkSameShape("dropout", x, "x", out, "out");
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("dropout: rate must be in [0, 1), got " + rate);
        }
        dropoutKernel(x, out, key, DropoutMask.threshold(rate), 1f / (1f - rate));
    }

    /** {@code out[i][j] = m[i][j] * factors[i][0]}: row {@code i} scaled by its own factor ({@code factors} is rows x 1). */
    public final void scaleRows(Matrix m, Matrix factors, Matrix out) {
        checkSameShape("scaleRows", m, "m", out, "out");
        checkOwned(factors, "factors");
        if (factors.rows() != m.rows() || factors.cols() != 1) {
            throw new IllegalArgumentException("scaleRows: factors must be " + m.rows() + "x1 for m " + m.shape()
                    + ", got " + factors.shape());
        }
        scaleRowsKernel(m, factors, out);
    }

    /** {@code sum a[i] b[i]} over all elements, accumulated in double. */
    public final double dot(Matrix a, Matrix b) {
        checkSameShape("dot", a, "a", b, "b");
        return dotKernel(a, b);
    }

    /**
     * {@code count[0][0] +=} the number of rows whose {@link Argmax first maximum} in {@code scores} is in the
     * column of the first maximum of the same row of {@code targets}: a batch's correct predictions against
     * one-hot targets, counted where the data is, so that only the 1x1 count crosses, and only when the caller
     * reads it. The count is a float: it stays exact while it is at most {@link #EXACT_COUNT}, so no more rows
     * than that are taken at once.
     */
    public final void addArgmaxMatches(Matrix scores, Matrix targets, Matrix count) {
        checkSameShape("addArgmaxMatches", scores, "scores", targets, "targets");
        if (scores.rows() > EXACT_COUNT) {
            throw new IllegalArgumentException("addArgmaxMatches: scores " + scores.shape() + " has more rows than the "
                    + EXACT_COUNT + " a count holds exactly");
        }
        checkOwned(count, "count");
        if (count.rows() != 1 || count.cols() != 1 || count == scores || count == targets) {
            throw new IllegalArgumentException("addArgmaxMatches: count must be a 1x1 matrix other than scores and "
                    + "targets, got " + count.shape() + (count == scores || count == targets ? " (an operand)" : ""));
        }
        addArgmaxMatchesKernel(scores, targets, count);
    }

    /**
     * Row {@code i} of {@code dst} becomes row {@code rows[from + i]} of {@code source}, for every row of
     * {@code dst}: a shuffled batch drawn from a training set that stays on the backend. {@code rows} holds the
     * row numbers as floats, read row by row as one sequence whatever its shape (a 1 x N order, say), so
     * {@code source} has at most {@link #EXACT_COUNT} rows. A row number that is not an integer in
     * {@code [0, source.rows())} gives a row of NaN: a device cannot stop a kernel to throw, so every backend
     * marks the row instead, and never reads outside {@code source}.
     */
    public final void gatherRows(Matrix source, Matrix rows, int from, Matrix dst) {
        checkOwned(source, "source");
        checkOwned(rows, "rows");
        checkOwned(dst, "dst");
        if (source.cols() != dst.cols()) {
            throw new IllegalArgumentException("gatherRows: dst " + dst.shape() + " must have source's " + source.cols()
                    + " columns (source is " + source.shape() + ")");
        }
        if (source.rows() > EXACT_COUNT) {
            throw new IllegalArgumentException("gatherRows: source " + source.shape() + " has more rows than the "
                    + EXACT_COUNT + " a float row number holds exactly");
        }
        if (from < 0 || from > rows.size() - dst.rows()) {
            throw new IllegalArgumentException("gatherRows: dst " + dst.shape() + " takes the row numbers at positions ["
                    + from + ", " + ((long) from + dst.rows()) + ") of rows, but rows " + rows.shape() + " has "
                    + rows.size());
        }
        if (dst == source || dst == rows) {
            throw new IllegalArgumentException("gatherRows: dst must be a matrix other than source and rows");
        }
        gatherRowsKernel(source, rows, from, dst);
    }

    // ---------------------------------------------------------------- checks

    /** The checks of every gemm form: owned operands, C not an operand, inner dimensions and C's shape agree. */
    private void checkGemm(String op, boolean transA, boolean transB, Matrix a, Matrix b, Matrix c) {
        checkOwned(a, "A");
        checkOwned(b, "B");
        checkOwned(c, "C");
        if (c == a || c == b) {
            throw new IllegalArgumentException(op + ": C must not be the same matrix as " + (c == a ? "A" : "B"));
        }
        int m = transA ? a.cols() : a.rows();
        int k = transA ? a.rows() : a.cols();
        int kb = transB ? b.cols() : b.rows();
        int n = transB ? b.rows() : b.cols();
        if (k != kb) {
            throw new IllegalArgumentException(op + ": inner dimensions differ: op(A) is " + m + "x" + k
                    + (transA ? " (A^T of " + a.shape() + ")" : "") + " but op(B) is " + kb + "x" + n
                    + (transB ? " (B^T of " + b.shape() + ")" : ""));
        }
        if (c.rows() != m || c.cols() != n) {
            throw new IllegalArgumentException(op + ": C is " + c.shape() + " but op(A) op(B) is " + m + "x" + n);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("backend '" + name() + "' has been closed");
        }
    }

    /** Throws unless {@code m} is a live matrix of this backend, and the backend is open. */
    protected final void checkOwned(Matrix m, String what) {
        checkOpen();
        Objects.requireNonNull(m, what);
        if (m.backend() != this) {
            throw new IllegalArgumentException(what + " " + m.shape() + " belongs to backend '"
                    + m.backend().name() + "', not to '" + name() + "'");
        }
        if (m.isReleased()) {
            throw new IllegalStateException(what + " " + m.shape() + " has been released");
        }
    }

    /** As below, naming the operation only on failure: training calls this per batch and must not allocate. */
    private void checkSameShape(Activation f, String suffix, Matrix a, String aName, Matrix b, String bName) {
        checkOwned(a, aName);
        checkOwned(b, bName);
        if (a.rows() != b.rows() || a.cols() != b.cols()) {
            checkSameShape(f.name().toLowerCase(Locale.ROOT) + suffix, a, aName, b, bName);
        }
    }

    private void checkSameShape(String op, Matrix a, String aName, Matrix b, String bName) {
        checkOwned(a, aName);
        checkOwned(b, bName);
        if (a.rows() != b.rows() || a.cols() != b.cols()) {
            throw new IllegalArgumentException(op + ": " + aName + " is " + a.shape() + " but " + bName + " is " + b.shape());
        }
    }

    // ---------------------------------------------------------------- kernels (arguments already checked)

    protected abstract Matrix newMatrix(int rows, int cols);

    /** A matrix stored as suits {@code use}; by default the same as for any use. */
    protected Matrix newMatrix(int rows, int cols, MatrixUse use) {
        return newMatrix(rows, cols);
    }

    /** Frees the matrix's storage; called once, by {@link Matrix#close()}. */
    protected abstract void releaseStorage(Matrix m);

    protected abstract void writeStorage(Matrix dst, float[] src, int offset);

    protected abstract void readStorage(Matrix src, float[] dst);

    /** {@link #writeRows} after its checks: every row number names a whole row of {@code src}. */
    protected abstract void writeRowsKernel(Matrix dst, float[] src, int[] rows, int from);

    protected abstract void gemmKernel(boolean transA, boolean transB, int m, int n, int k,
                                       float alpha, Matrix a, Matrix b, float beta, Matrix c);

    /** Unfused: gemm, bias, activation; a backend with a fused kernel overrides this with the same result. */
    protected void gemmBiasActivationKernel(boolean transA, boolean transB, int m, int n, int k,
                                            Matrix a, Matrix b, Matrix bias, Activation f, Matrix out) {
        gemmKernel(transA, transB, m, n, k, 1f, a, b, 0f, out);
        if (bias != null) {
            addRowVectorKernel(out, bias);
        }
        activationKernel(f, out, out);
    }

    /** Unfused: the loss, then the difference; a backend with a fused kernel overrides this with the same result. */
    protected double crossEntropyAndDeltaKernel(Matrix p, Matrix y, Matrix delta) {
        double loss = crossEntropyKernel(p, y);
        subtractKernel(p, y, delta);
        return loss;
    }

    /** Unfused: column sums, then axpy; a backend with a fused kernel overrides this with the same result. */
    protected void addColumnSumsKernel(float alpha, Matrix m, Matrix sums, Matrix y) {
        columnSumsKernel(m, sums);
        axpyKernel(alpha, sums, y);
    }

    /** Unfused: gemm, then the activation's gradient; a backend with a fused kernel overrides this with the same result. */
    protected void gemmActivationGradientKernel(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                                Matrix a, Matrix b, Activation f, Matrix y, Matrix out) {
        gemmKernel(transA, transB, m, n, k, alpha, a, b, 0f, out);
        activationGradientKernel(f, y, out, out);
    }

    protected abstract void activationKernel(Activation f, Matrix x, Matrix out);

    protected abstract void sigmoidDerivativeKernel(Matrix s, Matrix out);

    protected abstract void activationGradientKernel(Activation f, Matrix y, Matrix grad, Matrix out);

    protected abstract void addRowVectorKernel(Matrix m, Matrix row);

    protected abstract void columnSumsKernel(Matrix m, Matrix out);

    protected abstract void axpyKernel(float alpha, Matrix x, Matrix y);

    protected abstract void scaleKernel(float alpha, Matrix x);

    protected abstract void fillKernel(Matrix x, float value);

    protected abstract void copyKernel(Matrix src, Matrix dst);

    protected abstract void hadamardKernel(Matrix a, Matrix b, Matrix out);

    protected abstract void subtractKernel(Matrix a, Matrix b, Matrix out);

    protected abstract double sumSquaredErrorKernel(Matrix yhat, Matrix y);

    protected abstract double crossEntropyKernel(Matrix p, Matrix y);

    protected abstract void adamKernel(Matrix w, Matrix g, Matrix m, Matrix v, float lr, float beta1, float beta2,
                                       float epsilon, float correction1, float correction2);

    /** Keeps element {@code i} when {@link DropoutMask#keeps}{@code (key, i, threshold)}, scaled by {@code scale}; else 0. */
    protected abstract void dropoutKernel(Matrix x, Matrix out, int key, int threshold, float scale);

    protected abstract void scaleRowsKernel(Matrix m, Matrix factors, Matrix out);

    protected abstract double dotKernel(Matrix a, Matrix b);

    protected abstract void addArgmaxMatchesKernel(Matrix scores, Matrix targets, Matrix count);

    /**
     * Through the host, for backends without a kernel of their own: reads {@code source} and {@code rows},
     * gathers, writes {@code dst}. {@link HostBackend} and the OpenCL backend gather in place; a backend that
     * says {@link #isDeviceMemory()} must too, or every batch the trainer gathers moves the whole training set.
     */
    protected void gatherRowsKernel(Matrix source, Matrix rows, int from, Matrix dst) {
        float[] out = new float[dst.size()];
        gatherRows(download(source), source.rows(), source.cols(), download(rows), from, out, dst.rows());
        write(dst, out, 0);
    }

    /** The gather on row-major arrays: {@code count} rows of {@code cols} from {@code source} into {@code out}. */
    protected static void gatherRows(float[] source, int sourceRows, int cols, float[] rows, int from, float[] out, int count) {
        for (int i = 0; i < count; i++) {
            float f = rows[from + i];
            int r = (int) f;
            if (r == f && r >= 0 && r < sourceRows) {
                System.arraycopy(source, r * cols, out, i * cols, cols);
            } else {
                Arrays.fill(out, i * cols, (i + 1) * cols, Float.NaN);
            }
        }
    }
}
