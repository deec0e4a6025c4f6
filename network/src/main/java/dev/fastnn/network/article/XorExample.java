package dev.fastnn.network.article;

import dev.fastnn.kernels.Activation;
import dev.fastnn.kernels.Backend;
import dev.fastnn.network.model.Initializer;
import dev.fastnn.network.model.Loss;
import dev.fastnn.network.train.EpochMetrics;
import dev.fastnn.network.train.Model;
import dev.fastnn.network.train.Optimizer;
import dev.fastnn.network.train.Samples;
import dev.fastnn.network.train.Trainer;

/**
 * The article's example, exactly: 3 inputs, 4 sigmoid hidden units, 1 sigmoid output, no biases, weights
 * uniform in [0, 1) from a seed, sum of squared errors, learning rate 1, the full 4-row batch in order,
 * 1500 iterations. It runs on the general {@link Trainer}: one iteration is one epoch of one batch, and the
 * plain step {@code W -= 1 * 2 X^T ((out - y) out (1 - out))} is the article's {@code W += X^T (2 (y - out)
 * out (1 - out))} bit for bit (negating and doubling are exact).
 */
public final class XorExample {
    /** The article's inputs, 4 rows of 3 (the third column is a constant 1). */
    public static final float[] INPUTS = {0, 0, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1};
    /** The article's targets, one per row: the XOR of the first two columns. */
    public static final float[] TARGETS = {0, 1, 1, 0};
    public static final int ITERATIONS = 1500;
    public static final int ROWS = 4;

    private XorExample() {
    }

    /** What a run produced; {@code lossHistory[i]} is the loss of iteration {@code i + 1} before its update. */
    public record Result(String backend, int iterations, long seed, float[] predictions, double loss,
                         double[] lossHistory) {
    }

    /** The article's trainer: 3-4-1 sigmoid, no biases, uniform [0, 1), SSE, plain step 1, full batch. */
    public static Trainer trainer(Backend backend, int iterations, long seed) {
        return Trainer.builder()
                .layers(3, 4, 1)
                .hiddenActivation(Activation.SIGMOID)
                .outputActivation(Activation.SIGMOID)
                .biases(false)
                .loss(Loss.SUM_SQUARED_ERROR)
                .initializer(Initializer.UNIFORM)
                .optimizer(new Optimizer.Sgd(1f))
                .batchSize(ROWS)
                .shuffle(false)
                .epochs(iterations)
                .seed(seed)
                .backend(backend)
                .build();
    }

    public static Samples data() {
        return Samples.regression(INPUTS, ROWS, 3, TARGETS, 1);
    }

    /** Trains the article's network and returns its final predictions and the loss of every iteration. */
    public static Result run(Backend backend, int iterations, long seed) {
        try (Model model = trainer(backend, iterations, seed).fit(data())) {
            double[] history = model.history().stream().mapToDouble(EpochMetrics::loss).toArray();
            float[] predictions = model.predict(INPUTS, ROWS);
            double loss = 0;
            for (int i = 0; i < ROWS; i++) {
                double d = (double) TARGETS[i] - predictions[i];
                loss += d * d;
            }
            return new Result(backend.description(), iterations, seed, predictions, loss, history);
        }
    }
}
