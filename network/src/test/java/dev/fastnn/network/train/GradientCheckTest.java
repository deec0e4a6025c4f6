package dev.fastnn.network.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastnn.kernels.Activation;
import dev.fastnn.kernels.Backend;
import dev.fastnn.kernels.DropoutMask;
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
import org.junit.jupiter.params.provider.CsvSource;
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
        Problem p = problem(hidden, loss, output);
        check(p, Regularization.NONE, 0, 0f, null, null);
    }

    /**
     * With plain steps at learning rate 1 both penalties move a weight by {@code lambda W} on top of its
     * data gradient, which is the gradient of {@code loss + lambda/2 sum W^2} (weights only: the biases'
     * gradient must stay the data's).
     */
    @ParameterizedTest(name = "l2 {0}, weight decay {1}")
    @CsvSource({"0.3, 0", "0, 0.2", "0.1, 0.05"})
    void penaltiesMatchFiniteDifferencesOfThePenalizedLoss(float l2, float weightDecay) {
        for (Object[] head : new Object[][] {{Loss.SOFTMAX_CROSS_ENTROPY, Activation.SOFTMAX}, {Loss.MEAN_SQUARED_ERROR, Activation.IDENTITY}}) {
            Problem p = problem(Activation.TANH, (Loss) head[0], (Activation) head[1]);
            check(p, new Regularization(l2, weightDecay), l2 + weightDecay, 0f, null, null);
        }
    }

    /** Row {@code r}'s loss counts {@code w_r} times, in the loss and so in every gradient. */
    @ParameterizedTest(name = "loss {0} on {1}")
    @MethodSource("heads")
    void classWeightsMatchFiniteDifferencesOfTheWeightedLoss(Loss loss, Activation output) {
        Problem p = problem(Activation.TANH, loss, output);
        float[] rowWeights = {0.5f, 2f, 1f, 0.25f, 3f};
        check(p, Regularization.NONE, 0, 0f, null, rowWeights);
    }

    /**
     * Backprop through the dropout mask the backend draws, against finite differences of the float64 network
     * with that same mask fixed (computed here from {@link DropoutMask}): a dropped unit passes no gradient and
     * a kept one passes it scaled by {@code 1 / (1 - rate)}.
     */
    @ParameterizedTest(name = "hidden {0}, rate {1}")
    @CsvSource({"TANH, 0.3", "SIGMOID, 0.5", "RELU, 0.2"})
    void dropoutWithAFixedMaskMatchesFiniteDifferences(Activation hidden, float rate) {
        for (Object[] head : heads().map(Arguments::get).toList()) {
            Problem p = problem(hidden, (Loss) head[0], (Activation) head[1]);
            check(p, Regularization.NONE, 0, rate, new int[] {DropoutMask.key(11, 3), DropoutMask.key(12, 3), 0}, null);
        }
    }

    static Stream<Arguments> heads() {
        return Stream.of(Arguments.of(Loss.SOFTMAX_CROSS_ENTROPY, Activation.SOFTMAX),
                Arguments.of(Loss.MEAN_SQUARED_ERROR, Activation.IDENTITY),
                Arguments.of(Loss.SUM_SQUARED_ERROR, Activation.SIGMOID));
    }

    /** A 4-6-5-3 network with random weights and biases, a batch of {@link #ROWS} inputs and targets. */
    private record Problem(ModelParameters before, float[] x, float[] y, Loss loss) {
    }

    private static Problem problem(Activation hidden, Loss loss, Activation output) {
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
        return new Problem(before, x, y, loss);
    }

    /**
     * One plain step at learning rate 1 with {@code regularization}, dropout at {@code rate} with mask keys
     * {@code keys} per hidden layer (when {@code rate > 0}) and per-row loss weights (when not null), against
     * finite differences of the loss under the same mask and weights plus {@code penalty/2} times the sum of
     * squared weights.
     */
    private static void check(Problem p, Regularization regularization, double penalty, float rate, int[] keys,
                              float[] rowWeights) {
        ModelParameters after = oneStep(new NaiveBackend(), p, regularization, rate, keys, rowWeights);
        double[][] masks = rate > 0 ? masks(p.before, rate, keys) : null;
        double[] weights = null;
        if (rowWeights != null) {
            weights = new double[rowWeights.length];
            for (int r = 0; r < weights.length; r++) {
                weights[r] = rowWeights[r];
            }
        }
        for (int l = 0; l < p.before.layers().size(); l++) {
            float[][] params = {p.before.layers().get(l).weights(), p.before.layers().get(l).biases()};
            float[][] updated = {after.layers().get(l).weights(), after.layers().get(l).biases()};
            for (int q = 0; q < 2; q++) {
                for (int i = 0; i < params[q].length; i++) {
                    double g = (double) params[q][i] - updated[q][i];
                    double fd = finiteDifference(p, l, q == 1, i, penalty, masks, weights);
                    String where = (q == 0 ? "weight " : "bias ") + i + " of layer " + l + ": backprop " + g
                            + ", finite difference " + fd;
                    assertTrue(Math.abs(g - fd) <= 2e-4 + 2e-3 * Math.abs(fd), where);
                }
            }
        }
    }

    /** Each hidden layer's mask as {@link DropoutMask} draws it: 0 or the float scale {@code 1 / (1 - rate)}. */
    private static double[][] masks(ModelParameters m, float rate, int[] keys) {
        double[][] masks = new double[m.layers().size()][];
        int threshold = DropoutMask.threshold(rate);
        float scale = 1f / (1f - rate);
        for (int l = 0; l + 1 < masks.length; l++) {
            masks[l] = new double[ROWS * m.layers().get(l).outputs()];
            for (int i = 0; i < masks[l].length; i++) {
                masks[l][i] = DropoutMask.keeps(keys[l], i, threshold) ? scale : 0;
            }
        }
        return masks;
    }

    private static ModelParameters oneStep(Backend backend, Problem p, Regularization regularization, float rate,
                                           int[] keys, float[] rowWeights) {
        try (Network network = Network.fromParameters(backend, p.before);
             TrainingStep step = new TrainingStep(network, ROWS, rate, rowWeights != null)) {
            Optimizer.LayerUpdater[] updaters = new Optimizer.LayerUpdater[network.layers().size()];
            for (int l = 0; l < updaters.length; l++) {
                updaters[l] = new Optimizer.Sgd(1f).updater(backend, network.layers().get(l), regularization);
            }
            backend.write(step.x(), p.x, 0);
            backend.write(step.y(), p.y, 0);
            if (rowWeights != null) {
                backend.write(step.rowWeights(), rowWeights, 0);
            }
            step.run(updaters, 1f, 1, keys);
            for (Optimizer.LayerUpdater u : updaters) {
                u.close();
            }
            return network.parameters(Map.of());
        }
    }

    private static double finiteDifference(Problem p, int layer, boolean bias, int index, double penalty,
                                           double[][] masks, double[] rowWeights) {
        ModelParameters m = p.before;
        double[][][] w = new double[m.layers().size()][][];
        for (int l = 0; l < w.length; l++) {
            w[l] = new double[][] {toDouble(m.layers().get(l).weights()), toDouble(m.layers().get(l).biases())};
        }
        double[] target = w[layer][bias ? 1 : 0];
        double saved = target[index];
        target[index] = saved + H;
        double plus = Float64Network.loss(m, w, p.x, p.y, ROWS, p.loss, masks, rowWeights)
                + penalty / 2 * Float64Network.sumSquaredWeights(w);
        target[index] = saved - H;
        double minus = Float64Network.loss(m, w, p.x, p.y, ROWS, p.loss, masks, rowWeights)
                + penalty / 2 * Float64Network.sumSquaredWeights(w);
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
