package dev.fastnn.kernels.vector;

import dev.fastnn.kernels.DropoutMask;
import java.lang.constant.ConstantDescs;
import java.lang.invoke.MethodHandles;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The elementwise loops of {@link ElementwiseKernels} for one vector width: a template that {@link KernelsByWidth}
 * defines once per width as a hidden class whose class data is the species, as {@link SpeciesMicroKernels} is
 * (see there why); no nested classes or lambdas here either.
 */
final class SpeciesElementwiseKernels implements ElementwiseKernels {
    private static final VectorSpecies<Float> SPECIES = species();
    private static final int L = SPECIES.length();
    /** As many int lanes as float lanes: the dropout hash runs in them. */
    private static final VectorSpecies<Integer> INTS = SPECIES.withLanes(int.class);

    // exp(t) for t <= 0: t = n ln2 + r with |r| <= ln2 / 2, ln2 split in two (Cody and Waite) so that n ln2 is
    // exact in float, then e^r by a degree-6 polynomial (Cephes expf's minimax coefficients, relative error
    // about 1e-7 on that interval) and 2^n built in the exponent bits.
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float P0 = 1.9875691500e-4f;
    private static final float P1 = 1.3981999507e-3f;
    private static final float P2 = 8.3334519073e-3f;
    private static final float P3 = 4.1665795894e-2f;
    private static final float P4 = 1.6666665459e-1f;
    private static final float P5 = 5.0000001201e-1f;
    /** Adding 1.5 * 2^23 rounds to an integer and leaves it in the low mantissa bits. */
    private static final float ROUND = 12582912f;
    private static final int ROUND_BITS = 0x4B400000;
    /** Below this, e^t < 2^-126 is flushed to zero: 2^n's exponent field would underflow. */
    private static final float EXP_FLOOR = -88f;

    // tanh for |x| < 0.625: x + x^3 q(x^2) (Cephes tanhf); above, (1 - e) / (1 + e) with e = exp(-2|x|).
    private static final float TANH_SMALL = 0.625f;
    private static final float T0 = -5.70498872745e-3f;
    private static final float T1 = 2.06390887954e-2f;
    private static final float T2 = -5.37397155531e-2f;
    private static final float T3 = 1.33314422036e-1f;
    private static final float T4 = -3.33332819422e-1f;

    /** Vectors summed in float lanes before the partial sum is added into a double. */
    private static final int SUM_CHUNK = 4;

    /** Each template reads its own class data; the twin is in SpeciesMicroKernels. */
    @SuppressWarnings("unchecked")
    private static VectorSpecies<Float> species() {
        try {
            return MethodHandles.classData(MethodHandles.lookup(), ConstantDescs.DEFAULT_NAME, VectorSpecies.class);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("SpeciesElementwiseKernels must be defined as a hidden class with a species as class data", e);
        }
    }

    // ---------------------------------------------------------------- activations

    private static FloatVector all(float value) {
        return FloatVector.broadcast(SPECIES, value);
    }

    /** {@code e^t} for {@code t <= 0} (NaN stays NaN), within about 2 float ulps; results below 2^-126 are 0. */
    private static FloatVector expNonPositive(FloatVector t) {
        t = t.max(EXP_FLOOR);
        FloatVector shifted = t.fma(all(LOG2E), all(ROUND));
        FloatVector n = shifted.sub(ROUND);
        FloatVector r = n.fma(all(-LN2_HI), t);
        r = n.fma(all(-LN2_LO), r);
        FloatVector one = all(1f);
        FloatVector p = r.fma(all(P0), all(P1));
        p = p.fma(r, all(P2));
        p = p.fma(r, all(P3));
        p = p.fma(r, all(P4));
        p = p.fma(r, all(P5));
        p = p.fma(r, one);
        p = p.fma(r, one);
        IntVector bits = shifted.reinterpretAsInts().add(127 - ROUND_BITS).lanewise(VectorOperators.LSHL, 23);
        return p.mul(bits.reinterpretAsFloats());
    }

    /**
     * {@code 1 / (1 + e^-x)} from {@code e = e^-|x|}, which never overflows: {@code 1 / (1 + e)} for
     * {@code x >= 0} and {@code e / (1 + e)} below, so small results keep their relative accuracy.
     * Measured worst case over a sweep of float inputs: 3 x 2^-24 relative (see VectorBackendTest).
     */
    private static FloatVector sigmoid(FloatVector x) {
        FloatVector minusAbs = x.reinterpretAsInts().or(Integer.MIN_VALUE).reinterpretAsFloats();
        FloatVector e = expNonPositive(minusAbs);
        FloatVector one = all(1f);
        return one.blend(e, x.lt(0f)).div(one.add(e));
    }

    @Override
    public void sigmoid(float[] x, float[] out, int size) {
        int i = 0;
        for (int end = SPECIES.loopBound(size); i < end; i += L) {
            sigmoid(FloatVector.fromArray(SPECIES, x, i)).intoArray(out, i);
        }
        for (; i < size; i++) {
            out[i] = (float) (1.0 / (1.0 + Math.exp(-x[i])));
        }
    }

    @Override
    public void tanh(float[] x, float[] out, int size) {
        int i = 0;
        for (int end = SPECIES.loopBound(size); i < end; i += L) {
            FloatVector v = FloatVector.fromArray(SPECIES, x, i);
            FloatVector a = v.abs();
            FloatVector z = v.mul(v);
            FloatVector q = z.fma(all(T0), all(T1)).fma(z, all(T2)).fma(z, all(T3)).fma(z, all(T4));
            FloatVector small = q.mul(z).fma(v, v);
            FloatVector e = expNonPositive(a.mul(-2f));
            FloatVector one = FloatVector.broadcast(SPECIES, 1f);
            // (1 - e) / (1 + e) has no cancellation once e <= e^-1.25; the sign is copied over as a bit.
            IntVector magnitude = one.sub(e).div(one.add(e)).reinterpretAsInts();
            IntVector sign = v.reinterpretAsInts().and(Integer.MIN_VALUE);
            FloatVector large = magnitude.or(sign).reinterpretAsFloats();
            large.blend(small, a.lt(TANH_SMALL)).intoArray(out, i);
        }
        for (; i < size; i++) {
            out[i] = (float) Math.tanh(x[i]);
        }
    }

    @Override
    public void relu(float[] x, float[] out, int size) {
        int i = 0;
        for (int end = SPECIES.loopBound(size); i < end; i += L) {
            FloatVector.fromArray(SPECIES, x, i).max(0f).intoArray(out, i);
        }
        for (; i < size; i++) {
            out[i] = Math.max(0f, x[i]);
        }
    }

    @Override
    public void sigmoidDerivative(float[] s, float[] out, int size) {
        int i = 0;
        for (int end = SPECIES.loopBound(size); i < end; i += L) {
            FloatVector v = FloatVector.fromArray(SPECIES, s, i);
            v.mul(FloatVector.broadcast(SPECIES, 1f).sub(v)).intoArray(out, i);
        }
        for (; i < size; i++) {
            out[i] = s[i] * (1f - s[i]);
        }
    }

    @Override
    public void sigmoidGradient(float[] y, float[] g, float[] out, int size) {
        int i = 0;
        for (int end = SPECIES.loopBound(size); i < end; i += L) {
            FloatVector v = FloatVector.fromArray(SPECIES, y, i);
            FloatVector gv = FloatVector.fromArray(SPECIES, g, i);
            gv.mul(v).mul(FloatVector.broadcast(SPECIES, 1f).sub(v)).intoArray(out, i);
        }
        for (; i < size; i++) {
            out[i] = g[i] * y[i] * (1f - y[i]);
        }
    }

    @Override
    public void tanhGradient(float[] y, float[] g, float[] out, int size) {
        int i = 0;
        for (int end = SPECIES.loopBound(size); i < end; i += L) {
            FloatVector v = FloatVector.fromArray(SPECIES, y, i);
            FloatVector gv = FloatVector.fromArray(SPECIES, g, i);
            gv.mul(v.neg().fma(v, all(1f))).intoArray(out, i);
        }
        for (; i < size; i++) {
            out[i] = g[i] * (1f - y[i] * y[i]);
        }
    }

    @Override
    public void reluGradient(float[] y, float[] g, float[] out, int size) {
        int i = 0;
        FloatVector zero = FloatVector.zero(SPECIES);
        for (int end = SPECIES.loopBound(size); i < end; i += L) {
            FloatVector v = FloatVector.fromArray(SPECIES, y, i);
            zero.blend(FloatVector.fromArray(SPECIES, g, i), v.compare(VectorOperators.GT, 0f)).intoArray(out, i);
        }
        for (; i < size; i++) {
            out[i] = y[i] > 0f ? g[i] : 0f;
        }
    }

    // ---------------------------------------------------------------- elementwise and reductions

    @Override
    public void addRowVector(float[] m, int rows, int cols, float[] row) {
        int end = SPECIES.loopBound(cols);
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            int j = 0;
            for (; j < end; j += L) {
                FloatVector.fromArray(SPECIES, m, base + j).add(FloatVector.fromArray(SPECIES, row, j)).intoArray(m, base + j);
            }
            for (; j < cols; j++) {
                m[base + j] += row[j];
            }
        }
    }

    /** Column by column down the rows, in row order, as the naive loop adds them. */
    @Override
    public void columnSums(float[] m, int rows, int cols, float[] out) {
        int end = SPECIES.loopBound(cols);
        int j = 0;
        for (; j < end; j += L) {
            FloatVector sum = FloatVector.zero(SPECIES);
            for (int r = 0; r < rows; r++) {
                sum = sum.add(FloatVector.fromArray(SPECIES, m, r * cols + j));
            }
            sum.intoArray(out, j);
        }
        for (; j < cols; j++) {
            float sum = 0f;
            for (int r = 0; r < rows; r++) {
                sum += m[r * cols + j];
            }
            out[j] = sum;
        }
    }

    @Override
    public void axpy(float alpha, float[] x, float[] y, int size) {
        FloatVector av = all(alpha);
        int i = 0;
        for (int end = SPECIES.loopBound(size); i < end; i += L) {
            FloatVector.fromArray(SPECIES, x, i).fma(av, FloatVector.fromArray(SPECIES, y, i)).intoArray(y, i);
        }
        for (; i < size; i++) {
            y[i] = Math.fma(alpha, x[i], y[i]);
        }
    }

    @Override
    public void scale(float alpha, float[] x, int size) {
        int i = 0;
        for (int end = SPECIES.loopBound(size); i < end; i += L) {
            FloatVector.fromArray(SPECIES, x, i).mul(alpha).intoArray(x, i);
        }
        for (; i < size; i++) {
            x[i] *= alpha;
        }
    }

    @Override
    public void hadamard(float[] a, float[] b, float[] out, int size) {
        int i = 0;
        for (int end = SPECIES.loopBound(size); i < end; i += L) {
            FloatVector.fromArray(SPECIES, a, i).mul(FloatVector.fromArray(SPECIES, b, i)).intoArray(out, i);
        }
        for (; i < size; i++) {
            out[i] = a[i] * b[i];
        }
    }

    @Override
    public void subtract(float[] a, float[] b, float[] out, int size) {
        int i = 0;
        for (int end = SPECIES.loopBound(size); i < end; i += L) {
            FloatVector.fromArray(SPECIES, a, i).sub(FloatVector.fromArray(SPECIES, b, i)).intoArray(out, i);
        }
        for (; i < size; i++) {
            out[i] = a[i] - b[i];
        }
    }

    /**
     * Squares summed in float lanes over {@value #SUM_CHUNK} vectors, then into a double: each float partial
     * sum has only a few roundings, so the result stays within about 1e-6 relative however long the input.
     */
    @Override
    public double sumSquaredError(float[] yhat, float[] y, int size) {
        double sum = 0;
        int i = 0;
        int chunk = SUM_CHUNK * L;
        for (int end = size - size % chunk; i < end; i += chunk) {
            FloatVector d = FloatVector.fromArray(SPECIES, y, i).sub(FloatVector.fromArray(SPECIES, yhat, i));
            FloatVector partial = d.mul(d);
            for (int v = L; v < chunk; v += L) {
                d = FloatVector.fromArray(SPECIES, y, i + v).sub(FloatVector.fromArray(SPECIES, yhat, i + v));
                partial = d.fma(d, partial);
            }
            sum += partial.reduceLanes(VectorOperators.ADD);
        }
        for (; i < size; i++) {
            double d = (double) y[i] - yhat[i];
            sum += d * d;
        }
        return sum;
    }

    // ---------------------------------------------------------------- dropout

    /**
     * {@link DropoutMask}'s hash of {@code key + i} in int lanes (the same wrapping multiplies and logical
     * shifts), the mask from its top 24 bits; the tail goes through {@link DropoutMask#keeps} itself.
     */
    @Override
    public void dropout(float[] x, float[] out, int size, int key, int threshold, float scale) {
        IntVector lanes = IntVector.zero(INTS).addIndex(1);
        FloatVector zero = all(0f);
        int i = 0;
        for (int end = SPECIES.loopBound(size); i < end; i += L) {
            IntVector h = lanes.add(key + i);
            h = h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 16));
            h = h.mul(DropoutMask.MULTIPLIER_1);
            h = h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 15));
            h = h.mul(DropoutMask.MULTIPLIER_2);
            h = h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 16));
            VectorMask<Integer> keep = h.lanewise(VectorOperators.LSHR, 32 - DropoutMask.DRAW_BITS)
                    .compare(VectorOperators.GE, threshold);
            FloatVector.fromArray(SPECIES, x, i).mul(scale).blend(zero, keep.not().cast(SPECIES)).intoArray(out, i);
        }
        for (; i < size; i++) {
            out[i] = DropoutMask.keeps(key, i, threshold) ? x[i] * scale : 0f;
        }
    }
}
