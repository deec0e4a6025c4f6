package dev.fastnn.kernels.vector;

import java.lang.constant.ConstantDescs;
import java.lang.invoke.MethodHandles;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The loops of {@link VectorKernels} for one vector width. This class is never loaded by name: {@link KernelsByWidth}
 * defines its bytes once per width as a hidden class whose class data is the species. That makes
 * {@link #SPECIES} a {@code static final} constant in each copy: C2 turns Vector API calls into SIMD
 * instructions only where it can see the species as a constant, and otherwise leaves vectors as heap objects.
 * One copy per width is what lets the tests run the 128-, 256- and 512-bit loops in one JVM. Hence, too, no
 * nested classes or lambdas here: they would name this class and load the template itself.
 *
 * <p>Accumulators live in locals, never in arrays or fields, and leave the k loop by unconditional stores
 * (see {@link #finish}).
 */
final class SpeciesKernels implements VectorKernels {
    private static final VectorSpecies<Float> SPECIES = species();
    private static final int L = SPECIES.length();
    private static final int NR = 2 * L;

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

    @SuppressWarnings("unchecked")
    private static VectorSpecies<Float> species() {
        try {
            return MethodHandles.classData(MethodHandles.lookup(), ConstantDescs.DEFAULT_NAME, VectorSpecies.class);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("SpeciesKernels must be defined as a hidden class with a species as class data", e);
        }
    }

    @Override
    public int lanes() {
        return L;
    }

    // ---------------------------------------------------------------- gemm

    @Override
    public void multiplyPacked(int kc, float[] a, int ao, float[] b, int bo,
                               float[] c, int co, int ldc, int rows, int cols, float alpha, float beta, float[] tile) {
        FloatVector c00 = FloatVector.zero(SPECIES);
        FloatVector c01 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c30 = c00;
        FloatVector c31 = c00;
        FloatVector c40 = c00;
        FloatVector c41 = c00;
        FloatVector c50 = c00;
        FloatVector c51 = c00;
        FloatVector c60 = c00;
        FloatVector c61 = c00;
        FloatVector c70 = c00;
        FloatVector c71 = c00;
        // Indices written as linear functions of p, so that C2 hoists the bounds checks out of the loop.
        for (int p = 0; p < kc; p++) {
            int ai = ao + p * MR;
            int bi = bo + p * NR;
            FloatVector b0 = FloatVector.fromArray(SPECIES, b, bi);
            FloatVector b1 = FloatVector.fromArray(SPECIES, b, bi + L);
            FloatVector x = FloatVector.broadcast(SPECIES, a[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(SPECIES, a[ai + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(SPECIES, a[ai + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(SPECIES, a[ai + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(SPECIES, a[ai + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(SPECIES, a[ai + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(SPECIES, a[ai + 6]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(SPECIES, a[ai + 7]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR);
        c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR);
        c51.intoArray(tile, 5 * NR + L);
        c60.intoArray(tile, 6 * NR);
        c61.intoArray(tile, 6 * NR + L);
        c70.intoArray(tile, 7 * NR);
        c71.intoArray(tile, 7 * NR + L);
        finish(tile, c, co, ldc, rows, cols, alpha, beta);
    }

    @Override
    public void multiplyStrided(int kc, float[] a, int ao, int rowStride, int stepStride, float[] b, int bo,
                                float[] c, int co, int ldc, int rows, int cols, float alpha, float beta, float[] tile) {
        int last = rows - 1;
        int a0 = ao;
        int a1 = ao + Math.min(1, last) * rowStride;
        int a2 = ao + Math.min(2, last) * rowStride;
        int a3 = ao + Math.min(3, last) * rowStride;
        int a4 = ao + Math.min(4, last) * rowStride;
        int a5 = ao + Math.min(5, last) * rowStride;
        int a6 = ao + Math.min(6, last) * rowStride;
        int a7 = ao + Math.min(7, last) * rowStride;
        FloatVector c00 = FloatVector.zero(SPECIES);
        FloatVector c01 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c30 = c00;
        FloatVector c31 = c00;
        FloatVector c40 = c00;
        FloatVector c41 = c00;
        FloatVector c50 = c00;
        FloatVector c51 = c00;
        FloatVector c60 = c00;
        FloatVector c61 = c00;
        FloatVector c70 = c00;
        FloatVector c71 = c00;
        int bi = bo;
        for (int p = 0, step = 0; p < kc; p++, step += stepStride, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(SPECIES, b, bi);
            FloatVector b1 = FloatVector.fromArray(SPECIES, b, bi + L);
            FloatVector x = FloatVector.broadcast(SPECIES, a[a0 + step]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(SPECIES, a[a1 + step]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(SPECIES, a[a2 + step]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(SPECIES, a[a3 + step]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(SPECIES, a[a4 + step]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(SPECIES, a[a5 + step]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(SPECIES, a[a6 + step]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(SPECIES, a[a7 + step]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR);
        c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR);
        c51.intoArray(tile, 5 * NR + L);
        c60.intoArray(tile, 6 * NR);
        c61.intoArray(tile, 6 * NR + L);
        c70.intoArray(tile, 7 * NR);
        c71.intoArray(tile, 7 * NR + L);
        finish(tile, c, co, ldc, rows, cols, alpha, beta);
    }

    @Override
    public void multiplyNarrow(int kc, float[] a, int ao, int rowStride, int stepStride, float[] b, int bo,
                               float[] c, int co, int ldc, int rows, int cols, float alpha, float beta, float[] tile) {
        int last = rows - 1;
        int a0 = ao;
        int a1 = ao + Math.min(1, last) * rowStride;
        int a2 = ao + Math.min(2, last) * rowStride;
        int a3 = ao + Math.min(3, last) * rowStride;
        int a4 = ao + Math.min(4, last) * rowStride;
        int a5 = ao + Math.min(5, last) * rowStride;
        int a6 = ao + Math.min(6, last) * rowStride;
        int a7 = ao + Math.min(7, last) * rowStride;
        FloatVector c0 = FloatVector.zero(SPECIES);
        FloatVector c1 = c0;
        FloatVector c2 = c0;
        FloatVector c3 = c0;
        FloatVector c4 = c0;
        FloatVector c5 = c0;
        FloatVector c6 = c0;
        FloatVector c7 = c0;
        for (int p = 0, step = 0; p < kc; p++, step += stepStride) {
            FloatVector b0 = FloatVector.fromArray(SPECIES, b, bo + p * L);
            c0 = FloatVector.broadcast(SPECIES, a[a0 + step]).fma(b0, c0);
            c1 = FloatVector.broadcast(SPECIES, a[a1 + step]).fma(b0, c1);
            c2 = FloatVector.broadcast(SPECIES, a[a2 + step]).fma(b0, c2);
            c3 = FloatVector.broadcast(SPECIES, a[a3 + step]).fma(b0, c3);
            c4 = FloatVector.broadcast(SPECIES, a[a4 + step]).fma(b0, c4);
            c5 = FloatVector.broadcast(SPECIES, a[a5 + step]).fma(b0, c5);
            c6 = FloatVector.broadcast(SPECIES, a[a6 + step]).fma(b0, c6);
            c7 = FloatVector.broadcast(SPECIES, a[a7 + step]).fma(b0, c7);
        }
        c0.intoArray(tile, 0);
        c1.intoArray(tile, NR);
        c2.intoArray(tile, 2 * NR);
        c3.intoArray(tile, 3 * NR);
        c4.intoArray(tile, 4 * NR);
        c5.intoArray(tile, 5 * NR);
        c6.intoArray(tile, 6 * NR);
        c7.intoArray(tile, 7 * NR);
        finish(tile, c, co, ldc, rows, cols, alpha, beta);
    }

    @Override
    public void packPanel(float[] src, int from, int stride, int rows, float[] out, int to) {
        for (int q = 0; q < rows; q++) {
            int s = from + q * stride;
            int o = to + q * NR;
            FloatVector.fromArray(SPECIES, src, s).intoArray(out, o);
            FloatVector.fromArray(SPECIES, src, s + L).intoArray(out, o + L);
        }
    }

    /**
     * {@code C = alpha tile + beta C} for the valid corner of a tile. The accumulators reach this method
     * through {@code tile}, stored unconditionally: handing them over as arguments, or storing some only at
     * edges, makes C2 box them on every step of the k loop. {@code beta = 0} must not read C (it may hold NaN).
     */
    private static void finish(float[] tile, float[] c, int co, int ldc, int rows, int cols, float alpha, float beta) {
        if (rows == MR && cols == NR) {
            FloatVector av = FloatVector.broadcast(SPECIES, alpha);
            FloatVector bv = FloatVector.broadcast(SPECIES, beta);
            for (int r = 0, at = co; r < MR; r++, at += ldc) {
                FloatVector lo = FloatVector.fromArray(SPECIES, tile, r * NR);
                FloatVector hi = FloatVector.fromArray(SPECIES, tile, r * NR + L);
                if (beta == 0f) {
                    lo.mul(av).intoArray(c, at);
                    hi.mul(av).intoArray(c, at + L);
                } else {
                    lo.fma(av, FloatVector.fromArray(SPECIES, c, at).mul(bv)).intoArray(c, at);
                    hi.fma(av, FloatVector.fromArray(SPECIES, c, at + L).mul(bv)).intoArray(c, at + L);
                }
            }
            return;
        }
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                int at = co + r * ldc + j;
                float acc = tile[r * NR + j];
                c[at] = beta == 0f ? acc * alpha : Math.fma(acc, alpha, c[at] * beta);
            }
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
}
