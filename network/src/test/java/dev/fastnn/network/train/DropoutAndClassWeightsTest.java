package dev.fastnn.network.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastnn.kernels.Activation;
import dev.fastnn.kernels.Backend;
import dev.fastnn.kernels.Backends;
import dev.fastnn.kernels.naive.NaiveBackend;
import dev.fastnn.network.model.Loss;
import dev.fastnn.network.testing.NetworkBackends;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Dropout and class weights in whole training runs: reproducible per seed, never applied outside training,
 * the same on every backend up to float rounding (every backend draws the same mask), and class weights of 1
 * identical to no weights. Their gradients are checked in {@link GradientCheckTest}.
 */
class DropoutAndClassWeightsTest {

    private static Trainer.Builder builder(Backend backend) {
        return Trainer.builder().layers(6, 24, 16, 3).hiddenActivation(Activation.RELU)
                .optimizer(new Optimizer.Adam(0.01f)).batchSize(32).epochs(3).seed(13).backend(backend);
    }

    private static float[] predictions(Model model, Samples data) {
        try (model) {
            return model.predict(data.inputs(), data.rows());
        }
    }

    @ParameterizedTest
    @MethodSource("dev.fastnn.network.train.TrainerTest#deterministicBackends")
    void dropoutRunsAreReproducibleAndDifferFromRunsWithout(String name) {
        Backend backend = NetworkBackends.get(name);
        Samples data = TrainerTest.blobs(41);
        float[] a = predictions(builder(backend).dropout(0.3f).build().fit(data), data);
        float[] b = predictions(builder(backend).dropout(0.3f).build().fit(data), data);
        float[] none = predictions(builder(backend).build().fit(data), data);
        float[] other = predictions(builder(backend).dropout(0.3f).seed(14).build().fit(data), data);
        assertArrayEquals(a, b, "same seed, same dropout masks");
        assertFalse(Arrays.equals(a, none), "dropout changes training");
        assertFalse(Arrays.equals(a, other), "another seed draws other masks");
    }

    /** The model's own predictions equal those of a network rebuilt from its parameters: nothing is dropped. */
    @Test
    void evaluationAndPredictionNeverDrop() {
        Samples data = TrainerTest.blobs(42);
        Backend backend = new NaiveBackend();
        try (Model model = builder(backend).dropout(0.5f).build().fit(data);
             Model copy = Model.of(backend, model.parameters())) {
            float[] first = model.predict(data.inputs(), data.rows());
            assertArrayEquals(first, model.predict(data.inputs(), data.rows()));
            assertArrayEquals(first, copy.predict(data.inputs(), data.rows()));
            assertEquals(model.evaluate(data).loss(), copy.evaluate(data).loss());
        }
    }

    /**
     * Every backend draws the mask the naive one draws, so one epoch with dropout ends within float rounding of
     * the naive run (a different mask would move about half the hidden units' weights differently).
     */
    @ParameterizedTest
    @MethodSource("dev.fastnn.network.testing.NetworkBackends#names")
    void everyBackendTrainsTheNaiveDropoutRunUpToRounding(String name) {
        Backend backend = NetworkBackends.get(name);
        Samples data = TrainerTest.blobs(43);
        Trainer.Builder b = builder(backend).dropout(0.5f).epochs(1).optimizer(new Optimizer.Sgd(0.05f));
        float[] reference = predictions(b.backend(new NaiveBackend()).build().fit(data), data);
        float[] got = predictions(b.backend(backend).build().fit(data), data);
        for (int i = 0; i < got.length; i++) {
            assertEquals(reference[i], got[i], 2e-4, name + " output " + i);
        }
    }

    @Test
    void classWeightsOfOneAreTheUnweightedLossBitForBit() {
        Samples data = TrainerTest.blobs(44);
        float[] plain = predictions(builder(new NaiveBackend()).build().fit(data), data);
        float[] ones = predictions(builder(new NaiveBackend()).classWeights(ClassWeights.of(1f, 1f, 1f)).build().fit(data), data);
        assertArrayEquals(plain, ones);
        Samples waves = TrainerTest.waves(1);
        Trainer regression = Trainer.builder().layers(3, 4, 2).outputActivation(Activation.IDENTITY)
                .loss(Loss.MEAN_SQUARED_ERROR).classWeights(ClassWeights.balanced()).backend(new NaiveBackend()).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> regression.fit(waves));
        assertTrue(e.getMessage().contains("class labels"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ClassWeights.of(1f, -1f));
        assertThrows(IllegalArgumentException.class, () -> ClassWeights.of(0f, 0f));
        Trainer wrongCount = builder(new NaiveBackend()).classWeights(ClassWeights.of(1f, 2f)).build();
        assertThrows(IllegalArgumentException.class, () -> wrongCount.fit(data));
    }

    @Test
    void balancedWeightsAreTheInverseClassFrequencies() {
        int[] labels = {0, 0, 0, 0, 0, 0, 1, 1, 2, 0, 0, 0};
        float[] w = ClassWeights.balanced().resolve(labels, 4);
        assertArrayEquals(new float[] {12f / (4 * 9), 12f / (4 * 2), 12f / (4 * 1), 1f}, w);
    }

    /** 9 to 1 imbalanced, overlapping classes: balanced weights trade majority accuracy for minority recall. */
    @Test
    void balancedWeightsRaiseTheMinorityClassRecall() {
        SplittableRandom r = new SplittableRandom(3);
        int rows = 1000;
        float[] x = new float[rows * 2];
        int[] y = new int[rows];
        for (int i = 0; i < rows; i++) {
            y[i] = i % 10 == 0 ? 1 : 0;
            x[i * 2] = (float) (y[i] + r.nextGaussian());
            x[i * 2 + 1] = (float) r.nextGaussian();
        }
        Samples data = Samples.classification(x, rows, 2, y, 2);
        Trainer.Builder b = Trainer.builder().layers(2, 8, 2).hiddenActivation(Activation.TANH)
                .optimizer(new Optimizer.Adam(0.02f)).batchSize(50).epochs(15).backend(new NaiveBackend());
        double plain;
        double balanced;
        try (Model m = b.build().fit(data)) {
            plain = m.evaluate(data).recall(1);
        }
        try (Model m = b.classWeights(ClassWeights.balanced()).build().fit(data)) {
            Evaluation e = m.evaluate(data);
            balanced = e.recall(1);
            assertTrue(e.macroF1() > 0, "scores exist");
        }
        assertTrue(balanced > plain + 0.2, "minority recall " + plain + " -> " + balanced);
    }

    /** As TrainerTest's steady-state check, with dropout masks drawn and row weights written every batch. */
    @Test
    void dropoutAndClassWeightsAllocateNothingPerBatch() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Backend backend = Backends.create("naive", 1);
        Samples data = TrainerTest.blobs(5);
        int batch = 4;
        int batchesPerEpoch = (data.rows() + batch - 1) / batch;
        fit(backend, data, batch, 30);
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        fit(backend, data, batch, 10);
        long shortRun = threads.getThreadAllocatedBytes(id) - before;
        before = threads.getThreadAllocatedBytes(id);
        fit(backend, data, batch, 60);
        long longRun = threads.getThreadAllocatedBytes(id) - before;
        double perBatch = (double) (longRun - shortRun) / (50.0 * batchesPerEpoch);
        assertTrue(perBatch < 8, "allocated " + perBatch + " bytes per batch");
    }

    private static void fit(Backend backend, Samples data, int batch, int epochs) {
        Trainer.builder().layers(6, 8, 3).batchSize(batch).epochs(epochs).dropout(0.2f)
                .classWeights(ClassWeights.balanced()).optimizer(new Optimizer.Adam(0.01f)).backend(backend).build()
                .fit(data).close();
    }
}
