package dev.fastnn.network.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fastnn.kernels.Activation;
import dev.fastnn.kernels.naive.NaiveBackend;
import dev.fastnn.network.model.LayerParameters;
import dev.fastnn.network.model.Loss;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each schedule against its formula, written here in terms of the fractional epoch {@code p = t / B} (a
 * different route from the schedule's own arithmetic), for every batch of a run whose last batch per epoch is
 * short; and the trainer applying the factor batch by batch, not epoch by epoch.
 */
class LearningRateScheduleTest {
    private static final int EPOCHS = 5;
    /** 10 rows in batches of 3: 3 full batches and a tail of 1 per epoch. */
    private static final int ROWS = 10;
    private static final int BATCH = 3;
    private static final int BATCHES = 4;

    static Stream<LearningRateSchedule> schedules() {
        return Stream.of(new LearningRateSchedule.Constant(0), new LearningRateSchedule.Constant(2),
                new LearningRateSchedule.Step(2, 0.5f, 0), new LearningRateSchedule.Step(1, 0.3f, 1),
                new LearningRateSchedule.Exponential(0.7f, 0), new LearningRateSchedule.Exponential(0.9f, 2),
                new LearningRateSchedule.Cosine(0), new LearningRateSchedule.Cosine(1));
    }

    /** The formula of the class comment, from the fractional epoch. */
    private static double formula(LearningRateSchedule schedule, int t) {
        double p = t / (double) BATCHES;
        double warm = schedule.warmupEpochs();
        if (p < warm) {
            return (p + 1.0 / BATCHES) / warm;
        }
        double after = p - warm;
        if (schedule instanceof LearningRateSchedule.Step s) {
            return Math.pow(s.factor(), Math.floor(after / s.every()));
        }
        if (schedule instanceof LearningRateSchedule.Exponential e) {
            return Math.pow(e.decay(), after);
        }
        if (schedule instanceof LearningRateSchedule.Cosine) {
            return 0.5 * (1 + Math.cos(Math.PI * after / (EPOCHS - warm)));
        }
        return 1;
    }

    @ParameterizedTest
    @MethodSource("schedules")
    void eachScheduleMatchesItsFormulaPerBatch(LearningRateSchedule schedule) {
        for (int epoch = 1; epoch <= EPOCHS; epoch++) {
            for (int batch = 0; batch < BATCHES; batch++) {
                int t = (epoch - 1) * BATCHES + batch;
                double expected = formula(schedule, t);
                assertEquals(expected, schedule.factor(epoch, batch, BATCHES, EPOCHS), 1e-6 * expected,
                        schedule + " at epoch " + epoch + ", batch " + batch);
            }
        }
    }

    @Test
    void warmupRisesLinearlyToOneAndCosineEndsNearZero() {
        LearningRateSchedule cosine = new LearningRateSchedule.Cosine(2);
        assertEquals(1f / 8, cosine.factor(1, 0, BATCHES, EPOCHS));
        assertEquals(1f, cosine.factor(2, 3, BATCHES, EPOCHS));
        assertEquals(1f, cosine.factor(3, 0, BATCHES, EPOCHS));
        double last = cosine.factor(EPOCHS, BATCHES - 1, BATCHES, EPOCHS);
        assertEquals(0.5 * (1 + Math.cos(Math.PI * 11 / 12)), last, 1e-7);
        assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule.Step(0, 0.5f, 0));
        assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule.Exponential(1.5f, 0));
        assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule.Cosine(-1));
    }

    /**
     * On all-zero inputs the weights' data gradient is exactly zero, so plain steps with weight decay only
     * shrink them: after training, {@code W = W0 prod_t (1 - lr f_t wd)} in float, step by step, with
     * {@code f_t} the factor of batch {@code t}. A factor applied per epoch instead gives other weights.
     */
    @ParameterizedTest
    @MethodSource("schedules")
    void theTrainerAppliesTheFactorOfEveryBatch(LearningRateSchedule schedule) {
        float lr = 0.5f;
        float decay = 0.1f;
        Samples zeros = Samples.regression(new float[ROWS * 3], ROWS, 3, new float[ROWS * 2], 2);
        Trainer.Builder b = Trainer.builder().layers(3, 2).outputActivation(Activation.IDENTITY)
                .loss(Loss.MEAN_SQUARED_ERROR).optimizer(new Optimizer.Sgd(lr)).schedule(schedule)
                .regularization(new Regularization(0f, decay)).batchSize(BATCH).epochs(EPOCHS).seed(9)
                .backend(new NaiveBackend());
        float[] expected = b.build().initialState(null).parameters().layers().get(0).weights();
        float[] perEpoch = expected.clone();
        boolean variesWithinEpochs = false;
        for (int epoch = 1; epoch <= EPOCHS; epoch++) {
            for (int batch = 0; batch < BATCHES; batch++) {
                float keep = 1f - lr * schedule.factor(epoch, batch, BATCHES, EPOCHS) * decay;
                float keepAtEpochStart = 1f - lr * schedule.factor(epoch, 0, BATCHES, EPOCHS) * decay;
                variesWithinEpochs |= keep != keepAtEpochStart;
                for (int i = 0; i < expected.length; i++) {
                    expected[i] = keep * expected[i];
                    perEpoch[i] = keepAtEpochStart * perEpoch[i];
                }
            }
        }
        try (Model model = b.build().fit(zeros)) {
            LayerParameters trained = model.parameters().layers().get(0);
            assertArrayEquals(expected, trained.weights(), schedule.toString());
            if (variesWithinEpochs) {
                assertFalse(Arrays.equals(perEpoch, trained.weights()), "a factor per epoch would differ");
            }
        }
    }
}
