package dev.fastnn.kernels.vector;

/**
 * The sigmoid and tanh of {@link SpeciesElementwiseKernels} for one float at a time: the same IEEE float
 * operations (fused multiply-adds included, which {@link Math#fma(float, float, float)} computes exactly as a
 * vector lane does, in the interpreter as in compiled code) in the same order, so an element in a loop's scalar
 * tail gets the bits a vector lane would give it. Every element's value therefore depends only on its input,
 * not on where it lies in the array or how wide the vectors are: a gemm epilogue that applies an activation
 * tile by tile writes exactly what the activation pass over the whole matrix would.
 *
 * <p>The constants live here, once, for both forms. Each vector kernel writes out its lanes' version of the
 * formulas below in its own loop body rather than calling a helper that takes and returns vectors: a helper
 * that C2 does not inline (over its node budget in a large compile, or already compiled on its own into a
 * large method) passes its vectors as heap objects, one allocation per call.
 */
final class LaneMath {
    // exp(t) for t <= 0: t = n ln2 + r with |r| <= ln2 / 2, ln2 split in two (Cody and Waite) so that n ln2 is
    // exact in float, then e^r = 1 + r + r^2 (P5 + P4 r + ... + P0 r^5) (Cephes expf's minimax coefficients,
    // relative error about 1e-7 on that interval) and 2^n built in the exponent bits. The polynomial is
    // evaluated in Estrin's order (pairs, then r^2): five dependent operations (r^2, three multiply-adds, the
    // final add of 1) where Horner's chain has seven multiply-adds.
    // That, and the sigmoid's floor and numerator chosen without masks (FLOOR_SHIFT), took the vector sigmoid
    // from 3.9 to 5.4 G elements/s at 64K on Zen 5, tanh and softmax 1.05-1.1x (ActivationBenchmark -prof gc,
    // the two builds one after the other). Worst relative errors over every 13th float up to |x| = 104, as
    // with Horner's order: exp 1.4 x 2^-24 (1.2 before), sigmoid 2.9 x 2^-24, tanh 2.5 x 2^-24.
    static final float LOG2E = 1.44269504088896341f;
    static final float LN2_HI = 0.693359375f;
    static final float LN2_LO = -2.12194440e-4f;
    static final float P0 = 1.9875691500e-4f;
    static final float P1 = 1.3981999507e-3f;
    static final float P2 = 8.3334519073e-3f;
    static final float P3 = 4.1665795894e-2f;
    static final float P4 = 1.6666665459e-1f;
    static final float P5 = 5.0000001201e-1f;
    /** Adding 1.5 * 2^23 rounds to an integer and leaves it in the low mantissa bits. */
    static final float ROUND = 12582912f;
    /** What {@code ROUND}'s bits contribute to the int that becomes {@code 2^n}'s exponent field. */
    static final int EXPONENT_BIAS = 127 - 0x4B400000;
    /** Below this, e^t < 2^-126 is flushed to zero: 2^n's exponent field would underflow. */
    static final float EXP_FLOOR = -88f;
    /**
     * Subtracted from the bits of a float with its sign set, it puts the NaNs below every number in signed int
     * order and keeps -0 ... -infinity ascending, so one signed int min floors at {@link #EXP_FLOOR} and lets NaN
     * through: no compare, and so no mask, which C2 builds in three instructions for every use on JDK 17.
     */
    static final int FLOOR_SHIFT = 0x7F800001;
    /** {@link #EXP_FLOOR}'s bits as {@link #FLOOR_SHIFT} moves them. */
    static final int SHIFTED_FLOOR = Float.floatToRawIntBits(EXP_FLOOR) - FLOOR_SHIFT;

    // tanh for |x| < 0.625: x + x^3 q(x^2) (Cephes tanhf); above, (1 - e) / (1 + e) with e = exp(-2|x|).
    static final float TANH_SMALL = 0.625f;
    static final float T0 = -5.70498872745e-3f;
    static final float T1 = 2.06390887954e-2f;
    static final float T2 = -5.37397155531e-2f;
    static final float T3 = 1.33314422036e-1f;
    static final float T4 = -3.33332819422e-1f;

    private LaneMath() {
    }

    /** {@code e^t} for {@code t <= 0} (NaN stays NaN), within about 2 float ulps; results below 2^-126 are 0. */
    static float expNonPositive(float t) {
        return expFloored(t < EXP_FLOOR ? EXP_FLOOR : t);
    }

    /** {@code -|x|} floored at {@link #EXP_FLOOR}, NaN kept, by the int min of {@link #FLOOR_SHIFT}. */
    static float negativeMagnitudeFloored(float x) {
        int negative = Float.floatToRawIntBits(x) | Integer.MIN_VALUE;
        return Float.intBitsToFloat(Math.min(negative - FLOOR_SHIFT, SHIFTED_FLOOR) + FLOOR_SHIFT);
    }

    /** {@link #expNonPositive} for {@code t} already in {@code [EXP_FLOOR, 0]} (or NaN). */
    private static float expFloored(float t) {
        float shifted = Math.fma(t, LOG2E, ROUND);
        float n = shifted - ROUND;
        float r = Math.fma(n, -LN2_HI, t);
        r = Math.fma(n, -LN2_LO, r);
        float r2 = r * r;
        float high = Math.fma(r2, Math.fma(r, P0, P1), Math.fma(r, P2, P3));
        // 1 added last, to r + r^2 (...): adding it to r first would round twice near 1.
        float p = Math.fma(r2, Math.fma(r2, high, Math.fma(r, P4, P5)), r) + 1f;
        int scale = (Float.floatToRawIntBits(shifted) + EXPONENT_BIAS) << 23;
        return p * Float.intBitsToFloat(scale);
    }

    /**
     * {@code 1 / (1 + e^-x)} from {@code e = e^-|x|}, which never overflows: {@code 1 / (1 + e)} for
     * {@code x >= 0} and {@code e / (1 + e)} below, so small results keep their relative accuracy.
     * Measured worst case over a sweep of float inputs: 3 x 2^-24 relative (see VectorBackendTest).
     */
    static float sigmoid(float x) {
        float e = expFloored(negativeMagnitudeFloored(x));
        // The numerator by x's sign bit (a bitwise blend in the lanes): e for -0 and negative NaNs too, where it is
        // the same value.
        return (Float.floatToRawIntBits(x) < 0 ? e : 1f) / (1f + e);
    }

    /** tanh by the two formulas above; the sign of the large branch is copied over as a bit. */
    static float tanh(float x) {
        float a = Float.intBitsToFloat(Float.floatToRawIntBits(x) & Integer.MAX_VALUE);
        if (a < TANH_SMALL) {
            float z = x * x;
            float q = Math.fma(Math.fma(Math.fma(Math.fma(z, T0, T1), z, T2), z, T3), z, T4);
            return Math.fma(q * z, x, x);
        }
        float e = expNonPositive(a * -2f);
        // (1 - e) / (1 + e) has no cancellation once e <= e^-1.25.
        float magnitude = (1f - e) / (1f + e);
        return Float.intBitsToFloat(Float.floatToRawIntBits(magnitude) | (Float.floatToRawIntBits(x) & Integer.MIN_VALUE));
    }
}
