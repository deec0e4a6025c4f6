package dev.fastnn.kernels;

/**
 * The class a row of scores predicts, as every backend counts it ({@link Backend#addArgmaxMatches}) and as the
 * network picks it on the host: one definition, here, so that an accuracy is the same number wherever it is
 * counted.
 *
 * <p>The scan runs from the first column, and a column takes over only when it is greater than the best so far:
 * a tie goes to the first of the tied columns, a NaN never takes over, and a row whose first score is NaN
 * predicts column 0. The OpenCL kernel, which cannot call this class, repeats it in
 * {@code DeviceKernel.argmaxMatches}.
 */
public final class Argmax {
    private Argmax() {
    }

    /** The index, from 0, of the first maximum of {@code v[offset .. offset + length)}. */
    public static int of(float[] v, int offset, int length) {
        int best = 0;
        for (int j = 1; j < length; j++) {
            if (v[offset + j] > v[offset + best]) {
                best = j;
            }
        }
        return best;
    }
}
