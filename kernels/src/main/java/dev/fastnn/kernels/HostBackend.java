package dev.fastnn.kernels;

import java.util.Arrays;

/**
 * Storage for the CPU backends: every matrix is a {@link HostMatrix} backed by a Java array, so storing,
 * filling and copying are the same for all of them.
 */
public abstract class HostBackend extends Backend {

    /** The array behind a matrix this backend allocated. */
    protected static float[] data(Matrix m) {
        return ((HostMatrix) m).data();
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
        System.arraycopy(src, offset, data(dst), 0, dst.size());
    }

    @Override
    protected final void readStorage(Matrix src, float[] dst) {
        System.arraycopy(data(src), 0, dst, 0, src.size());
    }

    @Override
    protected final void fillKernel(Matrix x, float value) {
        Arrays.fill(data(x), 0, x.size(), value);
    }

    @Override
    protected final void copyKernel(Matrix src, Matrix dst) {
        System.arraycopy(data(src), 0, data(dst), 0, src.size());
    }
}
