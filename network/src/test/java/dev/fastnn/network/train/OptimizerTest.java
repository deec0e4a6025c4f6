package dev.fastnn.network.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each optimizer's update rule, four steps on a linear layer with biases and mean squared error, against
 * the textbook formulas in double (gradient {@code X^T 2 (XW + b - Y) / n}), with and without an L2 penalty
 * (added to the weights' gradient) and decoupled weight decay (AdamW: weights shrunk by
 * {@code 1 - lr weightDecay} before the step, outside the moments), neither touching the biases. Tolerance
 * 2e-5 absolute on weights of order 1: float32 rounding over a handful of terms and steps.
 */
class OptimizerTest {
    private static final int ROWS = 5;
    private static final int IN = 3;
    private static final int OUT = 2;
    private static final int STEPS = 4;

    static Stream<Arguments> optimizers() {
        List<Arguments> cases = new ArrayList<>();
        for (Optimizer o : List.of(new Optimizer.Sgd(0.3f), new Optimizer.Momentum(0.2f, 0.8f),
                new Optimizer.Adam(0.05f, 0.9f, 0.99f, 1e-6f))) {
            for (Regularization r : List.of(Regularization.NONE, new Regularization(0.1f, 0f),
                    new Regularization(0f, 0.2f), new Regularization(0.05f, 0.1f))) {
                cases.add(Arguments.of(o, r));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("optimizers")
    void updatesMatchTheTextbookRulesInFloat64(Optimizer optimizer, Regularization regularization) {
        SplittableRandom r = new SplittableRandom(17);
        float[] w = new float[IN * OUT];
        float[] b = new float[OUT];
        float[] x = new float[ROWS * IN];
        float[] y = new float[ROWS * OUT];
        for (float[] a : List.of(w, b, x, y)) {
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) r.nextDouble(-1, 1);
            }
        }
        float rate = 0.9f;
        double[] expected = reference(optimizer, regularization, w, b, x, y, rate);

        Backend backend = new NaiveBackend();
        ModelParameters start = new ModelParameters(List.of(new LayerParameters(IN, OUT, Activation.IDENTITY, w, b)),
                Map.of(Network.LOSS_KEY, Loss.MEAN_SQUARED_ERROR.id()));
        try (Network network = Network.fromParameters(backend, start);
             TrainingStep step = new TrainingStep(network, ROWS);
             Optimizer.LayerUpdater updater = optimizer.updater(backend, network.layers().get(0), regularization)) {
            backend.write(step.x(), x, 0);
            backend.write(step.y(), y, 0);
            for (int s = 0; s < STEPS; s++) {
                step.run(new Optimizer.LayerUpdater[] {updater}, rate, s + 1, null);
            }
            LayerParameters end = network.parameters(Map.of()).layers().get(0);
            for (int i = 0; i < IN * OUT; i++) {
                assertEquals(expected[i], end.weights()[i], 2e-5, optimizer + " weight " + i);
            }
            for (int j = 0; j < OUT; j++) {
                assertEquals(expected[IN * OUT + j], end.biases()[j], 2e-5, optimizer + " bias " + j);
            }
        }
    }

    /** Weights then biases after {@link #STEPS} steps, in double. */
    private static double[] reference(Optimizer optimizer, Regularization reg, float[] w0, float[] b0, float[] x, float[] y,
                                      float rate) {
        int p = IN * OUT + OUT;
        double[] theta = new double[p];
        for (int i = 0; i < IN * OUT; i++) {
            theta[i] = w0[i];
        }
        for (int j = 0; j < OUT; j++) {
            theta[IN * OUT + j] = b0[j];
        }
        double[] first = new double[p];
        double[] second = new double[p];
        for (int t = 1; t <= STEPS; t++) {
            double[] g = new double[p];
            for (int row = 0; row < ROWS; row++) {
                for (int j = 0; j < OUT; j++) {
                    double z = theta[IN * OUT + j];
                    for (int k = 0; k < IN; k++) {
                        z += x[row * IN + k] * theta[k * OUT + j];
                    }
                    double d = 2 * (z - y[row * OUT + j]) / (ROWS * OUT);
                    for (int k = 0; k < IN; k++) {
                        g[k * OUT + j] += x[row * IN + k] * d;
                    }
                    g[IN * OUT + j] += d;
                }
            }
            for (int i = 0; i < p; i++) {
                boolean weight = i < IN * OUT;
                double lr = optimizer.learningRate() * rate;
                if (weight) {
                    g[i] += reg.l2() * theta[i];
                    theta[i] *= 1 - lr * reg.weightDecay();
                }
                if (optimizer instanceof Optimizer.Sgd s) {
                    theta[i] -= s.learningRate() * rate * g[i];
                } else if (optimizer instanceof Optimizer.Momentum m) {
                    first[i] = m.momentum() * first[i] + g[i];
                    theta[i] -= m.learningRate() * rate * first[i];
                } else if (optimizer instanceof Optimizer.Adam a) {
                    first[i] = a.beta1() * first[i] + (1 - a.beta1()) * g[i];
                    second[i] = a.beta2() * second[i] + (1 - a.beta2()) * g[i] * g[i];
                    double mHat = first[i] / (1 - Math.pow(a.beta1(), t));
                    double vHat = second[i] / (1 - Math.pow(a.beta2(), t));
                    theta[i] -= a.learningRate() * rate * mHat / (Math.sqrt(vHat) + a.epsilon());
                }
            }
        }
        return theta;
    }

    @Test
    void doubleLiteralsGiveTheFloatOptimizers() {
        assertEquals(new Optimizer.Sgd(0.5f), new Optimizer.Sgd(0.5));
        assertEquals(new Optimizer.Momentum(0.1f, 0.9f), new Optimizer.Momentum(0.1, 0.9));
        assertEquals(new Optimizer.Adam(0.001f), new Optimizer.Adam(0.001));
        assertEquals(new Optimizer.Adam(0.01f, 0.8f, 0.99f, 1e-7f), new Optimizer.Adam(0.01, 0.8, 0.99, 1e-7));
        assertThrows(IllegalArgumentException.class, () -> new Optimizer.Sgd(1e-60), "0 as a float");
    }

    @Test
    void aNameAloneGivesThatOptimizersOwnDefaultRate() {
        assertEquals(new Optimizer.Sgd(0.5), Optimizer.parse("sgd"));
        assertEquals(new Optimizer.Momentum(0.05, 0.9), Optimizer.parse("Momentum"));
        assertEquals(new Optimizer.Adam(0.001), Optimizer.parse(" adam "));
        String unknown = assertThrows(IllegalArgumentException.class, () -> Optimizer.parse("lbfgs")).getMessage();
        assertEquals("unknown optimizer 'lbfgs'; valid: sgd, momentum, adam", unknown);
    }
}
