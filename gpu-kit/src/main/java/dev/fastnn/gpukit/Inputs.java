package dev.fastnn.gpukit;

import java.util.SplittableRandom;

/** Test data from a seed: nothing is read from disk, and the same seed gives the same values on every machine. */
final class Inputs {
    /** Values every elementwise kernel must get right: signed zeros, infinities, NaN, overflow and underflow edges. */
    static final float[] SPECIAL = {0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN,
        1e4f, -1e4f, 88f, -88f, 89f, -89f, 103.9f, -103.9f, 17f, -17f, 9.01f, -9.01f, 1e-30f, -1e-30f,
        Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE, 0.5f, -0.5f, 1f, -1f};

    private Inputs() {
    }

    /** Uniform in [-1, 1). */
    static float[] uniform(int size, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = (float) (random.nextDouble(-1, 1));
        }
        return v;
    }

    /** Both signs over five decades, every 13th value an exact zero. */
    static float[] mixed(int size, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = i % 13 == 6 ? 0f : (float) (random.nextDouble(-1, 1) * Math.pow(10, random.nextInt(-3, 2)));
        }
        return v;
    }

    /** {@link #mixed} with the special values at the front, as far as they fit. */
    static float[] withSpecials(int size, long seed) {
        float[] v = mixed(size, seed);
        System.arraycopy(SPECIAL, 0, v, 0, Math.min(size, SPECIAL.length));
        return v;
    }

    /** In [0, 1], with exact 0s and 1s among them: the outputs of a sigmoid. */
    static float[] unitInterval(int size, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = i % 9 == 4 ? (i % 2) : (float) random.nextDouble();
        }
        return v;
    }

    /** In [-1, 1]: the outputs of a tanh. */
    static float[] signedUnitInterval(int size, long seed) {
        float[] v = unitInterval(size, seed);
        for (int i = 1; i < size; i += 2) {
            v[i] = -v[i];
        }
        return v;
    }

    /** Non-negative, with zeros: the outputs of a ReLU. */
    static float[] nonNegative(int size, long seed) {
        float[] v = mixed(size, seed);
        for (int i = 0; i < size; i++) {
            v[i] = Math.max(0f, v[i]);
        }
        return v;
    }

    /** Rows that each sum to one: the outputs of a softmax. */
    static float[] probabilityRows(int rows, int cols, long seed) {
        float[] v = unitInterval(rows * cols, seed);
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                sum += v[r * cols + j];
            }
            for (int j = 0; j < cols; j++) {
                v[r * cols + j] = sum == 0 ? 1f / cols : (float) (v[r * cols + j] / sum);
            }
        }
        return v;
    }

    static float[] transpose(float[] x, int rows, int cols) {
        float[] t = new float[x.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = x[i * cols + j];
            }
        }
        return t;
    }

    static float[] abs(float[] x) {
        float[] a = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            a[i] = Math.abs(x[i]);
        }
        return a;
    }
}
