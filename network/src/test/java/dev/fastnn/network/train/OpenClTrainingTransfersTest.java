package dev.fastnn.network.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastnn.kernels.Activation;
import dev.fastnn.kernels.Backend;
import dev.fastnn.kernels.TransferCounter;
import dev.fastnn.kernels.opencl.OpenClBackend;
import dev.fastnn.network.model.LayerParameters;
import dev.fastnn.network.model.Loss;
import dev.fastnn.network.testing.NetworkBackends;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Training on the OpenCL backend leaves the weights and the training set on the device: a fit uploads the
 * initial weights and the training set once, and one more epoch costs exactly its shuffled order in (one float
 * per sample, through the backend's staging arrays; every batch is gathered on the device) and a loss per batch
 * out, for the article's 3-4-1 network and a 784-256-10 MLP on batches of 128. The classifier, trained without
 * validation or test data, counts its training accuracy on the device and reads that count back once an epoch:
 * one float, no outputs. Skips without OpenCL; fails instead under {@code -Dfastnn.requireOpenCL=true}.
 */
class OpenClTrainingTransfersTest {
    /** Bytes a reduction brings back on aparapi: 2 x 256 float partial sums. */
    private static final long LOSS_BYTES = 2048;

    /** Uniform inputs; classes one-hot, or for a single output a 0/1 target as in the article. */
    private static Samples random(int rows, int features, int outputs, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[rows * features];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextDouble();
        }
        if (outputs == 1) {
            float[] y = new float[rows];
            for (int r = 0; r < rows; r++) {
                y[r] = random.nextInt(2);
            }
            return Samples.regression(x, rows, features, y, 1);
        }
        int[] labels = new int[rows];
        for (int r = 0; r < rows; r++) {
            labels[r] = random.nextInt(outputs);
        }
        return Samples.classification(x, rows, features, labels, outputs);
    }

    private static long[] fit(Backend backend, Trainer.Builder settings, Samples data, int epochs) {
        TransferCounter counter = backend.transfers();
        long in = counter.bytesToBackend();
        long out = counter.bytesFromBackend();
        try (Model model = settings.epochs(epochs).build().fit(data)) {
            return new long[] {counter.bytesToBackend() - in, counter.bytesFromBackend() - out};
        }
    }

    @ParameterizedTest(name = "{0}-{1}-{2}, batch {3}")
    @CsvSource({"3, 4, 1, 4, 8", "784, 256, 10, 128, 512"})
    void anotherEpochMovesItsOrderInAndOneLossPerBatchOutButNoWeightsOrData(int in, int hidden, int out, int batch, int rows) {
        Backend backend = NetworkBackends.get("aparapi");
        boolean article = out == 1;
        Samples data = random(rows, in, out, 1);
        Trainer.Builder settings = Trainer.builder().layers(in, hidden, out).batchSize(batch).backend(backend).seed(3)
                .outputActivation(article ? Activation.SIGMOID : Activation.SOFTMAX)
                .loss(article ? Loss.SUM_SQUARED_ERROR : Loss.SOFTMAX_CROSS_ENTROPY);
        assertTrue(settings.build().keepsTrainingSetOnBackend(data), "aparapi keeps so small a training set");
        assertFalse(settings.backend(NetworkBackends.get("vector")).build().keepsTrainingSetOnBackend(data),
                "a CPU backend writes each batch");
        settings.backend(backend);
        try (Model warmUp = settings.epochs(1).build().fit(data)) {
            assertEquals(article, Double.isNaN(warmUp.history().get(0).trainingAccuracy()),
                    "the classifier counts its training accuracy, the article's regression has none");
        }
        long[] oneEpoch = fit(backend, settings, data, 1);
        long[] twoEpochs = fit(backend, settings, data, 2);

        int batches = rows / batch;
        long epochIn = twoEpochs[0] - oneEpoch[0];
        long epochOut = twoEpochs[1] - oneEpoch[1];
        long expectedIn = OpenClBackend.stagingBytes(rows);
        long weights = 4L * ((long) in * hidden + hidden + (long) hidden * out + out);
        long trainingSet = OpenClBackend.stagingBytes(rows * in) + OpenClBackend.stagingBytes(rows * out);
        assertEquals(expectedIn, epochIn, "an epoch must move exactly its order in, not its " + batches + " batches");
        long accuracy = article ? 0 : OpenClBackend.stagingBytes(1);
        assertEquals(batches * LOSS_BYTES + accuracy, epochOut,
                "an epoch must move one loss per batch out, and a classifier one count for its training accuracy");
        assertTrue(oneEpoch[0] >= expectedIn + weights + trainingSet,
                "a fit uploads the initial weights and the training set once: " + oneEpoch[0]);
    }

    /**
     * Runs on one backend at once share its resident budget: while another run holds all of it, a fit writes
     * each batch (its x and its targets) instead of keeping the set, trains to the same bits, and gives back
     * nothing it did not take; a fit gives its share back when it ends, also when it fails.
     */
    @Test
    void aFitThatFindsTheResidentBudgetTakenWritesEachBatchToTheSameResult() {
        Backend backend = NetworkBackends.get("aparapi");
        int rows = 64;
        int batch = 16;
        Samples data = random(rows, 12, 3, 5);
        Trainer.Builder settings = Trainer.builder().layers(12, 8, 3).batchSize(batch).backend(backend).seed(9)
                .outputActivation(Activation.SOFTMAX).loss(Loss.SOFTMAX_CROSS_ENTROPY);
        List<LayerParameters> kept;
        try (Model model = settings.epochs(2).build().fit(data)) {
            kept = model.parameters().layers();
        }
        assertEquals(0, ResidentBudget.held(backend), "a finished fit gives its budget back");
        // Class weights for two classes of three fail the run after it took its share of the budget.
        Trainer wrongWeights = Trainer.builder().layers(12, 8, 3).backend(backend).outputActivation(Activation.SOFTMAX)
                .loss(Loss.SOFTMAX_CROSS_ENTROPY).classWeights(ClassWeights.of(1f, 2f)).build();
        assertThrows(IllegalArgumentException.class, () -> wrongWeights.fit(data));
        assertEquals(0, ResidentBudget.held(backend), "a fit that fails gives its budget back");
        assertTrue(ResidentBudget.reserve(backend, TrainingRun.RESIDENT_FLOATS), "the budget is free");
        try {
            long[] oneEpoch = fit(backend, settings, data, 1);
            long[] twoEpochs = fit(backend, settings, data, 2);
            long batchBytes = OpenClBackend.stagingBytes(batch * 12) + OpenClBackend.stagingBytes(batch * 3);
            assertEquals(rows / batch * batchBytes, twoEpochs[0] - oneEpoch[0], "an epoch writes each of its batches");
            try (Model model = settings.epochs(2).build().fit(data)) {
                List<LayerParameters> written = model.parameters().layers();
                for (int l = 0; l < kept.size(); l++) {
                    assertArrayEquals(kept.get(l).weights(), written.get(l).weights(), "layer " + l + " weights");
                    assertArrayEquals(kept.get(l).biases(), written.get(l).biases(), "layer " + l + " biases");
                }
            }
            assertEquals(TrainingRun.RESIDENT_FLOATS, ResidentBudget.held(backend), "only the other run's hold is left");
        } finally {
            ResidentBudget.release(backend, TrainingRun.RESIDENT_FLOATS);
        }
    }
}
