package dev.fastnn.network.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastnn.kernels.naive.NaiveBackend;
import dev.fastnn.network.data.Dataset;
import dev.fastnn.network.model.ClassLabels;
import dev.fastnn.network.model.Task;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The defaults on small generated tabular problems shaped like the classic sets that the old defaults failed. */
class TabularDefaultsTest {

    /**
     * Like sklearn's wine: 180 rows sorted by class, 13 features whose scales run from 1e-3 to 1e3 (as
     * proline's hundreds sit beside hue's tenths), 3 overlapping classes labelled 1..3.
     */
    static Dataset wineLike(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int rows = 180;
        int features = 13;
        float[] x = new float[rows * features];
        int[] labels = new int[rows];
        for (int i = 0; i < rows; i++) {
            int c = i * 3 / rows;
            labels[i] = c;
            for (int j = 0; j < features; j++) {
                double scale = Math.pow(10, j % 7 - 3);
                double centre = (j % 3 == c ? 1.2 : 0) + (j % 4 == c ? -0.8 : 0);
                x[i * features + j] = (float) (scale * (5 + centre + r.nextGaussian()));
            }
        }
        return Dataset.classification(x, rows, features, labels, ClassLabels.ofIntegers(1, 2, 3));
    }

    @Test
    void defaultsClassifyAWineLikeSetThatTheOldDefaultsCouldNot() {
        Dataset.Split split = wineLike(1).split(0.2, 1);
        Samples train = Samples.of(split.train());
        Samples validation = Samples.of(split.validation());
        TabularDefaults defaults = TabularDefaults.of(train);

        double accuracy;
        try (Model model = defaults.builder().backend(new NaiveBackend()).build()
                .fit(train, validation, null, TrainingListener.NONE)) {
            accuracy = model.history().get(model.history().size() - 1).validationAccuracy();
            assertEquals(ClassLabels.ofIntegers(1, 2, 3), model.classLabels());
        }
        // The reference: sigmoid, plain steps of 0.5, batch 128, 10 epochs, raw features.
        double old;
        try (Model model = Trainer.builder().layers(13, 16, 3).backend(new NaiveBackend()).build()
                .fit(train, validation, null, TrainingListener.NONE)) {
            old = model.history().get(model.history().size() - 1).validationAccuracy();
        }

        assertTrue(accuracy >= 0.9, defaults + ": validation accuracy " + accuracy);
        assertTrue(old < 0.7, "the old defaults, " + old + ", should fail on this problem");
    }

    @Test
    void defaultsFitARegressionWithTargetsFarFromZero() {
        SplittableRandom r = new SplittableRandom(2);
        int rows = 300;
        float[] x = new float[rows * 5];
        float[] y = new float[rows];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < 5; j++) {
                x[i * 5 + j] = (float) (r.nextGaussian() * Math.pow(10, j - 2));
            }
            y[i] = (float) (20 + 6 * Math.tanh(x[i * 5] * 100) + 3 * x[i * 5 + 3] / 10 + 0.3 * r.nextGaussian());
        }
        Dataset.Split split = Dataset.regression(x, rows, 5, y).split(0.2, 3);
        Samples train = Samples.of(split.train());
        Samples validation = Samples.of(split.validation());
        TabularDefaults defaults = TabularDefaults.of(train);
        assertEquals(Task.REGRESSION, defaults.task());

        try (Model model = defaults.builder().backend(new NaiveBackend()).build()
                .fit(train, validation, null, TrainingListener.NONE)) {
            double rmse = Math.sqrt(model.history().get(model.history().size() - 1).validationLoss());
            // The targets' deviation is about 5.4; predicting their mean scores that.
            assertTrue(rmse < 1.5, defaults + ": validation RMSE " + rmse);
            assertEquals(Task.REGRESSION, model.task());
        }
    }

    @Test
    void sizesComeFromTheDataAndEpochsFromTheStepsAimedAt() {
        TabularDefaults small = TabularDefaults.of(Samples.classification(new float[150 * 4], 150, 4, new int[150], 3));
        TabularDefaults wide = TabularDefaults.of(Samples.classification(new float[2 * 300], 2, 300, new int[2], 2));
        TabularDefaults big = TabularDefaults.of(Samples.regression(new float[20_000], 20_000, 1, new float[20_000], 1));

        assertEquals(4, small.features());
        assertEquals(3, small.outputs());
        assertEquals(64, small.hidden());
        assertEquals(32, small.batchSize());
        assertEquals(200, small.epochs(), "5 batches per epoch, 1000 steps");
        assertEquals(256, wide.hidden(), "as many hidden units as features, up to 256");
        assertEquals(TabularDefaults.MAX_EPOCHS, wide.epochs());
        assertEquals(128, big.batchSize());
        assertEquals(TabularDefaults.MIN_EPOCHS, big.epochs());
        Trainer t = small.builder().backend(new NaiveBackend()).build();
        assertTrue(t.toString().contains("layers=4,64,3") && t.toString().contains("standardize=true")
                && t.toString().contains("adam(lr=0.003"), t.toString());
        assertTrue(small.toString().contains("layers 4,64,3") && small.toString().contains("200 epochs"), small.toString());
    }

    @Test
    void theLearningRateFollowsTheOptimizerAndTheTask() {
        TabularDefaults classes = TabularDefaults.of(Samples.classification(new float[150 * 4], 150, 4, new int[150], 3));
        TabularDefaults regression = TabularDefaults.of(Samples.regression(new float[150], 150, 1, new float[150], 1));

        assertEquals(new Optimizer.Adam(0.003), classes.builder().build().optimizer());
        assertEquals(new Optimizer.Sgd(0.5), classes.withOptimizer("sgd").builder().build().optimizer());
        assertEquals(new Optimizer.Momentum(0.05, 0.9), classes.withOptimizer("momentum").builder().build().optimizer());
        assertEquals(new Optimizer.Adam(0.01), regression.builder().build().optimizer());
        assertEquals(new Optimizer.Sgd(0.01), regression.withOptimizer("sgd").builder().build().optimizer());
        assertEquals(new Optimizer.Momentum(0.001, 0.9),
                regression.withOptimizer("momentum").builder().build().optimizer());
        assertTrue(classes.withOptimizer("sgd").toString().contains("sgd lr 0.5,"), classes.withOptimizer("sgd").toString());
    }

    @Test
    void aBatchSizeGivenCountsTheEpochsForItself() {
        TabularDefaults small = TabularDefaults.of(Samples.classification(new float[150 * 4], 150, 4, new int[150], 3));

        TabularDefaults larger = small.withBatchSize(50);
        TabularDefaults whole = small.withBatchSize(1000);

        assertEquals(50, larger.batchSize());
        assertEquals(334, larger.epochs(), "3 batches per epoch, 1000 steps");
        assertEquals(TabularDefaults.MAX_EPOCHS, whole.epochs(), "1 batch per epoch, capped");
        assertEquals(TabularDefaults.MIN_EPOCHS, small.withBatchSize(1).epochs(), "150 steps per epoch, at least 10 epochs");
        assertEquals(334, larger.builder().build().epochs());
    }
}
