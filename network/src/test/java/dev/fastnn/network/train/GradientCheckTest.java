package dev.fastnn.network.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastnn.kernels.Activation;
import dev.fastnn.kernels.Backend;
import dev.fastnn.kernels.naive.NaiveBackend;
import dev.fastnn.network.model.LayerParameters;
import dev.fastnn.network.model.Loss;
import dev.fastnn.network.model.ModelParameters;
import dev.fastnn.network.model.Network;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Backprop against central finite differences of a float64 re-implementation of the forward pass and
 * loss. The network's gradient is read from one plain step with learning rate 1 on the naive backend,
 * {@code g = W_before - W_after} (one float32 rounding of the update, so the read-back error is at most an
 * ulp of the weight, about 6e-8 here). Finite differences use {@code h = 1e-6} in double, error about
 * {@code h^2} plus 1e-10 of cancellation. Tolerance: {@code |g - fd| <= 2e-4 + 2e-3 |fd|}, which float32
 * forward and backward passes over a few dozen terms meet with a wide margin, while a wrong sign, a missing
 * factor 2, a wrong batch scale or a transposed product miss it by orders of magnitude.
 */
class GradientCheckTest {
    private static final int ROWS = 5;
    private static final double H = 1e-6;

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        Object[][] heads = {
                {Loss.SUM_SQUARED_ERROR, Activation.SIGMOID},
                {Loss.MEAN_SQUARED_ERROR, Activation.IDENTITY},
                {Loss.MEAN_SQUARED_ERROR, Activation.TANH},
                {Loss.MEAN_SQUARED_ERROR, Activation.RELU},
                {Loss.SOFTMAX_CROSS_ENTROPY, Activation.SOFTMAX},
        };
        for (Activation hidden : Activation.values()) {
            for (Object[] head : heads) {
                cases.add(Arguments.of(hidden, head[0], head[1]));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "hidden {0}, loss {1} on {2}")
    @MethodSource("cases")
    void gradientsMatchFiniteDifferencesInFloat64(Activation hidden, Loss loss, Activation output) {
        int[] sizes = {4, 6, 5, 3};
        SplittableRandom random = new SplittableRandom(hidden.ordinal() * 31L + loss.ordinal() * 7L + output.ordinal());
        List<LayerParameters> layers = new ArrayList<>();
        for (int l = 0; l + 1 < sizes.length; l++) {
            float[] w = new float[sizes[l] * sizes[l + 1]];
            float[] b = new float[sizes[l + 1]];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) random.nextDouble(-0.8, 0.8);
            }
            for (int i = 0; i < b.length; i++) {
                b[i] = (float) random.nextDouble(-0.5, 0.5);
            }
            layers.add(new LayerParameters(sizes[l], sizes[l + 1], l + 2 == sizes.length ? output : hidden, w, b));
        }
        ModelParameters before = new ModelParameters(layers, Map.of(Network.LOSS_KEY, loss.id()));
        float[] x = new float[ROWS * sizes[0]];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextDouble(-1, 1);
        }
        int k = sizes[sizes.length - 1];
        float[] y = new float[ROWS * k];
        for (int r = 0; r < ROWS; r++) {
            if (loss == Loss.SOFTMAX_CROSS_ENTROPY) {
                y[r * k + random.nextInt(k)] = 1f;
            } else {
                for (int j = 0; j < k; j++) {
                    y[r * k + j] = (float) random.nextDouble(output == Activation.IDENTITY ? -1 : 0.05, 0.95);
                }
            }
        }

        ModelParameters after = oneStep(new NaiveBackend(), before, x, y);

        for (int l = 0; l < layers.size(); l++) {
            float[][] params = {before.layers().get(l).weights(), before.layers().get(l).biases()};
            float[][] updated = {after.layers().get(l).weights(), after.layers().get(l).biases()};
            for (int p = 0; p < 2; p++) {
                for (int i = 0; i < params[p].length; i++) {
                    double g = (double) params[p][i] - updated[p][i];
                    double fd = finiteDifference(before, l, p == 1, i, x, y, loss);
                    String where = (p == 0 ? "weight " : "bias ") + i + " of layer " + l + ": backprop " + g + ", finite difference " + fd;
                    assertTrue(Math.abs(g - fd) <= 2e-4 + 2e-3 * Math.abs(fd), where);
                }
            }
        }
    }

    private static ModelParameters oneStep(Backend backend, ModelParameters parameters, float[] x, float[] y) {
        try (Network network = Network.fromParameters(backend, parameters);
             TrainingStep step = new TrainingStep(network, ROWS)) {
            Optimizer.LayerUpdater[] updaters = new Optimizer.LayerUpdater[network.layers().size()];
            for (int l = 0; l < updaters.length; l++) {
                updaters[l] = new Optimizer.Sgd(1f).updater(backend, network.layers().get(l));
            }
            backend.write(step.x(), x, 0);
            backend.write(step.y(), y, 0);
            step.run(updaters, 1f, 1);
            for (Optimizer.LayerUpdater u : updaters) {
                u.close();
            }
            return network.parameters(Map.of());
        }
    }

    private static double finiteDifference(ModelParameters m, int layer, boolean bias, int index, float[] x, float[] y, Loss loss) {
        double[][][] w = new double[m.layers().size()][][];
        for (int l = 0; l < w.length; l++) {
            w[l] = new double[][] {toDouble(m.layers().get(l).weights()), toDouble(m.layers().get(l).biases())};
        }
        double[] target = w[layer][bias ? 1 : 0];
        double saved = target[index];
        target[index] = saved + H;
        double plus = Float64Network.loss(m, w, x, y, ROWS, loss);
        target[index] = saved - H;
        double minus = Float64Network.loss(m, w, x, y, ROWS, loss);
        return (plus - minus) / (2 * H);
    }

    private static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }
}
