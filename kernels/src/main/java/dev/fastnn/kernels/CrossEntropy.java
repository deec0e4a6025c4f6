package dev.fastnn.kernels;

/**
 * The cross-entropy of a predicted distribution {@code p} against targets {@code y}, {@code -sum y ln p},
 * as every backend computes it and as the network scores a model on the host: one definition, here.
 *
 * <p>A probability below {@link #FLOOR} counts as {@code FLOOR}, so that a confident wrong answer costs a large
 * finite loss ({@code -ln 1e-30}, about 69) rather than infinity, and a target of zero contributes nothing
 * whatever its probability (no {@code 0 ln 0}). Kernels that cannot call this class (Aparapi's) use
 * {@link #FLOOR_FLOAT} and say where they do.
 */
public final class CrossEntropy {
    /** The smallest probability the logarithm sees. */
    public static final double FLOOR = 1e-30;
    /** {@link #FLOOR} in float, for float kernels. */
    public static final float FLOOR_FLOAT = 1e-30f;

    private CrossEntropy() {
    }

    /** One element's term, {@code -y ln max(p, FLOOR)}, in double; zero where {@code y = 0}. */
    public static double term(float y, float p) {
        return y == 0f ? 0.0 : -(y * Math.log(Math.max(p, FLOOR)));
    }
}
