package dev.fastnn.kernels;

/**
 * A matrix stored in a Java array, as the CPU backends keep it. Row-major (element (i, j) at
 * {@code data[i * cols + j]}) unless a backend chose one of the blocked {@link Layout}s for it, which keep
 * every value (no padding) and change only where each lies. {@link #store} and {@link #load} move row-major
 * values in and out whatever the layout.
 */
public final class HostMatrix extends Matrix {
    /** Where element (i, j) of a matrix lies in its array. */
    public enum Layout {
        /** At {@code i cols + j}. */
        ROW_MAJOR,
        /**
         * Slivers of {@code block} rows, each stored column by column: at {@code (i / b) (cols b) + j b + i % b}
         * for block {@code b}, which divides the rows. A gemm micro-kernel's packed left operand, for all of k.
         */
        ROW_SLIVERS,
        /**
         * Panels of {@code block} columns, each stored row by row: at {@code (j / b) (rows b) + i b + j % b} for
         * block {@code b}, which divides the columns. A gemm micro-kernel's packed right operand, for all of k.
         */
        COLUMN_PANELS
    }

    private final float[] data;
    private final Layout layout;
    private final int block;
    private float[] rowMajorScratch;

    /** A row-major matrix. */
    public HostMatrix(Backend owner, int rows, int cols) {
        this(owner, rows, cols, Layout.ROW_MAJOR, 1);
    }

    /** A matrix in {@code layout} with blocks of {@code block} rows or columns, which must divide them. */
    public HostMatrix(Backend owner, int rows, int cols, Layout layout, int block) {
        super(owner, rows, cols);
        int blocked = layout == Layout.ROW_SLIVERS ? rows : layout == Layout.COLUMN_PANELS ? cols : 0;
        if (block < 1 || blocked % block != 0) {
            throw new IllegalArgumentException(layout + " blocks of " + block + " do not divide a " + shape() + " matrix");
        }
        this.data = new float[rows * cols];
        this.layout = layout;
        this.block = layout == Layout.ROW_MAJOR ? 1 : block;
    }

    /** The live storage, for kernels of the owning backend; callers outside it use {@link Backend#read}. */
    public float[] data() {
        return data;
    }

    /**
     * An array of {@link #size()} floats kept with this matrix for row-major copies of its values (see
     * {@code HostBackend.rowMajor}), made on first use: only blocked matrices that meet a row-major kernel need
     * one, and they need it on every step.
     */
    public float[] rowMajorScratch() {
        if (rowMajorScratch == null) {
            rowMajorScratch = new float[size()];
        }
        return rowMajorScratch;
    }

    public Layout layout() {
        return layout;
    }

    /** Rows per sliver or columns per panel; 1 for row-major. */
    public int block() {
        return block;
    }

    /** Whether {@code other} stores each element at the same index (same shape and layout). */
    public boolean sameLayout(HostMatrix other) {
        return layout == other.layout && block == other.block && rows() == other.rows() && cols() == other.cols();
    }

    /** Stores {@link #size()} row-major values from {@code src[offset]} on, in this matrix's layout. */
    public void store(float[] src, int offset) {
        int rows = rows();
        int cols = cols();
        int b = block;
        switch (layout) {
            case ROW_MAJOR -> System.arraycopy(src, offset, data, 0, size());
            case ROW_SLIVERS -> {
                for (int s = 0; s < rows; s += b) {
                    for (int r = 0; r < b; r++) {
                        int from = offset + (s + r) * cols;
                        for (int j = 0, at = s * cols + r; j < cols; j++, at += b) {
                            data[at] = src[from + j];
                        }
                    }
                }
            }
            case COLUMN_PANELS -> {
                for (int q = 0; q < cols; q += b) {
                    for (int i = 0; i < rows; i++) {
                        System.arraycopy(src, offset + i * cols + q, data, q * rows + i * b, b);
                    }
                }
            }
            default -> throw new AssertionError(layout);
        }
    }

    /** Copies the values out, row-major, into the first {@link #size()} elements of {@code dst}. */
    public void load(float[] dst) {
        int rows = rows();
        int cols = cols();
        int b = block;
        switch (layout) {
            case ROW_MAJOR -> System.arraycopy(data, 0, dst, 0, size());
            case ROW_SLIVERS -> {
                for (int s = 0; s < rows; s += b) {
                    for (int r = 0; r < b; r++) {
                        int to = (s + r) * cols;
                        for (int j = 0, at = s * cols + r; j < cols; j++, at += b) {
                            dst[to + j] = data[at];
                        }
                    }
                }
            }
            case COLUMN_PANELS -> {
                for (int q = 0; q < cols; q += b) {
                    for (int i = 0; i < rows; i++) {
                        System.arraycopy(data, q * rows + i * b, dst, i * cols + q, b);
                    }
                }
            }
            default -> throw new AssertionError(layout);
        }
    }
}
