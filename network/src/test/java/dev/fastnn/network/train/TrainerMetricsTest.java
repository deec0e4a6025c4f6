package dev.fastnn.network.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastnn.kernels.Activation;
import dev.fastnn.kernels.naive.NaiveBackend;
import dev.fastnn.network.model.ClassLabels;
import dev.fastnn.network.model.Loss;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What an epoch reports (validation, training accuracy) and how a diverging run ends. */
class TrainerMetricsTest {

    private static Trainer.Builder small() {
        return Trainer.builder().layers(6, 8, 3).hiddenActivation(Activation.TANH).optimizer(new Optimizer.Adam(0.01))
                .batchSize(32).seed(2).backend(new NaiveBackend());
    }

    @Test
    void validationLossAndAccuracyOfTheLastEpochAreTheReturnedModelsScores() {
        Samples train = TrainerTest.blobs(20);
        Samples validation = TrainerTest.blobs(21).limit(90);
        Samples test = TrainerTest.blobs(22).limit(60);

        try (Model model = small().epochs(4).standardize(true).build().fit(train, validation, test,
                TrainingListener.NONE)) {
            List<EpochMetrics> h = model.history();
            EpochMetrics last = h.get(h.size() - 1);
            Evaluation v = model.evaluate(validation);
            // The model folds the standardization, the run scored unfolded: float32 rounding apart.
            assertEquals(v.loss(), last.validationLoss(), 1e-5);
            assertEquals(v.accuracy(), last.validationAccuracy(), 1.0 / 90 + 1e-12);
            assertEquals(model.evaluate(test).accuracy(), last.testAccuracy(), 1.0 / 60 + 1e-12);
            assertTrue(Double.isNaN(last.trainingAccuracy()), "scored on validation and test, not counted on training");
            assertTrue(h.get(0).validationLoss() > last.validationLoss(), "validation loss falls");
        }
    }

    @Test
    void validationLossIsReportedForRegressionToo() {
        Samples train = TrainerTest.waves(3);
        Samples validation = TrainerTest.waves(4).limit(50);
        Trainer trainer = Trainer.builder().layers(3, 8, 2).loss(Loss.MEAN_SQUARED_ERROR)
                .outputActivation(Activation.IDENTITY).optimizer(new Optimizer.Adam(0.01)).epochs(3)
                .backend(new NaiveBackend()).build();

        try (Model model = trainer.fit(train, validation, null, TrainingListener.NONE)) {
            EpochMetrics last = model.history().get(2);
            assertEquals(model.evaluate(validation).loss(), last.validationLoss(), 1e-6);
            assertTrue(Double.isNaN(last.validationAccuracy()));
            assertTrue(Double.isNaN(last.trainingAccuracy()), "regression has no accuracy");
        }
    }

    /**
     * Full batch, no shuffle: the epoch's one forward pass sees the weights the previous epoch left, so
     * epoch 2's counted training accuracy is the accuracy of the model a 1-epoch fit returns.
     */
    @Test
    void trainingAccuracyIsCountedFromTheEpochsForwardPassesWhenNothingElseIsScored() {
        Samples train = TrainerTest.blobs(23);
        Trainer.Builder fullBatch = small().batchSize(train.rows()).shuffle(false).optimizer(new Optimizer.Sgd(0.5));

        double afterOne;
        try (Model one = fullBatch.epochs(1).build().fit(train)) {
            afterOne = one.evaluate(train).accuracy();
            assertTrue(one.history().get(0).trainingAccuracy() >= 0);
        }
        try (Model two = fullBatch.epochs(2).build().fit(train)) {
            assertEquals(afterOne, two.history().get(1).trainingAccuracy(), 1e-12);
        }
        try (Model batched = small().epochs(3).build().fit(train)) {
            for (EpochMetrics m : batched.history()) {
                assertTrue(m.trainingAccuracy() >= 0 && m.trainingAccuracy() <= 1, "epoch " + m.epoch());
                assertTrue(Double.isNaN(m.validationLoss()) && Double.isNaN(m.testAccuracy()));
            }
        }
    }

    @Test
    void validationDataMustMatchTheTrainingData() {
        Samples train = TrainerTest.blobs(24);
        Samples otherLabels = new Samples(train.inputs(), train.rows(), train.features(), train.labels(), null, 3,
                ClassLabels.ofStrings("x", "y", "z"), List.of());
        Samples named = new Samples(train.inputs(), train.rows(), train.features(), train.labels(), null, 3,
                ClassLabels.ofStrings("a", "b", "c"), List.of());
        Samples fewerFeatures = Samples.classification(new float[5 * train.rows()], train.rows(), 5, train.labels(), 3);
        Trainer trainer = small().epochs(1).build();

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> trainer.fit(named, otherLabels, null, TrainingListener.NONE));
        assertTrue(e.getMessage().contains("validation data has string labels [x, y, z]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> trainer.fit(train, fewerFeatures));
        assertTrue(e.getMessage().contains("test data has 5 features"), e.getMessage());
    }

    /**
     * Targets of 1e20 from row 100 on: the loss of their batch is still finite (summed in double) but its
     * gradient overflows float32, so the weights become infinite and a later batch's loss is not finite.
     */
    @Test
    void aLossThatBecomesInfiniteStopsTrainingNamingTheEpochAndBatch() {
        Samples waves = TrainerTest.waves(5);
        float[] y = waves.targets().clone();
        for (int i = 100; i < y.length; i++) {
            y[i] = 1e20f;
        }
        Samples exploding = Samples.regression(waves.inputs(), waves.rows(), 3, y, 2);
        List<Integer> epochsFinished = new ArrayList<>();
        TrainingListener listener = new TrainingListener() {
            @Override
            public void epochFinished(EpochMetrics m) {
                epochsFinished.add(m.epoch());
            }
        };
        Trainer trainer = Trainer.builder().layers(3, 4, 2).loss(Loss.MEAN_SQUARED_ERROR)
                .outputActivation(Activation.IDENTITY).shuffle(false).batchSize(50).epochs(3)
                .backend(new NaiveBackend()).build();

        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> trainer.fit(exploding, null, null, listener));

        assertTrue(e.epoch() <= 2 && e.batch() >= 1 && e.batch() <= 4, e.getMessage());
        assertTrue(e.epoch() == 2 || e.batch() >= 3, "not before the first huge target: " + e.getMessage());
        assertFalse(Double.isFinite(e.loss()));
        assertTrue(e.getMessage().contains("epoch " + e.epoch() + ", batch " + e.batch() + " of 4"), e.getMessage());
        assertTrue(e.getMessage().contains("learning rate"), e.getMessage());
        List<Integer> before = new ArrayList<>();
        for (int epoch = 1; epoch < e.epoch(); epoch++) {
            before.add(epoch);
        }
        assertEquals(before, epochsFinished, "the diverged epoch never finished");
    }

    @Test
    void aHugeLearningRateDivergesToNaNAndSaysSo() {
        Samples blobs = TrainerTest.blobs(25);
        Trainer trainer = small().optimizer(new Optimizer.Sgd(1e30)).hiddenActivation(Activation.RELU).epochs(5)
                .build();

        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> trainer.fit(blobs));

        assertTrue(e.epoch() >= 1 && e.batch() >= 1, e.getMessage());
        assertTrue(e.getMessage().startsWith("training diverged"), e.getMessage());
    }
}
