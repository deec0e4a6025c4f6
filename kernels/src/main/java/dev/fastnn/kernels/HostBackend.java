package dev.fastnn.kernels;

import java.util.Arrays;

/**
 * Storage for the CPU backends: every matrix is a {@link HostMatrix} backed by a Java array, so storing,
 * filling and copying are the same for all of them. A backend that stores some matrices in a blocked
 * {@link HostMatrix.Layout} (by overriding {@link #newMatrix(int, int, MatrixUse)}) reads its kernels'
 * operands through {@link #rowMajor} and writes results through {@link #storeRowMajor} wherever a kernel
 * needs row-major values; the naive backend keeps everything row-major, where both cost nothing.
 */
public abstract class HostBackend extends Backend {

    /** The array behind a matrix this backend allocated, in the matrix's layout. */
    protected static float[] data(Matrix m) {
        return ((HostMatrix) m).data();
    }

    /**
     * The matrix's values row-major: its own array when it is row-major, else a copy in the matrix's
     * {@link HostMatrix#rowMajorScratch}, so that a training step in its steady state allocates nothing. The copy
     * is good until the next call for the same matrix.
     */
    protected static float[] rowMajor(Matrix m) {
        HostMatrix h = (HostMatrix) m;
        if (h.layout() == HostMatrix.Layout.ROW_MAJOR) {
            return h.data();
        }
        float[] values = h.rowMajorScratch();
        h.load(values);
        return values;
    }

    /** Stores row-major {@code values} (from {@link #rowMajor}) into {@code m}; nothing to do if they are its array. */
    protected static void storeRowMajor(Matrix m, float[] values) {
        HostMatrix h = (HostMatrix) m;
        if (values != h.data()) {
            h.store(values, 0);
        }
    }

    @Override
    protected final Matrix newMatrix(int rows, int cols) {
        return new HostMatrix(this, rows, cols);
    }

    @Override
    protected final void releaseStorage(Matrix m) {
        // The garbage collector owns host arrays.
    }

    @Override
    protected final void writeStorage(Matrix dst, float[] src, int offset) {
        ((HostMatrix) dst).store(src, offset);
    }

    @Override
    protected void writeRowsKernel(Matrix dst, float[] src, int[] rows, int from) {
        ((HostMatrix) dst).storeRows(src, rows, from);
    }

    @Override
    protected final void readStorage(Matrix src, float[] dst) {
        ((HostMatrix) src).load(dst);
    }

    @Override
    protected final void fillKernel(Matrix x, float value) {
        Arrays.fill(data(x), 0, x.size(), value);
    }

    /** In place, whatever the layouts: through row-major views, as the other kernels read and write. */
    @Override
    protected final void gatherRowsKernel(Matrix source, Matrix rows, int from, Matrix dst) {
        HostMatrix d = (HostMatrix) dst;
        float[] out = d.layout() == HostMatrix.Layout.ROW_MAJOR ? d.data() : d.rowMajorScratch();
        gatherRows(rowMajor(source), source.rows(), source.cols(), rowMajor(rows), from, out, dst.rows());
        storeRowMajor(dst, out);
    }

    @Override
    protected final void copyKernel(Matrix src, Matrix dst) {
        if (((HostMatrix) src).sameLayout((HostMatrix) dst)) {
            System.arraycopy(data(src), 0, data(dst), 0, src.size());
        } else {
            ((HostMatrix) dst).store(rowMajor(src), 0);
        }
    }
}
