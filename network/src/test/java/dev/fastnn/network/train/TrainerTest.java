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
import dev.fastnn.network.io.ModelFile;
import dev.fastnn.network.model.ClassLabels;
import dev.fastnn.network.model.Initializer;
import dev.fastnn.network.model.LayerParameters;
import dev.fastnn.network.model.Loss;
import dev.fastnn.network.model.ModelParameters;
import dev.fastnn.network.model.Preprocessing;
import dev.fastnn.network.model.Task;
import dev.fastnn.network.testing.NetworkBackends;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TrainerTest {

    /** Three Gaussian blobs in 6 dimensions, 300 samples (not a multiple of the batch sizes used). */
    static Samples blobs(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int rows = 301;
        int features = 6;
        float[] x = new float[rows * features];
        int[] labels = new int[rows];
        for (int i = 0; i < rows; i++) {
            labels[i] = i % 3;
            for (int j = 0; j < features; j++) {
                double centre = (j % 3 == labels[i]) ? 1.5 : -0.5;
                x[i * features + j] = (float) (centre + 0.8 * (r.nextDouble() * 2 - 1));
            }
        }
        return Samples.classification(x, rows, features, labels, 3);
    }

    /** {@code rows} images of 784 uniform pixels with random labels of 10 classes: Fashion-MNIST's shape, no signal. */
    static Samples images(int rows, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[rows * 784];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextDouble();
        }
        return Samples.classification(x, rows, 784, random.ints(rows, 0, 10).toArray(), 10);
    }

    /** y = (sin of a projection, a product), a smooth regression target in [-1, 1]. */
    static Samples waves(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int rows = 200;
        float[] x = new float[rows * 3];
        float[] y = new float[rows * 2];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < 3; j++) {
                x[i * 3 + j] = (float) r.nextDouble(-1, 1);
            }
            y[i * 2] = (float) Math.sin(x[i * 3] + 0.5 * x[i * 3 + 1]);
            y[i * 2 + 1] = x[i * 3 + 1] * x[i * 3 + 2];
        }
        return Samples.regression(x, rows, 3, y, 2);
    }

    static Stream<Arguments> optimizers() {
        return Stream.of(
                Arguments.of(new Optimizer.Sgd(0.5f), Loss.SOFTMAX_CROSS_ENTROPY),
                Arguments.of(new Optimizer.Momentum(0.1f, 0.9f), Loss.SOFTMAX_CROSS_ENTROPY),
                Arguments.of(new Optimizer.Adam(0.01f), Loss.SOFTMAX_CROSS_ENTROPY),
                Arguments.of(new Optimizer.Sgd(0.2f), Loss.MEAN_SQUARED_ERROR),
                Arguments.of(new Optimizer.Momentum(0.05f, 0.9f), Loss.MEAN_SQUARED_ERROR),
                Arguments.of(new Optimizer.Adam(0.01f), Loss.MEAN_SQUARED_ERROR),
                Arguments.of(new Optimizer.Sgd(0.01f), Loss.SUM_SQUARED_ERROR));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("optimizers")
    void everyOptimizerReducesTheLossOnSyntheticProblems(Optimizer optimizer, Loss loss) {
        boolean classify = loss == Loss.SOFTMAX_CROSS_ENTROPY;
        Samples data = classify ? blobs(3) : waves(3);
        Trainer trainer = Trainer.builder()
                .layers(data.features(), 16, data.outputs())
                .hiddenActivation(Activation.TANH)
                .outputActivation(classify ? Activation.SOFTMAX : Activation.IDENTITY)
                .loss(loss)
                .optimizer(optimizer)
                .batchSize(loss == Loss.SUM_SQUARED_ERROR ? 8 : 32)
                .epochs(30)
                .seed(5)
                .backend(new NaiveBackend())
                .build();
        try (Model model = trainer.fit(data)) {
            List<EpochMetrics> h = model.history();
            double first = h.get(0).loss();
            double last = h.get(h.size() - 1).loss();
            assertTrue(last < 0.5 * first, trainer + ": loss " + first + " -> " + last);
            Evaluation e = model.evaluate(data);
            assertEquals(last, e.loss(), 0.5 * last, "evaluated loss near the last epoch's");
            if (classify) {
                assertTrue(e.accuracy() > 0.9, "blobs separate: accuracy " + e.accuracy());
            }
        }
    }

    static Stream<String> deterministicBackends() {
        return Stream.of("naive", "vector");
    }

    @ParameterizedTest
    @MethodSource("deterministicBackends")
    void sameSeedGivesBitIdenticalModels(String name) {
        Backend backend = NetworkBackends.get(name);
        Samples data = blobs(1);
        float[] a = weights(trainer(backend, 11).fit(data));
        float[] b = weights(trainer(backend, 11).fit(data));
        float[] c = weights(trainer(backend, 12).fit(data));
        assertArrayEquals(a, b, "same seed, same backend");
        assertFalse(Arrays.equals(a, c), "another seed gives another model");
    }

    /**
     * Products of 64 x 784 x 64 (above the split threshold) run on one, two and three threads, with the batch in
     * slivers and the weights in panels (MatrixUse) and fused layer operations: the models are the same bits.
     */
    @Test
    void vectorTrainingGivesBitIdenticalModelsOnOneTwoAndThreeThreads() {
        NetworkBackends.get("vector");
        Samples data = images(640, 9);
        float[] reference = null;
        for (int threads = 1; threads <= 3; threads++) {
            try (Backend backend = Backends.create("vector", threads)) {
                Trainer trainer = Trainer.builder().layers(784, 64, 64, 10).batchSize(64).epochs(2).seed(5)
                        .optimizer(new Optimizer.Momentum(0.05f, 0.9f)).backend(backend).build();
                float[] w = weights(trainer.fit(data));
                if (reference == null) {
                    reference = w;
                } else {
                    assertArrayEquals(reference, w, threads + " threads vs 1");
                }
            }
        }
    }

    @Test
    void concurrentTrainersSharingABackendGiveTheSerialModels() throws Exception {
        Backend backend = Backends.get("naive");
        Samples data = blobs(2);
        int n = 4;
        List<float[]> serial = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            serial.add(weights(trainer(backend, 100 + i).fit(data)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<float[]>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                long seed = 100 + i;
                futures.add(pool.submit(() -> weights(trainer(backend, seed).fit(data))));
            }
            for (int i = 0; i < n; i++) {
                assertArrayEquals(serial.get(i), futures.get(i).get(), "trainer " + i);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentFitsOfOneTrainerGetDistinctReproducibleRandomSources() throws Exception {
        Samples data = blobs(2);
        Backend backend = new NaiveBackend();
        Trainer one = trainer(backend, 7);
        float[] first = weights(one.fit(data));
        float[] second = weights(one.fit(data));
        Trainer again = trainer(backend, 7);
        assertArrayEquals(first, weights(again.fit(data)), "the first fit of a new trainer repeats");
        assertArrayEquals(second, weights(again.fit(data)), "so does the second");
        assertFalse(Arrays.equals(first, second), "each fit splits a new random source");
    }

    /**
     * A step moves the batch in and the loss out, nothing else: on a fresh backend, after the initial
     * upload of the weights, an epoch writes exactly the batches (inputs and one-hot targets) and reads nothing
     * but what reductions bring back (at most a few scalars per batch) and, with no validation or test set to
     * score, one count per epoch for the training accuracy, until the end of the fit reads the final weights
     * back once (the model's training state; plain steps have no optimizer buffers).
     */
    @Test
    void trainingMovesOnlyBatchesInAndLossesOut() {
        Backend backend = new NaiveBackend();
        Samples data = blobs(4);
        int batch = 32;
        Trainer trainer = Trainer.builder().layers(6, 16, 3).batchSize(batch).epochs(2).backend(backend).build();
        long weightBytes = 4L * (6 * 16 + 16 + 16 * 3 + 3);
        try (Model model = trainer.fit(data)) {
            assertEquals(2, model.history().size());
            long batches = 2 * ((data.rows() + batch - 1) / batch);
            long batchBytes = 2 * 4L * data.rows() * (6 + 3);
            assertEquals(weightBytes + batchBytes, backend.transfers().bytesToBackend());
            long counts = 2L * Float.BYTES;
            long perBatch = backend.transfers().bytesFromBackend() - weightBytes - counts;
            assertTrue(perBatch >= 0 && perBatch <= batches * 16,
                    "read back " + perBatch + " bytes besides the final weights and the epochs' counts in " + batches
                            + " batches");
        }
    }

    @Test
    void listenerHearsEveryBatchAndEpoch() {
        Samples data = blobs(6);
        int[] counts = new int[3];
        long[] lastSamples = new long[1];
        TrainingListener listener = new TrainingListener() {
            @Override
            public void epochStarted(int epoch, int batches) {
                counts[0]++;
                assertEquals(10, batches);
            }

            @Override
            public void batchFinished(int epoch, int batch, int batches, long samples, double batchLoss) {
                counts[1]++;
                lastSamples[0] = samples;
                assertTrue(Double.isFinite(batchLoss));
            }

            @Override
            public void epochFinished(EpochMetrics m) {
                counts[2]++;
                assertTrue(m.seconds() >= 0 && m.testAccuracy() >= 0 && m.testAccuracy() <= 1);
            }
        };
        Trainer trainer = Trainer.builder().layers(6, 5, 3).batchSize(32).epochs(3).backend(new NaiveBackend()).build();
        trainer.fit(data, data.limit(50), listener).close();
        assertArrayEquals(new int[] {3, 30, 3}, counts);
        assertEquals(data.rows(), lastSamples[0]);
    }

    @Test
    void toStringNamesEverySetting() {
        String s = Trainer.builder().layers(784, 256, 10).optimizer(new Optimizer.Adam(0.001f))
                .backend(new NaiveBackend()).build().toString();
        for (String setting : List.of("layers=784,256,10", "hiddenActivation=sigmoid", "outputActivation=softmax",
                "biases=true", "loss=cross-entropy", "initializer=xavier", "optimizer=adam(lr=0.001", "schedule=constant(warmup=0)", "l2=0.0", "weightDecay=0.0", "earlyStopping=none", "batchSize=128", "divisor=1.0", "standardize=false",
                "epochs=10", "shuffle=true", "seed=1", "backend=naive")) {
            assertTrue(s.contains(setting), s + " lacks " + setting);
        }
    }

    @Test
    void badSettingsAndDataAreRejectedWithTheirValues() {
        assertThrows(IllegalStateException.class, () -> Trainer.builder().build());
        assertThrows(IllegalArgumentException.class, () -> Trainer.builder().layers(3));
        assertThrows(IllegalArgumentException.class, () -> Trainer.builder().layers(3, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> Trainer.builder().batchSize(0));
        assertThrows(IllegalArgumentException.class, () -> new Optimizer.Sgd(-1f));
        assertThrows(IllegalArgumentException.class, () -> new Optimizer.Momentum(0.1f, 1f));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Trainer.builder().layers(3, 2)
                .loss(Loss.SOFTMAX_CROSS_ENTROPY).outputActivation(Activation.SIGMOID).backend(new NaiveBackend()).build());
        assertTrue(e.getMessage().contains("softmax"), e.getMessage());
        Trainer t = Trainer.builder().layers(5, 4, 3).backend(new NaiveBackend()).build();
        e = assertThrows(IllegalArgumentException.class, () -> t.fit(blobs(1)));
        assertTrue(e.getMessage().contains("6 features") && e.getMessage().contains("5,4,3"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Samples.classification(new float[6], 2, 3, new int[] {0, 3}, 3));
    }

    @Test
    void parametersRoundTripToIdenticalPredictions() {
        Samples data = blobs(8);
        Backend backend = new NaiveBackend();
        try (Model model = trainer(backend, 3).fit(data)) {
            ModelParameters p = model.parameters();
            assertEquals("cross-entropy", p.metadata().get("loss"));
            assertTrue(p.metadata().get("trainer").startsWith("Trainer["));
            try (Model copy = Model.of(backend, p)) {
                assertArrayEquals(model.predict(data.inputs(), data.rows()), copy.predict(data.inputs(), data.rows()));
            }
        }
    }

    /**
     * Dividing and standardizing, then folding into the first layer, is the same function as the unfolded
     * network on preprocessed inputs: same seed, same preprocessed data, so identical training; the fold only
     * reorders float32 arithmetic (tolerance 1e-5 on softmax probabilities).
     */
    @Test
    void preprocessedModelTakesRawFeaturesAndMatchesTheUnfoldedNetwork() {
        Samples raw = blobs(9);
        float[] x = raw.inputs().clone();
        for (int i = 0; i < x.length; i++) {
            x[i] = x[i] * 40 + 100;
        }
        Samples shifted = Samples.classification(x, raw.rows(), raw.features(), raw.labels(), 3);
        Trainer.Builder b = Trainer.builder().layers(6, 7, 3).hiddenActivation(Activation.RELU).batchSize(16).epochs(4)
                .seed(3).optimizer(new Optimizer.Adam(0.01)).backend(new NaiveBackend());
        for (boolean standardize : new boolean[] {true, false}) {
            Preprocessing p = standardize ? Standardization.of(shifted, 16f).preprocessing(16f) : Preprocessing.divisor(16f);
            Samples preprocessed = shifted.withInputs(p.apply(shifted.inputs(), shifted.rows(), shifted.features()));
            try (Model folded = b.divisor(16).standardize(standardize).build().fit(shifted);
                 Model plain = b.divisor(1).standardize(false).build().fit(preprocessed)) {
                float[] expected = plain.predict(preprocessed.inputs(), shifted.rows());
                assertArrayEquals(expected, folded.predict(shifted.inputs(), shifted.rows()), 1e-5f);
                assertEquals(p, folded.preprocessing(), "the model records what was folded");
                assertEquals(p, folded.parameters().preprocessing());
                assertTrue(folded.evaluate(shifted).accuracy() > 0.9);
            }
        }
        assertThrows(IllegalArgumentException.class,
                () -> b.standardize(true).biases(false).build().fit(shifted));
        try (Model noBiases = b.divisor(16).standardize(false).biases(false).build().fit(shifted)) {
            assertEquals(16f, noBiases.preprocessing().divisor(), "a divisor alone needs no biases");
        }
    }

    @Test
    void savedAndLoadedModelKeepsLabelsNamesAndPreprocessingAndPredictsBitIdentically(@TempDir Path dir)
            throws IOException {
        Samples blobs = blobs(12);
        ClassLabels labels = ClassLabels.ofStrings("setosa", "versicolor", "virginica");
        List<String> names = List.of("a", "b", "c", "d", "e", "f");
        Samples named = new Samples(blobs.inputs(), blobs.rows(), blobs.features(), blobs.labels(), null, 3, labels,
                names);
        Backend backend = new NaiveBackend();
        Trainer trainer = Trainer.builder().layers(6, 8, 3).epochs(3).divisor(4).standardize(true).backend(backend)
                .build();
        Path file = dir.resolve("m.fnn");
        try (Model model = trainer.fit(named)) {
            assertEquals(labels, model.classLabels());
            assertEquals(names, model.featureNames());
            assertEquals(Task.CLASSIFICATION, model.task());
            assertTrue(model.preprocessing().isStandardized());
            assertEquals(4f, model.preprocessing().divisor());
            ModelFile.save(model.parameters(), file);
            try (Model loaded = Model.of(backend, ModelFile.load(file))) {
                assertEquals(labels, loaded.classLabels());
                assertEquals(names, loaded.featureNames());
                assertEquals(model.preprocessing(), loaded.preprocessing());
                assertEquals(model.metadata(), loaded.metadata());
                assertArrayEquals(model.predict(named.inputs(), named.rows()), loaded.predict(named.inputs(), named.rows()),
                        "bit-identical predictions");
            }
        }
        try (Model regression = Trainer.builder().layers(3, 4, 2).loss(Loss.MEAN_SQUARED_ERROR)
                .outputActivation(Activation.IDENTITY).epochs(2).backend(backend).build().fit(waves(1))) {
            assertEquals(Task.REGRESSION, regression.task());
            assertEquals(null, regression.classLabels());
        }
    }

    @Test
    void learningRateDecayOfOneIsTheConstantRateAndLessChangesTheModel() {
        Samples data = blobs(10);
        Trainer.Builder b = Trainer.builder().layers(6, 5, 3).batchSize(32).epochs(3).seed(4).backend(new NaiveBackend());
        float[] constant = weights(b.build().fit(data));
        assertArrayEquals(constant, weights(b.learningRateDecay(1f).build().fit(data)));
        assertFalse(Arrays.equals(constant, weights(b.learningRateDecay(0.5f).build().fit(data))));
        assertThrows(IllegalArgumentException.class, () -> b.learningRateDecay(1.5f));
    }

    @Test
    void initializersDrawFromTheirRanges() {
        SplittableRandom r = new SplittableRandom(1);
        float[] u = Initializer.UNIFORM.weights(30, 40, r);
        float[] x = Initializer.XAVIER.weights(30, 40, r);
        float[] h = Initializer.HE.weights(30, 40, r);
        double xavier = Math.sqrt(6.0 / 70);
        double he = Math.sqrt(6.0 / 30);
        for (int i = 0; i < u.length; i++) {
            assertTrue(u[i] >= 0 && u[i] < 1);
            assertTrue(Math.abs(x[i]) <= xavier);
            assertTrue(Math.abs(h[i]) <= he);
        }
        assertEquals(0.5, mean(u), 0.05);
        assertEquals(0, mean(x), 0.05 * xavier);
    }

    private static double mean(float[] v) {
        double s = 0;
        for (float f : v) {
            s += f;
        }
        return s / v.length;
    }

    private static Trainer trainer(Backend backend, long seed) {
        return Trainer.builder().layers(6, 10, 3).batchSize(16).epochs(3).seed(seed)
                .optimizer(new Optimizer.Momentum(0.1f, 0.9f)).backend(backend).build();
    }

    private static float[] weights(Model model) {
        try (model) {
            ModelParameters p = model.parameters();
            int n = 0;
            for (LayerParameters l : p.layers()) {
                n += l.weights().length + l.biases().length;
            }
            float[] all = new float[n];
            int at = 0;
            for (LayerParameters l : p.layers()) {
                System.arraycopy(l.weights(), 0, all, at, l.weights().length);
                at += l.weights().length;
                System.arraycopy(l.biases(), 0, all, at, l.biases().length);
                at += l.biases().length;
            }
            return all;
        }
    }
}
