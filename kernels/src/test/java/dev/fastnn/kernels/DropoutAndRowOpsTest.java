package dev.fastnn.kernels;

import static dev.fastnn.kernels.ActivationTest.mixed;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Dropout, row scaling and dot products on every backend. The dropout mask is compared bit for bit with
 * {@link DropoutMask}'s Java reference (every backend must draw the same mask, so that a model trains the
 * same wherever it runs, and no mask needs to cross the bus); the kept values are one float multiply, so
 * they must be exact too. Row scaling is one multiply per element (exact against float64 rounded once);
 * the dot product is a reduction, within 1e-6 of the sum of the magnitudes of its terms.
 */
class DropoutAndRowOpsTest {
    private static final int[][] SHAPES = {{1, 1}, {1, 3}, {3, 17}, {7, 143}, {1000, 1}, {33, 31}, {128, 512}};
    private static final int[] KEYS = {0, 1, -1, 12345, Integer.MIN_VALUE + 5, Integer.MAX_VALUE - 3};
    private static final float[] RATES = {0f, 0.1f, 0.5f, 0.9f};

    private static float[] reference(float[] x, int key, float rate) {
        int threshold = DropoutMask.threshold(rate);
        float scale = 1f / (1f - rate);
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = DropoutMask.keeps(key, i, threshold) ? x[i] * scale : 0f;
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("dev.fastnn.kernels.TestBackends#names")
    void dropoutMatchesTheJavaMaskBitForBit(String name) {
        Backend backend = TestBackends.get(name);
        for (int[] s : SHAPES) {
            int size = s[0] * s[1];
            float[] x = mixed(size, size);
            try (Matrix xm = backend.upload(x, s[0], s[1]); Matrix out = backend.allocate(s[0], s[1])) {
                for (int key : KEYS) {
                    for (float rate : RATES) {
                        backend.dropout(xm, out, rate, key);
                        assertArrayEquals(reference(x, key, rate), backend.download(out),
                                name + " " + s[0] + "x" + s[1] + " key " + key + " rate " + rate);
                    }
                }
                backend.dropout(xm, xm, 0.5f, 7);
                assertArrayEquals(reference(x, 7, 0.5f), backend.download(xm), name + " in place");
            }
        }
    }

    /** The backward pass relies on this: the same key and rate zero the same elements of another matrix. */
    @ParameterizedTest
    @MethodSource("dev.fastnn.kernels.TestBackends#names")
    void theSameKeyDropsTheSameElementsOfAGradient(String name) {
        Backend backend = TestBackends.get(name);
        float[] ones = new float[37 * 29];
        java.util.Arrays.fill(ones, 1f);
        float[] g = mixed(ones.length, 3);
        for (int i = 0; i < g.length; i++) {
            g[i] = g[i] == 0f ? 1f : g[i];
        }
        try (Matrix a = backend.upload(ones, 37, 29); Matrix b = backend.upload(g, 37, 29)) {
            backend.dropout(a, a, 0.4f, 99);
            backend.dropout(b, b, 0.4f, 99);
            float[] ma = backend.download(a);
            float[] mb = backend.download(b);
            for (int i = 0; i < ma.length; i++) {
                assertEquals(ma[i] == 0f, mb[i] == 0f, name + " element " + i);
            }
        }
    }

    /** Statistics of the Java mask (the backends equal it): the drop rate, and independence across keys. */
    @Test
    void theMaskDropsTheRateAndNeighbouringKeysAreUnrelated() {
        int n = 1 << 20;
        for (float rate : new float[] {0.1f, 0.3f, 0.5f}) {
            int threshold = DropoutMask.threshold(rate);
            int dropped = 0;
            int agree = 0;
            for (int i = 0; i < n; i++) {
                boolean a = DropoutMask.keeps(DropoutMask.key(5, 1000), i, threshold);
                boolean b = DropoutMask.keeps(DropoutMask.key(5, 1001), i, threshold);
                dropped += a ? 0 : 1;
                agree += a == b ? 1 : 0;
            }
            double sigma = Math.sqrt(rate * (1 - rate) / n);
            assertEquals(rate, dropped / (double) n, 6 * sigma, "drop rate " + rate);
            double independent = rate * rate + (1 - rate) * (1 - rate);
            assertEquals(independent, agree / (double) n, 6 * Math.sqrt(independent * (1 - independent) / n),
                    "masks of consecutive steps agree as independent draws would, rate " + rate);
        }
        assertTrue(DropoutMask.key(5, 1L << 32) != DropoutMask.key(5, 0), "steps beyond 2^32 get their own masks");
        assertTrue(DropoutMask.key(5, 1) != DropoutMask.key(6, 1));
    }

    @ParameterizedTest
    @MethodSource("dev.fastnn.kernels.TestBackends#names")
    void scaleRowsIsOneMultiplyPerElementAndDotIsWithinItsBound(String name) {
        Backend backend = TestBackends.get(name);
        for (int[] s : SHAPES) {
            int size = s[0] * s[1];
            float[] m = mixed(size, size + 5);
            float[] f = mixed(s[0], s[0] + 9);
            float[] expected = new float[size];
            for (int i = 0; i < s[0]; i++) {
                for (int j = 0; j < s[1]; j++) {
                    expected[i * s[1] + j] = (float) ((double) m[i * s[1] + j] * f[i]);
                }
            }
            float[] b = mixed(size, size + 7);
            double dot = 0;
            double magnitude = 0;
            for (int i = 0; i < size; i++) {
                dot += (double) m[i] * b[i];
                magnitude += Math.abs((double) m[i] * b[i]);
            }
            try (Matrix mm = backend.upload(m, s[0], s[1]); Matrix fm = backend.upload(f, s[0], 1);
                 Matrix bm = backend.upload(b, s[0], s[1]); Matrix out = backend.allocate(s[0], s[1])) {
                assertEquals(dot, backend.dot(mm, bm), 1e-6 * magnitude + Double.MIN_VALUE, name + " dot " + s[0] + "x" + s[1]);
                backend.scaleRows(mm, fm, out);
                assertArrayEquals(expected, backend.download(out), name + " scaleRows " + s[0] + "x" + s[1]);
                backend.scaleRows(mm, fm, mm);
                assertArrayEquals(expected, backend.download(mm), name + " scaleRows in place");
            }
        }
    }

    @Test
    void badArgumentsAreRejectedNamingShapesAndValues() {
        Backend backend = TestBackends.naive();
        try (Matrix a = backend.allocate(3, 4); Matrix b = backend.allocate(4, 3); Matrix f = backend.allocate(1, 3)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> backend.dropout(a, a, 1f, 0));
            assertTrue(e.getMessage().contains("[0, 1)") && e.getMessage().contains("1.0"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> backend.dropout(a, a, Float.NaN, 0));
            assertThrows(IllegalArgumentException.class, () -> backend.dropout(a, a, -0.1f, 0));
            e = assertThrows(IllegalArgumentException.class, () -> backend.dropout(a, b, 0.5f, 0));
            assertTrue(e.getMessage().contains("3x4") && e.getMessage().contains("4x3"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> backend.scaleRows(a, f, a));
            assertTrue(e.getMessage().contains("3x1") && e.getMessage().contains("1x3"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> backend.dot(a, b));
        }
    }
}
