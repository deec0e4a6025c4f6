package dev.fastnn.kernels;

/** A matrix stored in a Java array, as the CPU backends keep it: element (i, j) is {@code data[i * cols + j]}. */
public final class HostMatrix extends Matrix {
    private final float[] data;

    public HostMatrix(Backend owner, int rows, int cols) {
        super(owner, rows, cols);
        this.data = new float[rows * cols];
    }

    /** The live storage, for kernels of the owning backend; callers outside it use {@link Backend#read}. */
    public float[] data() {
        return data;
    }
}
