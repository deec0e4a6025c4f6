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

    /**
     * Stores row {@code i} from the {@link #cols()} values at {@code src[rows[from + i] * cols()]}, for every row, in
     * this matrix's layout; the row numbers must name rows of {@code src}.
     */
    public void storeRows(float[] src, int[] rows, int from) {
        storeRows(src, rows, from, 0, rows());
    }

    /**
     * {@link #storeRows(float[], int[], int)} for rows {@code [first, end)} only, which start and end on whole
     * slivers in {@link Layout#ROW_SLIVERS}: what one thread of a split write does. A sliver is filled in the order
     * it lies, from its rows' sources side by side, so each destination line is written once and whole.
     */
    public void storeRows(float[] src, int[] rows, int from, int first, int end) {
        int cols = cols();
        int b = block;
        switch (layout) {
            case ROW_MAJOR -> {
                for (int i = first; i < end; i++) {
                    System.arraycopy(src, rows[from + i] * cols, data, i * cols, cols);
                }
            }
            case ROW_SLIVERS -> {
                if (first % b != 0 || end % b != 0) {
                    throw new IllegalArgumentException("rows [" + first + ", " + end + ") are not whole slivers of " + b);
                }
                if (b == 8) {
                    storeRowsInSliversOf8(src, rows, from, first, end);
                    return;
                }
                int[] starts = new int[b];
                for (int s = first; s < end; s += b) {
                    for (int r = 0; r < b; r++) {
                        starts[r] = rows[from + s + r] * cols;
                    }
                    int at = s * cols;
                    for (int j = 0; j < cols; j++) {
                        for (int r = 0; r < b; r++) {
                            data[at++] = src[starts[r] + j];
                        }
                    }
                }
            }
            case COLUMN_PANELS -> {
                for (int i = first; i < end; i++) {
                    int start = rows[from + i] * cols;
                    for (int q = 0; q < cols; q += b) {
                        System.arraycopy(src, start + q, data, q * rows() + i * b, b);
                    }
                }
            }
            default -> throw new AssertionError(layout);
        }
    }

    /**
     * The vector backend's slivers (8 rows, {@code GemmDriver.MR}) with the eight sources in locals: the loop over a
     * sliver's rows through an array of starts takes twice as long (96 against 46 us for a 128 x 784 batch drawn
     * from 60000 rows, Zen 5), the gather's own time doubled.
     */
    private void storeRowsInSliversOf8(float[] src, int[] rows, int from, int first, int end) {
        int cols = cols();
        for (int s = first; s < end; s += 8) {
            int s0 = rows[from + s] * cols;
            int s1 = rows[from + s + 1] * cols;
            int s2 = rows[from + s + 2] * cols;
            int s3 = rows[from + s + 3] * cols;
            int s4 = rows[from + s + 4] * cols;
            int s5 = rows[from + s + 5] * cols;
            int s6 = rows[from + s + 6] * cols;
            int s7 = rows[from + s + 7] * cols;
            for (int j = 0, at = s * cols; j < cols; j++, at += 8) {
                data[at] = src[s0 + j];
                data[at + 1] = src[s1 + j];
                data[at + 2] = src[s2 + j];
                data[at + 3] = src[s3 + j];
                data[at + 4] = src[s4 + j];
                data[at + 5] = src[s5 + j];
                data[at + 6] = src[s6 + j];
                data[at + 7] = src[s7 + j];
            }
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
