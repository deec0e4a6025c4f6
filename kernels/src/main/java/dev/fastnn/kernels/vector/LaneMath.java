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
    // exact in float, then e^r by a degree-6 polynomial (Cephes expf's minimax coefficients, relative error
    // about 1e-7 on that interval) and 2^n built in the exponent bits.
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
        t = t < EXP_FLOOR ? EXP_FLOOR : t;
        float shifted = Math.fma(t, LOG2E, ROUND);
        float n = shifted - ROUND;
        float r = Math.fma(n, -LN2_HI, t);
        r = Math.fma(n, -LN2_LO, r);
        float p = Math.fma(r, P0, P1);
        p = Math.fma(p, r, P2);
        p = Math.fma(p, r, P3);
        p = Math.fma(p, r, P4);
        p = Math.fma(p, r, P5);
        p = Math.fma(p, r, 1f);
        p = Math.fma(p, r, 1f);
        int scale = (Float.floatToRawIntBits(shifted) + EXPONENT_BIAS) << 23;
        return p * Float.intBitsToFloat(scale);
    }

    /**
     * {@code 1 / (1 + e^-x)} from {@code e = e^-|x|}, which never overflows: {@code 1 / (1 + e)} for
     * {@code x >= 0} and {@code e / (1 + e)} below, so small results keep their relative accuracy.
     * Measured worst case over a sweep of float inputs: 3 x 2^-24 relative (see VectorBackendTest).
     */
    static float sigmoid(float x) {
        float e = expNonPositive(Float.intBitsToFloat(Float.floatToRawIntBits(x) | Integer.MIN_VALUE));
        return (x < 0f ? e : 1f) / (1f + e);
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
