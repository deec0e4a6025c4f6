package dev.fastnn.kernels;

/**
 * A float32 row-major matrix whose storage belongs to one {@link Backend}.
 *
 * <p>Where the data lives (a Java array, an OpenCL buffer) is the backend's business: move it in and
 * out with {@link Backend#write}, {@link Backend#read} and {@link Backend#download}. A matrix is only
 * accepted by the backend that allocated it. Closing it gives its storage back; using it afterwards
 * is an error.
 */
public abstract class Matrix implements AutoCloseable {
    private final Backend owner;
    private final int rows;
    private final int cols;
    private MatrixUse use = MatrixUse.GENERAL;
    private volatile boolean released;

    protected Matrix(Backend owner, int rows, int cols) {
        this.owner = owner;
        this.rows = rows;
        this.cols = cols;
    }

    public final int rows() {
        return rows;
    }

    public final int cols() {
        return cols;
    }

    /** Number of elements, {@code rows * cols}. */
    public final int size() {
        return rows * cols;
    }

    public final Backend backend() {
        return owner;
    }

    /** What the matrix was allocated for (a storage hint; see {@link MatrixUse}). */
    public final MatrixUse use() {
        return use;
    }

    /** Set once, by {@link Backend#allocate(int, int, MatrixUse)}, right after the backend created the matrix. */
    final void use(MatrixUse use) {
        this.use = use;
    }

    /** The shape as {@code "rowsxcols"}, the form every error message uses. */
    public final String shape() {
        return rows + "x" + cols;
    }

    public final boolean isReleased() {
        return released;
    }

    @Override
    public final void close() {
        if (!released) {
            released = true;
            owner.releaseStorage(this);
        }
    }

    @Override
    public String toString() {
        return "Matrix[" + shape() + " on " + owner.name() + (released ? ", released" : "") + "]";
    }
}
