package dev.fastnn.network.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastnn.kernels.Activation;
import dev.fastnn.kernels.naive.NaiveBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Early stopping against the validation curve it saw: a network big enough to memorize 30 % label noise in
 * 60 training rows, so that its clean validation loss falls for some epochs and then rises. The reference for
 * "the best epoch's weights" is the same run stopped by a listener at that epoch.
 */
class EarlyStoppingTest {
    private static final int PATIENCE = 4;
    private static final int MAX_EPOCHS = 60;

    /** Two classes told apart by feature 0 alone (centres -1 and 1, unit noise), {@code noise} of the labels flipped. */
    static Samples noisy(long seed, int rows, double noise) {
        SplittableRandom r = new SplittableRandom(seed);
        int f = 4;
        float[] x = new float[rows * f];
        int[] y = new int[rows];
        for (int i = 0; i < rows; i++) {
            int c = r.nextInt(2);
            for (int j = 0; j < f; j++) {
                x[i * f + j] = (float) ((j == 0 ? 2 * c - 1 : 0) + r.nextGaussian());
            }
            y[i] = r.nextDouble() < noise ? 1 - c : c;
        }
        return Samples.classification(x, rows, f, y, 2);
    }

    private static Trainer.Builder builder() {
        return Trainer.builder().layers(4, 128, 128, 2).hiddenActivation(Activation.TANH)
                .optimizer(new Optimizer.Momentum(0.05f, 0.9f)).batchSize(10).epochs(MAX_EPOCHS).seed(3)
                .backend(new NaiveBackend());
    }

    /** Records every callback in order. */
    private static final class Calls implements TrainingListener {
        final List<String> calls = new ArrayList<>();
        int batches;
        final int stopAt;

        Calls(int stopAt) {
            this.stopAt = stopAt;
        }

        @Override
        public void epochStarted(int epoch, int batchCount) {
            calls.add("start " + epoch);
        }

        @Override
        public void batchFinished(int epoch, int batch, int batchCount, long samples, double batchLoss) {
            batches++;
        }

        @Override
        public void epochFinished(EpochMetrics metrics) {
            calls.add("end " + metrics.epoch());
        }

        @Override
        public boolean shouldStop(EpochMetrics metrics) {
            return metrics.epoch() == stopAt;
        }

        @Override
        public void trainingFinished(int epochs, StopReason reason) {
            calls.add("finished " + epochs + " " + reason);
        }
    }

    @Test
    void stopsPatienceEpochsAfterTheBestAndRestoresTheBestEpochsWeights() {
        Samples train = noisy(1, 60, 0.3);
        Samples validation = noisy(2, 300, 0);
        Trainer trainer = builder().earlyStopping(new EarlyStopping(EarlyStopping.Monitor.VALIDATION_LOSS, PATIENCE)).build();
        Calls calls = new Calls(-1);
        int best;
        float[] restored;
        try (Model model = trainer.fit(train, validation, null, calls)) {
            List<EpochMetrics> h = model.history();
            int stopped = h.size();
            best = 1;
            for (EpochMetrics m : h) {
                if (m.validationLoss() < h.get(best - 1).validationLoss()) {
                    best = m.epoch();
                }
            }
            assertTrue(stopped < MAX_EPOCHS, "the validation loss must rise after some epoch for this test, got " + stopped);
            assertEquals(best + PATIENCE, stopped, "stops after " + PATIENCE + " epochs without a new best");
            for (int e = best + 1; e <= stopped; e++) {
                assertTrue(h.get(e - 1).validationLoss() >= h.get(best - 1).validationLoss(), "rises after epoch " + best);
            }
            assertEquals(Integer.toString(best), model.parameters().metadata().get("bestEpoch"));
            assertEquals("early_stopped", model.parameters().metadata().get("stopReason"));
            TrainingState end = model.trainingState().orElseThrow();
            assertEquals(stopped, end.epochsCompleted(), "the state is the last epoch's, to continue from");
            assertEquals(best, end.earlyStopping().bestEpoch());
            assertEquals(PATIENCE, end.earlyStopping().epochsWithoutImprovement());
            restored = model.predict(validation.inputs(), validation.rows());
            List<String> expected = new ArrayList<>();
            for (int e = 1; e <= stopped; e++) {
                expected.add("start " + e);
                expected.add("end " + e);
            }
            expected.add("finished " + stopped + " EARLY_STOPPED");
            assertEquals(expected, calls.calls, "every callback fires on the early-stopping path");
            assertEquals(stopped * 6, calls.batches);
        }
        try (Model atBest = builder().build().fit(train, validation, null, new Calls(best))) {
            assertArrayEquals(atBest.predict(validation.inputs(), validation.rows()), restored,
                    "the restored weights are those after epoch " + best);
        }
    }

    @Test
    void accuracyIsMaximizedAndAMinimumDeltaNoImprovementCanMeet() {
        Samples train = noisy(1, 60, 0.3);
        Samples validation = noisy(2, 300, 0);
        EarlyStopping impossible = new EarlyStopping(EarlyStopping.Monitor.VALIDATION_ACCURACY, 3, 1.0, true);
        try (Model model = builder().earlyStopping(impossible).build().fit(train, validation, null, TrainingListener.NONE)) {
            assertEquals(4, model.history().size(), "epoch 1 sets the best; no accuracy beats it by more than 1");
            assertEquals("1", model.parameters().metadata().get("bestEpoch"));
        }
        EarlyStopping accuracy = new EarlyStopping(EarlyStopping.Monitor.VALIDATION_ACCURACY, PATIENCE);
        try (Model model = builder().earlyStopping(accuracy).build().fit(train, validation, null, TrainingListener.NONE)) {
            List<EpochMetrics> h = model.history();
            double best = h.stream().mapToDouble(EpochMetrics::validationAccuracy).max().orElseThrow();
            int bestEpoch = Integer.parseInt(model.parameters().metadata().get("bestEpoch"));
            assertEquals(best, h.get(bestEpoch - 1).validationAccuracy(), "the first epoch reaching the highest accuracy");
            for (int e = 1; e < bestEpoch; e++) {
                assertTrue(h.get(e - 1).validationAccuracy() < best);
            }
        }
    }

    @Test
    void withoutRestoreBestTheLastEpochsWeightsAreKept() {
        Samples train = noisy(1, 60, 0.3);
        Samples validation = noisy(2, 300, 0);
        EarlyStopping keepLast = new EarlyStopping(EarlyStopping.Monitor.VALIDATION_LOSS, PATIENCE, 0, false);
        try (Model model = builder().earlyStopping(keepLast).build().fit(train, validation, null, TrainingListener.NONE)) {
            int stopped = model.history().size();
            TrainingState end = model.trainingState().orElseThrow();
            assertNull(end.earlyStopping().bestParameters());
            try (Model last = builder().build().fit(train, validation, null, new Calls(stopped))) {
                assertArrayEquals(last.predict(validation.inputs(), validation.rows()),
                        model.predict(validation.inputs(), validation.rows()));
            }
        }
    }

    /** A resumed run carries early stopping's progress: it stops where the uninterrupted run stopped, with its weights. */
    @Test
    void resumingInTheMiddleStopsWhereTheUninterruptedRunStopped() {
        Samples train = noisy(1, 60, 0.3);
        Samples validation = noisy(2, 300, 0);
        Trainer.Builder b = builder().earlyStopping(new EarlyStopping(EarlyStopping.Monitor.VALIDATION_LOSS, PATIENCE));
        float[] uninterrupted;
        int stopped;
        try (Model model = b.build().fit(train, validation, null, TrainingListener.NONE)) {
            uninterrupted = model.predict(validation.inputs(), validation.rows());
            stopped = model.history().size();
        }
        Trainer trainer = b.build();
        TrainingState middle;
        try (Model first = trainer.fit(train, validation, null, new Calls(stopped - 2))) {
            middle = first.trainingState().orElseThrow();
        }
        try (Model resumed = trainer.fit(train, validation, null, TrainingListener.NONE, middle)) {
            assertEquals(stopped, resumed.trainingState().orElseThrow().epochsCompleted());
            assertArrayEquals(uninterrupted, resumed.predict(validation.inputs(), validation.rows()));
            TrainingState end = resumed.trainingState().orElseThrow();
            Calls after = new Calls(-1);
            try (Model again = trainer.fit(train, validation, null, after, end)) {
                assertEquals(List.of("finished " + stopped + " EARLY_STOPPED"), after.calls,
                        "a run whose patience ran out trains no further");
                assertArrayEquals(uninterrupted, again.predict(validation.inputs(), validation.rows()));
            }
        }
    }

    @Test
    void earlyStoppingNeedsValidationDataAndSaneSettings() {
        Trainer trainer = builder().earlyStopping(new EarlyStopping(EarlyStopping.Monitor.VALIDATION_LOSS, 2)).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> trainer.fit(noisy(1, 60, 0.3), noisy(2, 50, 0), TrainingListener.NONE));
        assertTrue(e.getMessage().contains("validation"), e.getMessage());
        Trainer onAccuracy = Trainer.builder().layers(3, 4, 2).outputActivation(Activation.IDENTITY)
                .loss(dev.fastnn.network.model.Loss.MEAN_SQUARED_ERROR).backend(new NaiveBackend())
                .earlyStopping(new EarlyStopping(EarlyStopping.Monitor.VALIDATION_ACCURACY, 2)).build();
        e = assertThrows(IllegalArgumentException.class,
                () -> onAccuracy.fit(TrainerTest.waves(1), TrainerTest.waves(2), null, TrainingListener.NONE));
        assertTrue(e.getMessage().contains("validationLoss"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new EarlyStopping(EarlyStopping.Monitor.VALIDATION_LOSS, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new EarlyStopping(EarlyStopping.Monitor.VALIDATION_LOSS, 2, -1, true));
        assertEquals(EarlyStopping.Monitor.VALIDATION_ACCURACY, EarlyStopping.Monitor.parse("validationAccuracy"));
        assertThrows(IllegalArgumentException.class, () -> EarlyStopping.Monitor.parse("loss"));
    }
}
