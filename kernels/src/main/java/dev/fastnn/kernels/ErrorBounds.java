package dev.fastnn.kernels;

/**
 * How far a backend's float32 result may lie from the exact value (computed in float64): the bounds every
 * backend is held to, by the kernel tests and by the GPU check of {@code gpu-kit}, which compares two
 * backends and so allows the sum of both bounds.
 *
 * <p>The bounds are the classic a-priori ones with {@code u = 2^-24}, one float rounding: any summation
 * order, FMA or not, blocked or split, stays inside them, while an indexing or transfer bug (an error of the
 * order of the terms themselves) does not. Each method gives the bound for one element.
 */
public final class ErrorBounds {
    /** One float32 rounding, relative. */
    public static final double UNIT_ROUNDOFF = 0x1p-24;
    /** Sigmoid and tanh, relative to the true value: about 4 to 8 float ulps, so a fast polynomial exp passes. */
    public static final double ACTIVATION_RELATIVE = 0x1p-21;
    /** {@link #ACTIVATION_RELATIVE} as written in messages. */
    public static final String ACTIVATION_RELATIVE_TEXT = "2^-21";
    /** Added to activation bounds, for true values in the subnormal range. */
    public static final double ACTIVATION_ABSOLUTE = Float.MIN_NORMAL;
    /**
     * Loss sums returned as double, relative: float lanes summed to double per chunk pass, a float
     * accumulator over a million terms does not.
     */
    public static final double REDUCTION_RELATIVE = 1e-6;

    private static final double U = UNIT_ROUNDOFF;

    private ErrorBounds() {
    }

    /** {@code gamma(n) = n u / (1 - n u)}: the relative error of n roundings in sequence. */
    public static double gamma(int n) {
        return n * U / (1 - n * U);
    }

    /**
     * An element of {@code C = alpha op(A) op(B) + beta C} with inner dimension {@code k}, given
     * {@code alphaProducts = |alpha| sum_p |a_ip b_pj|} and {@code betaC = |beta c_ij|}: a dot product of
     * length k plus the roundings of alpha's product and beta's sum.
     */
    public static double gemm(int k, double alphaProducts, double betaC) {
        return gamma(k + 2) * (alphaProducts + betaC) + Float.MIN_VALUE;
    }

    /** One rounding of a result that is exact in float64 (a product, a difference, a scaling). */
    public static double rounded(double exact) {
        return U * Math.abs(exact) + Float.MIN_VALUE;
    }

    /** An operation combining terms whose magnitudes sum to {@code magnitudes} (axpy, with or without FMA). */
    public static double combined(double magnitudes) {
        return 2 * U * magnitudes + Float.MIN_VALUE;
    }

    /** A float sum of {@code terms} terms whose magnitudes sum to {@code magnitudes} (column sums). */
    public static double sum(int terms, double magnitudes) {
        return (terms + 2) * U * magnitudes;
    }

    /** Sigmoid, tanh, ReLU, identity and the sigmoid derivative {@code s (1 - s)}. */
    public static double activation(double exact) {
        return ACTIVATION_RELATIVE * Math.abs(exact) + ACTIVATION_ABSOLUTE;
    }

    /**
     * A softmax probability in a row of {@code cols}: the exps' errors (the numerator's and the sum's), and the
     * float row sum's, {@code gamma(cols)} relative: a plain running sum over a row of a thousand goes past
     * the exps' share (PoCL's does), a pairwise or lane-wise one does not.
     */
    public static double softmax(double exact, int cols) {
        return (4 * ACTIVATION_RELATIVE + gamma(cols)) * Math.abs(exact) + U / cols + ACTIVATION_ABSOLUTE;
    }

    /**
     * An element of {@code grad * f'(x)} from the output {@code y} and gradient {@code g} there; for softmax
     * the row has {@code cols} elements and {@code absDot = sum_k |g_k y_k|}. Where the gradient subtracts
     * (tanh's {@code 1 - y^2}, softmax's {@code g_j - g.y}) the bound scales with the terms, not the result.
     */
    public static double activationGradient(Activation f, double exact, double y, double g, int cols, double absDot) {
        double terms = switch (f) {
            case TANH -> ACTIVATION_RELATIVE * Math.abs(g) * (1 + y * y);
            case SOFTMAX -> (cols + 4) * U * Math.abs(y) * (Math.abs(g) + absDot);
            case IDENTITY, SIGMOID, RELU -> 0;
        };
        return terms + activation(exact);
    }

    /** Adam's moment updates {@code b m + (1 - b) g} and {@code b v + (1 - b) g^2}, terms of these magnitudes. */
    public static double adamMoment(double magnitudes) {
        return 4 * U * magnitudes + Float.MIN_VALUE;
    }

    /**
     * Adam's weight {@code w - step}, where the step inherits the relative errors of the new moments
     * ({@code mRelative}, {@code vRelative}: their bounds over their values; m may cancel) on top of its own
     * roundings.
     */
    public static double adamWeight(double w, double step, double mRelative, double vRelative) {
        double stepRelative = step == 0 ? 0 : 8 * U + mRelative + vRelative;
        return 2 * U * Math.abs(w) + stepRelative * Math.abs(step) + Float.MIN_VALUE;
    }
}
