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

    /** Vectors summed in float lanes before the partial sum is added into a double. */
    private static final int SUM_CHUNK = 4;

    /** Each template reads its own class data (the twin is in SpeciesMicroKernels): here the species alone. */
    @SuppressWarnings("unchecked")
    private static VectorSpecies<Float> species() {
        try {
            return MethodHandles.classData(MethodHandles.lookup(), ConstantDescs.DEFAULT_NAME, VectorSpecies.class);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("SpeciesElementwiseKernels must be defined as a hidden class with a species as class data", e);
        }
    }

    // ---------------------------------------------------------------- activations

    /**
     * {@link LaneMath#sigmoid} in every lane, written out here (see {@link LaneMath} why), and {@link LaneMath}'s
     * scalar form for the tail: every element gets the same bits wherever it lies.
     *
     * <p>The vector loop is a method of its own, over C2's FreqInlineSize (325 bytecodes) so that it is not
     * inlined here: its compile holds the Vector API calls and nothing else. With the row loop and the scalar tail
     * in the same compile, a JVM that had run many shapes (the test suite) sometimes compiled sigmoid and tanh past
     * C2's inlining budget ({@code LiveNodeCountInliningCutoff}, 40000 nodes): the calls left over were not
     * intrinsified and every step boxed vectors (SteadyStateAllocationTest: 3 to 170 KB a batch). Apart, the
     * loops stay clean with a budget of 5000. Not every history is cured: after the whole network suite without
     * OpenCL, C2 still left tanhLanes' store a call (see SteadyStateAllocationTest).
     */
    @Override
    public void sigmoid(float[] x, float[] out, int offset, int ld, int rows, int cols) {
        int vectorCols = SPECIES.loopBound(cols);
        for (int row = 0, base = offset; row < rows; row++, base += ld) {
            if (vectorCols > 0) {
                sigmoidLanes(x, out, base, base + vectorCols);
            }
            for (int i = base + vectorCols, end = base + cols; i < end; i++) {
                out[i] = LaneMath.sigmoid(x[i]);
            }
        }
    }

    /** The vector loop of {@link #sigmoid} over {@code x[from, to)}, whole vectors (why apart: {@link #sigmoid}). */
    private static void sigmoidLanes(float[] x, float[] out, int from, int to) {
        FloatVector one = FloatVector.broadcast(SPECIES, 1f);
        IntVector oneBits = one.reinterpretAsInts();
        FloatVector log2e = FloatVector.broadcast(SPECIES, LaneMath.LOG2E);
        FloatVector round = FloatVector.broadcast(SPECIES, LaneMath.ROUND);
        FloatVector ln2Hi = FloatVector.broadcast(SPECIES, -LaneMath.LN2_HI);
        FloatVector ln2Lo = FloatVector.broadcast(SPECIES, -LaneMath.LN2_LO);
        FloatVector p0 = FloatVector.broadcast(SPECIES, LaneMath.P0);
        FloatVector p1 = FloatVector.broadcast(SPECIES, LaneMath.P1);
        FloatVector p2 = FloatVector.broadcast(SPECIES, LaneMath.P2);
        FloatVector p3 = FloatVector.broadcast(SPECIES, LaneMath.P3);
        FloatVector p4 = FloatVector.broadcast(SPECIES, LaneMath.P4);
        FloatVector p5 = FloatVector.broadcast(SPECIES, LaneMath.P5);
        for (int i = from; i < to; i += L) {
            IntVector bits = FloatVector.fromArray(SPECIES, x, i).reinterpretAsInts();
            // e = e^-|x|, LaneMath.sigmoid lane by lane: the floor by an int min (see LaneMath.FLOOR_SHIFT)
            FloatVector t = bits.or(Integer.MIN_VALUE).sub(LaneMath.FLOOR_SHIFT).min(LaneMath.SHIFTED_FLOOR)
                    .add(LaneMath.FLOOR_SHIFT).reinterpretAsFloats();
            FloatVector shifted = t.fma(log2e, round);
            FloatVector n = shifted.sub(round);
            FloatVector r = n.fma(ln2Lo, n.fma(ln2Hi, t));
            FloatVector r2 = r.mul(r);
            FloatVector high = r2.fma(r.fma(p0, p1), r.fma(p2, p3));
            FloatVector p = r2.fma(r2.fma(high, r.fma(p4, p5)), r).add(one);
            FloatVector e = p.mul(shifted.reinterpretAsInts().add(LaneMath.EXPONENT_BIAS)
                    .lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
            // The numerator e where x's sign bit is set, else 1: a bitwise blend by the sign spread over the lane.
            oneBits.lanewise(VectorOperators.BITWISE_BLEND, e.reinterpretAsInts(), bits.lanewise(VectorOperators.ASHR, 31))
                    .reinterpretAsFloats().div(one.add(e)).intoArray(out, i);
        }
    }

    /** {@link LaneMath#tanh} in every lane (both branches computed, then blended), its scalar form for the tail. */
    @Override
    public void tanh(float[] x, float[] out, int offset, int ld, int rows, int cols) {
        int vectorCols = SPECIES.loopBound(cols);
        for (int row = 0, base = offset; row < rows; row++, base += ld) {
            if (vectorCols > 0) {
                tanhLanes(x, out, base, base + vectorCols);
            }
            for (int i = base + vectorCols, end = base + cols; i < end; i++) {
                out[i] = LaneMath.tanh(x[i]);
            }
        }
    }

    /** The vector loop of {@link #tanh} over {@code x[from, to)}, whole vectors (why apart: {@link #sigmoid}). */
    private static void tanhLanes(float[] x, float[] out, int from, int to) {
        FloatVector one = FloatVector.broadcast(SPECIES, 1f);
        FloatVector t0 = FloatVector.broadcast(SPECIES, LaneMath.T0);
        FloatVector t1 = FloatVector.broadcast(SPECIES, LaneMath.T1);
        FloatVector t2 = FloatVector.broadcast(SPECIES, LaneMath.T2);
        FloatVector t3 = FloatVector.broadcast(SPECIES, LaneMath.T3);
        FloatVector t4 = FloatVector.broadcast(SPECIES, LaneMath.T4);
        // The floor by compare and blend: max() follows Math.max on NaN and -0, which costs C2 six instructions.
        FloatVector floor = FloatVector.broadcast(SPECIES, LaneMath.EXP_FLOOR);
        FloatVector log2e = FloatVector.broadcast(SPECIES, LaneMath.LOG2E);
        FloatVector round = FloatVector.broadcast(SPECIES, LaneMath.ROUND);
        FloatVector ln2Hi = FloatVector.broadcast(SPECIES, -LaneMath.LN2_HI);
        FloatVector ln2Lo = FloatVector.broadcast(SPECIES, -LaneMath.LN2_LO);
        FloatVector p0 = FloatVector.broadcast(SPECIES, LaneMath.P0);
        FloatVector p1 = FloatVector.broadcast(SPECIES, LaneMath.P1);
        FloatVector p2 = FloatVector.broadcast(SPECIES, LaneMath.P2);
        FloatVector p3 = FloatVector.broadcast(SPECIES, LaneMath.P3);
        FloatVector p4 = FloatVector.broadcast(SPECIES, LaneMath.P4);
        FloatVector p5 = FloatVector.broadcast(SPECIES, LaneMath.P5);
        for (int i = from; i < to; i += L) {
            FloatVector v = FloatVector.fromArray(SPECIES, x, i);
            FloatVector a = v.abs();
            FloatVector z = v.mul(v);
            FloatVector q = z.fma(t0, t1).fma(z, t2).fma(z, t3).fma(z, t4);
            FloatVector small = q.mul(z).fma(v, v);
            // e = e^-2|x|, LaneMath.expNonPositive lane by lane
            FloatVector t = a.mul(-2f);
            t = t.blend(floor, t.lt(LaneMath.EXP_FLOOR));
            FloatVector shifted = t.fma(log2e, round);
            FloatVector n = shifted.sub(round);
            FloatVector r = n.fma(ln2Lo, n.fma(ln2Hi, t));
            FloatVector r2 = r.mul(r);
            FloatVector high = r2.fma(r.fma(p0, p1), r.fma(p2, p3));
            FloatVector p = r2.fma(r2.fma(high, r.fma(p4, p5)), r).add(one);
            FloatVector e = p.mul(shifted.reinterpretAsInts().add(LaneMath.EXPONENT_BIAS)
                    .lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
            IntVector magnitude = one.sub(e).div(one.add(e)).reinterpretAsInts();
            // The sign comes from v here, where it is needed: an int view of v kept live from the top of the
            // body was boxed by C2 on every step (JMH -prof gc: 23 bytes per element).
            FloatVector large = magnitude.or(v.reinterpretAsInts().and(Integer.MIN_VALUE)).reinterpretAsFloats();
            large.blend(small, a.lt(LaneMath.TANH_SMALL)).intoArray(out, i);
        }
    }

    @Override
    public void relu(float[] x, float[] out, int offset, int ld, int rows, int cols) {
        int vectorCols = SPECIES.loopBound(cols);
        for (int row = 0, base = offset; row < rows; row++, base += ld) {
            int i = base;
            for (int end = base + vectorCols; i < end; i += L) {
                FloatVector.fromArray(SPECIES, x, i).max(0f).intoArray(out, i);
            }
            for (int end = base + cols; i < end; i++) {
                out[i] = Math.max(0f, x[i]);
            }
        }
    }

    @Override
    public void sigmoidGradient(float[] y, float[] g, float[] out, int offset, int ld, int rows, int cols) {
        int vectorCols = SPECIES.loopBound(cols);
        for (int row = 0, base = offset; row < rows; row++, base += ld) {
            if (vectorCols > 0) {
                sigmoidGradientLanes(y, g, out, base, base + vectorCols);
            }
            for (int i = base + vectorCols, end = base + cols; i < end; i++) {
                out[i] = g[i] * y[i] * (1f - y[i]);
            }
        }
    }

    /**
     * The vector loop of {@link #sigmoidGradient}, a method of its own as {@link #sigmoid}'s is: written inside the
     * row loop, one vector (80 bytes at 512 bits: its constant 1, by the size) was boxed on every call (JMH
     * -prof gc at 64K and 1M elements; 0.03 and 0.7 B/op apart).
     */
    private static void sigmoidGradientLanes(float[] y, float[] g, float[] out, int from, int to) {
        FloatVector one = FloatVector.broadcast(SPECIES, 1f);
        for (int i = from; i < to; i += L) {
            FloatVector v = FloatVector.fromArray(SPECIES, y, i);
            FloatVector.fromArray(SPECIES, g, i).mul(v).mul(one.sub(v)).intoArray(out, i);
        }
    }

    @Override
    public void tanhGradient(float[] y, float[] g, float[] out, int offset, int ld, int rows, int cols) {
        FloatVector one = FloatVector.broadcast(SPECIES, 1f);
        int vectorCols = SPECIES.loopBound(cols);
        for (int row = 0, base = offset; row < rows; row++, base += ld) {
            int i = base;
            for (int end = base + vectorCols; i < end; i += L) {
                FloatVector v = FloatVector.fromArray(SPECIES, y, i);
                FloatVector.fromArray(SPECIES, g, i).mul(v.neg().fma(v, one)).intoArray(out, i);
            }
            for (int end = base + cols; i < end; i++) {
                out[i] = g[i] * Math.fma(-y[i], y[i], 1f);
            }
        }
    }

    @Override
    public void reluGradient(float[] y, float[] g, float[] out, int offset, int ld, int rows, int cols) {
        int vectorCols = SPECIES.loopBound(cols);
        for (int row = 0, base = offset; row < rows; row++, base += ld) {
            int i = base;
            for (int end = base + vectorCols; i < end; i += L) {
                // Zero where y is not above 0 (NaN included). A zero vector made before the loop and blended into
                // was boxed once a call on large arrays (80 bytes a call, -prof gc); a scalar blend is not.
                VectorMask<Float> dropped = FloatVector.fromArray(SPECIES, y, i).compare(VectorOperators.GT, 0f).not();
                FloatVector.fromArray(SPECIES, g, i).blend(0, dropped).intoArray(out, i);
            }
            for (int end = base + cols; i < end; i++) {
                out[i] = y[i] > 0f ? g[i] : 0f;
            }
        }
    }

    @Override
    public void addRow(float[] m, int offset, int ld, int rows, int cols, float[] row, int rowOffset) {
        int vectorCols = SPECIES.loopBound(cols);
        for (int r = 0, base = offset; r < rows; r++, base += ld) {
            int j = 0;
            for (; j < vectorCols; j += L) {
                FloatVector.fromArray(SPECIES, m, base + j).add(FloatVector.fromArray(SPECIES, row, rowOffset + j))
                        .intoArray(m, base + j);
            }
            for (; j < cols; j++) {
                m[base + j] += row[rowOffset + j];
            }
        }
    }

    /**
     * The row's maximum (exact in any order), then {@link LaneMath#expNonPositive} of each {@code x - max} in
     * every lane, written out here, and the scalar form in the tail, summed a vector at a time into a double.
     */
    @Override
    public void softmaxRows(float[] x, float[] out, int rows, int cols) {
        FloatVector one = FloatVector.broadcast(SPECIES, 1f);
        // The floor by compare and blend: max() follows Math.max on NaN and -0, which costs C2 six instructions.
        FloatVector floor = FloatVector.broadcast(SPECIES, LaneMath.EXP_FLOOR);
        FloatVector log2e = FloatVector.broadcast(SPECIES, LaneMath.LOG2E);
        FloatVector round = FloatVector.broadcast(SPECIES, LaneMath.ROUND);
        FloatVector ln2Hi = FloatVector.broadcast(SPECIES, -LaneMath.LN2_HI);
        FloatVector ln2Lo = FloatVector.broadcast(SPECIES, -LaneMath.LN2_LO);
        FloatVector p0 = FloatVector.broadcast(SPECIES, LaneMath.P0);
        FloatVector p1 = FloatVector.broadcast(SPECIES, LaneMath.P1);
        FloatVector p2 = FloatVector.broadcast(SPECIES, LaneMath.P2);
        FloatVector p3 = FloatVector.broadcast(SPECIES, LaneMath.P3);
        FloatVector p4 = FloatVector.broadcast(SPECIES, LaneMath.P4);
        FloatVector p5 = FloatVector.broadcast(SPECIES, LaneMath.P5);
        int vectorCols = SPECIES.loopBound(cols);
        for (int row = 0, base = 0; row < rows; row++, base += cols) {
            float max = Float.NEGATIVE_INFINITY;
            int j = 0;
            if (vectorCols > 0) {
                FloatVector m = FloatVector.fromArray(SPECIES, x, base);
                for (j = L; j < vectorCols; j += L) {
                    m = m.max(FloatVector.fromArray(SPECIES, x, base + j));
                }
                max = m.reduceLanes(VectorOperators.MAX);
            }
            for (; j < cols; j++) {
                max = Math.max(max, x[base + j]);
            }
            FloatVector shift = FloatVector.broadcast(SPECIES, max);
            double sum = 0;
            for (j = 0; j < vectorCols; j += L) {
                FloatVector t = FloatVector.fromArray(SPECIES, x, base + j).sub(shift);
                t = t.blend(floor, t.lt(LaneMath.EXP_FLOOR));
                FloatVector shifted = t.fma(log2e, round);
                FloatVector n = shifted.sub(round);
                FloatVector r = n.fma(ln2Lo, n.fma(ln2Hi, t));
                FloatVector r2 = r.mul(r);
                FloatVector high = r2.fma(r.fma(p0, p1), r.fma(p2, p3));
                FloatVector p = r2.fma(r2.fma(high, r.fma(p4, p5)), r).add(one);
                FloatVector e = p.mul(shifted.reinterpretAsInts().add(LaneMath.EXPONENT_BIAS)
                        .lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
                e.intoArray(out, base + j);
                sum += e.reduceLanes(VectorOperators.ADD);
            }
            for (; j < cols; j++) {
                float e = LaneMath.expNonPositive(x[base + j] - max);
                out[base + j] = e;
                sum += e;
            }
            FloatVector inv = FloatVector.broadcast(SPECIES, (float) (1.0 / sum));
            for (j = 0; j < vectorCols; j += L) {
                FloatVector.fromArray(SPECIES, out, base + j).mul(inv).intoArray(out, base + j);
            }
            float scale = (float) (1.0 / sum);
            for (; j < cols; j++) {
                out[base + j] *= scale;
            }
        }
    }

    @Override
    public void softmaxGradientRows(float[] y, float[] g, float[] out, int rows, int cols) {
        int vectorCols = SPECIES.loopBound(cols);
        for (int row = 0, base = 0; row < rows; row++, base += cols) {
            double dot = 0;
            int j = 0;
            for (; j < vectorCols; j += L) {
                dot += FloatVector.fromArray(SPECIES, g, base + j).mul(FloatVector.fromArray(SPECIES, y, base + j))
                        .reduceLanes(VectorOperators.ADD);
            }
            for (; j < cols; j++) {
                dot += (double) g[base + j] * y[base + j];
            }
            float d = (float) dot;
            FloatVector dv = FloatVector.broadcast(SPECIES, d);
            for (j = 0; j < vectorCols; j += L) {
                FloatVector gv = FloatVector.fromArray(SPECIES, g, base + j);
                FloatVector.fromArray(SPECIES, y, base + j).mul(gv.sub(dv)).intoArray(out, base + j);
            }
            for (; j < cols; j++) {
                out[base + j] = y[base + j] * (g[base + j] - d);
            }
        }
    }

    @Override
    public void sigmoidDerivative(float[] s, float[] out, int size) {
        FloatVector one = FloatVector.broadcast(SPECIES, 1f);
        int i = 0;
        for (int end = SPECIES.loopBound(size); i < end; i += L) {
            FloatVector v = FloatVector.fromArray(SPECIES, s, i);
            v.mul(one.sub(v)).intoArray(out, i);
        }
        for (; i < size; i++) {
            out[i] = s[i] * (1f - s[i]);
        }
    }

    // ---------------------------------------------------------------- elementwise and reductions

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
        FloatVector av = FloatVector.broadcast(SPECIES, alpha);
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
            FloatVector.fromArray(SPECIES, x, i).mul(scale).blend(0, keep.not().cast(SPECIES)).intoArray(out, i);
        }
        for (; i < size; i++) {
            out[i] = DropoutMask.keeps(key, i, threshold) ? x[i] * scale : 0f;
        }
    }
}
