package dev.fastnn.onnx;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastnn.kernels.Activation;
import dev.fastnn.network.model.Initializer;
import dev.fastnn.network.model.LayerParameters;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Random networks and inputs for the ONNX tests, and the one comparison every runtime check uses. */
final class TestModels {
    /** The relative tolerance between ONNX Runtime's outputs and fastnn's ({@link #assertMatches}). */
    static final double TOLERANCE = 1e-5;

    private TestModels() {
    }

    /**
     * Dense layers of the given sizes, Xavier weights and (when {@code biases}) uniform biases in
     * [-0.5, 0.5), {@code hidden} on every layer but the last, {@code output} on the last.
     */
    static List<LayerParameters> layers(long seed, int[] sizes, Activation hidden, Activation output, boolean biases) {
        SplittableRandom random = new SplittableRandom(seed);
        List<LayerParameters> layers = new ArrayList<>();
        for (int l = 0; l + 1 < sizes.length; l++) {
            float[] w = Initializer.XAVIER.weights(sizes[l], sizes[l + 1], random);
            float[] b = null;
            if (biases) {
                b = new float[sizes[l + 1]];
                for (int j = 0; j < b.length; j++) {
                    b[j] = (float) (random.nextDouble() - 0.5);
                }
            }
            boolean last = l + 2 == sizes.length;
            layers.add(new LayerParameters(sizes[l], sizes[l + 1], last ? output : hidden, w, b));
        }
        return layers;
    }

    /** {@code rows x cols} values uniform in [lo, hi). */
    static float[] inputs(long seed, int rows, int cols, double lo, double hi) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[rows * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (lo + (hi - lo) * random.nextDouble());
        }
        return x;
    }

    /**
     * Asserts that ONNX Runtime's outputs equal fastnn's, elementwise:
     * {@code |actual - expected| <= 1e-5 * (|expected| + s)}, where {@code s} is the largest {@code |expected|}
     * of the whole batch. That is 1e-5 relative, with an absolute floor of 1e-5 of the outputs' scale: a value
     * that two summation orders round differently is off by a few float ulps of the terms summed, not of a
     * result that cancelled to near zero (a probability's scale is at most 1, so its floor is at most 1e-5).
     */
    static void assertMatches(float[] expected, float[] actual, String what) {
        assertTrue(expected.length == actual.length, what + ": " + actual.length + " values, expected " + expected.length);
        double scale = scale(expected);
        for (int i = 0; i < expected.length; i++) {
            double allowed = TOLERANCE * (Math.abs(expected[i]) + scale);
            double error = Math.abs((double) actual[i] - expected[i]);
            int index = i;
            assertTrue(error <= allowed, () -> what + ": value " + index + " is " + actual[index] + ", fastnn "
                    + expected[index] + " (error " + error + ", allowed " + allowed + ")");
        }
    }

    /** The largest magnitude in {@code values}, the scale of {@link #assertMatches}'s floor. */
    static double scale(float[] values) {
        double scale = 0;
        for (float v : values) {
            scale = Math.max(scale, Math.abs(v));
        }
        return scale;
    }

    /**
     * Whether row {@code i}'s two largest of {@code k} outputs are so close that values within the tolerance
     * could order them either way (then the two runtimes may pick different labels, both correctly).
     */
    static boolean nearTie(float[] out, int i, int k, double scale) {
        float first = Float.NEGATIVE_INFINITY;
        float second = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) {
            float v = out[i * k + j];
            if (v > first) {
                second = first;
                first = v;
            } else if (v > second) {
                second = v;
            }
        }
        return first - second <= 2 * TOLERANCE * (Math.abs(first) + scale);
    }
}
