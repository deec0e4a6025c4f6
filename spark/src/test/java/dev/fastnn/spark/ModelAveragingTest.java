package dev.fastnn.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastnn.kernels.Activation;
import dev.fastnn.kernels.Backends;
import dev.fastnn.network.model.Initializer;
import dev.fastnn.network.model.LayerParameters;
import dev.fastnn.network.model.Loss;
import dev.fastnn.network.model.ModelParameters;
import dev.fastnn.network.train.ClassWeights;
import dev.fastnn.network.train.EpochMetrics;
import dev.fastnn.network.train.LearningRateSchedule;
import dev.fastnn.network.train.Model;
import dev.fastnn.network.train.Optimizer;
import dev.fastnn.network.train.Regularization;
import dev.fastnn.network.train.Trainer;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Training by model averaging against single-machine fastnn, and what averaging over partitions gives; with
 * Kryo as Spark's serializer (the other test classes use Spark's default, Java serialization).
 */
class ModelAveragingTest {
    private static SparkSession spark;
    private static TestData.Table blobs;

    @BeforeAll
    static void start() {
        spark = LocalSpark.startWithKryo(ModelAveragingTest.class);
        blobs = TestData.blobs(700, 6, 3, 21);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static FastnnClassifier classifier(String backend) {
        return new FastnnClassifier().setLayers(6, 16, 3).setOptimizer("adam").setLearningRate(0.01)
                .setBatchSize(32).setEpochs(3).setSeed(7).setDivisor(2).setStandardize(true)
                .setSchedule("cosine").setWarmupEpochs(1).setL2(1e-4).setWeightDecay(1e-3).setDropout(0.2)
                .setClassWeights("balanced").setBackend(backend);
    }

    /** The same settings as {@link #classifier} for a single-machine fit. */
    private static Trainer trainer(String backend) {
        return Trainer.builder().layers(6, 16, 3).hiddenActivation(Activation.RELU).initializer(Initializer.HE)
                .loss(Loss.SOFTMAX_CROSS_ENTROPY).optimizer(new Optimizer.Adam(0.01f)).batchSize(32).epochs(3).seed(7)
                .divisor(2).standardize(true).schedule(new LearningRateSchedule.Cosine(1))
                .regularization(new Regularization(1e-4f, 1e-3f)).dropout(0.2f).classWeights(ClassWeights.balanced())
                .backend(Backends.create(backend, 1)).build();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"naive", "vector"})
    void onePartitionAndOneEpochPerRoundIsTheSingleMachineFitBitForBit(String backend) {
        FastnnClassificationModel spark = classifier(backend).fit(TestData.vectors(ModelAveragingTest.spark, blobs, 1));
        try (Model single = trainer(backend).fit(blobs.samples(3))) {
            assertSameLayers(single.parameters(), spark.parameters());
            assertEquals(single.preprocessing(), spark.parameters().preprocessing(), "the same folded preprocessing");
        }
        assertEquals(3, spark.history().size(), "one round per epoch");
    }

    @Test
    void fourPartitionsLearnTheClassesAndTheSameSeedGivesTheSameModel() {
        FastnnClassifier estimator = classifier("naive").setEpochs(4).setSchedule("constant").setWarmupEpochs(0)
                .setDropout(0);
        Dataset<Row> frame = TestData.vectors(spark, blobs, 4);
        FastnnClassificationModel first = estimator.fit(frame);
        FastnnClassificationModel second = estimator.fit(frame);
        assertSameLayers(first.parameters(), second.parameters());
        assertEquals("4", first.parameters().metadata().get("sparkPartitions"));

        TestData.Table test = TestData.blobs(700, 6, 3, 21);
        List<Row> scored = first.transform(TestData.vectors(spark, test, 2)).collectAsList();
        int right = 0;
        for (int i = 0; i < scored.size(); i++) {
            right += scored.get(i).<Double>getAs("prediction") == test.labels()[i] ? 1 : 0;
        }
        assertTrue(right > 0.9 * scored.size(), right + " of " + scored.size() + " right");
        for (EpochMetrics m : first.history()) {
            assertTrue(Double.isFinite(m.loss()) && m.loss() > 0, "round loss " + m.loss());
        }
        assertTrue(first.history().get(3).loss() < first.history().get(0).loss(), "the loss falls");
    }

    @Test
    void twoLocalEpochsPerRoundMeanHalfTheRoundsAndADifferentModel() {
        FastnnClassifier estimator = classifier("naive").setEpochs(4);
        Dataset<Row> frame = TestData.vectors(spark, blobs, 2);
        FastnnClassificationModel everyEpoch = estimator.fit(frame);
        FastnnClassificationModel everyTwo = estimator.setLocalEpochs(2).fit(frame);
        assertEquals(4, everyEpoch.history().size());
        assertEquals(List.of(2, 4), everyTwo.history().stream().map(EpochMetrics::epoch).toList());
        assertNotEquals(everyEpoch.parameters().layers().get(1).weights()[0],
                everyTwo.parameters().layers().get(1).weights()[0]);
    }

    @Test
    void earlyStoppingEndsPatienceRoundsAfterTheBestAndRestoresItsWeights() {
        TestData.Table noise = TestData.blobs(300, 20, 2, 4);
        java.util.SplittableRandom random = new java.util.SplittableRandom(9);
        for (int i = 0; i < noise.rows(); i++) {
            noise.labels()[i] = random.nextInt(2);
        }
        Dataset<Row> frame = TestData.vectors(spark, noise, 2);
        FastnnClassifier estimator = new FastnnClassifier().setLayers(20, 64, 2).setLearningRate(0.01).setBatchSize(16)
                .setEpochs(30).setValidationFraction(0.3).setSeed(2).setBackend("naive");
        FastnnClassificationModel stopped = estimator.setEarlyStoppingPatience(2).fit(frame);

        List<EpochMetrics> history = stopped.history();
        int best = 0;
        for (int i = 1; i < history.size(); i++) {
            best = history.get(i).validationLoss() < history.get(best).validationLoss() ? i : best;
        }
        int bestEpoch = history.get(best).epoch();
        assertTrue(history.size() < 30, "labels are noise: validation loss rises soon, " + history);
        assertEquals(bestEpoch + 2, history.size(), "two rounds without improvement after the best");
        assertEquals("early_stopped", stopped.parameters().metadata().get("stopReason"));
        assertEquals(Integer.toString(bestEpoch), stopped.parameters().metadata().get("bestEpoch"));
        for (EpochMetrics m : history) {
            assertTrue(m.validationAccuracy() >= 0 && m.validationAccuracy() <= 1, m.toString());
        }

        FastnnClassificationModel untilBest = estimator.setEarlyStoppingPatience(0).setEpochs(bestEpoch).fit(frame);
        assertSameLayers(untilBest.parameters(), stopped.parameters());
    }

    @Test
    void aRegressorFitsALinearTarget() {
        TestData.Table linear = TestData.linear(800, 5, 6);
        FastnnRegressionModel model = new FastnnRegressor().setLayers(5, 16, 1).setLearningRate(0.01).setBatchSize(16)
                .setEpochs(8).setBackend("naive").setValidationFraction(0.2).fit(TestData.vectors(spark, linear, 2));
        List<Row> out = model.transform(TestData.vectors(spark, linear, 2)).collectAsList();
        double squared = 0;
        double variance = 0;
        double mean = 0;
        for (float y : linear.targets()) {
            mean += y / linear.rows();
        }
        for (int i = 0; i < linear.rows(); i++) {
            double e = out.get(i).<Double>getAs("prediction") - linear.targets()[i];
            squared += e * e;
            variance += (linear.targets()[i] - mean) * (linear.targets()[i] - mean);
        }
        assertTrue(1 - squared / variance > 0.95, "R^2 " + (1 - squared / variance));
        EpochMetrics last = model.history().get(model.history().size() - 1);
        assertTrue(last.validationLoss() < 0.05, "validation MSE " + last.validationLoss());
        assertTrue(Double.isNaN(last.validationAccuracy()));
        double rmse = last.validationRootMeanSquaredError();
        assertEquals(last.validationLoss(), rmse * rmse, 1e-9 * last.validationLoss(),
                "the pooled RMSE squared is the pooled mean squared error loss");
        assertTrue(last.validationMeanAbsoluteError() > 0 && last.validationMeanAbsoluteError() <= rmse);
        assertTrue(last.validationR2() > 0.95 && last.validationR2() < 1, "validation R^2 " + last.validationR2());
    }

    static void assertSameLayers(ModelParameters expected, ModelParameters actual) {
        assertEquals(expected.layers().size(), actual.layers().size());
        for (int l = 0; l < expected.layers().size(); l++) {
            LayerParameters e = expected.layers().get(l);
            LayerParameters a = actual.layers().get(l);
            assertEquals(e.activation(), a.activation());
            assertArrayEquals(e.weights(), a.weights(), "weights of layer " + l);
            assertArrayEquals(e.biases(), a.biases(), "biases of layer " + l);
        }
    }
}
