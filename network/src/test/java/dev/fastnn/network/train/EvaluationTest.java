package dev.fastnn.network.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastnn.kernels.Activation;
import dev.fastnn.kernels.naive.NaiveBackend;
import dev.fastnn.network.model.LayerParameters;
import dev.fastnn.network.model.Loss;
import dev.fastnn.network.model.ModelParameters;
import dev.fastnn.network.model.Network;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Metrics against their definitions, computed here from the raw predictions rather than from the confusion matrix. */
class EvaluationTest {

    @Test
    void perClassScoresMatchTheirDefinitionsFromThePredictions() {
        int[] actual = {0, 0, 0, 1, 1, 2, 2, 2, 2, 0, 1, 2};
        int[] predicted = {0, 1, 0, 1, 2, 2, 2, 0, 2, 0, 1, 1};
        int k = 4;
        int[][] confusion = new int[k][k];
        for (int i = 0; i < actual.length; i++) {
            confusion[actual[i]][predicted[i]]++;
        }
        Evaluation e = Evaluation.classification(0.5, 7 / 12.0, confusion);
        double[] f1 = new double[k];
        for (int c = 0; c < k; c++) {
            int tp = 0;
            int fp = 0;
            int fn = 0;
            for (int i = 0; i < actual.length; i++) {
                tp += actual[i] == c && predicted[i] == c ? 1 : 0;
                fp += actual[i] != c && predicted[i] == c ? 1 : 0;
                fn += actual[i] == c && predicted[i] != c ? 1 : 0;
            }
            double p = tp + fp == 0 ? 0 : tp / (double) (tp + fp);
            double r = tp + fn == 0 ? 0 : tp / (double) (tp + fn);
            f1[c] = p + r == 0 ? 0 : 2 * tp / (double) (2 * tp + fp + fn);
            assertEquals(p, e.precision(c), 1e-12, "precision of " + c);
            assertEquals(r, e.recall(c), 1e-12, "recall of " + c);
            assertEquals(f1[c], e.f1(c), 1e-12, "F1 of " + c);
        }
        assertEquals(0, e.precision(3), "class 3 is never predicted nor present");
        assertEquals((f1[0] + f1[1] + f1[2] + f1[3]) / 4, e.macroF1(), 1e-12);
        assertEquals((e.recall(0) + e.recall(1) + e.recall(2)) / 4, e.macroRecall(), 1e-12);
        assertEquals(12, e.samples());
    }

    /** A fixed linear model (identity output), so the predictions are known in double here. */
    @Test
    void regressionMetricsMatchTheirDefinitionsInDouble() {
        float[] w = {0.5f, -1f, 2f, 0.25f, -0.75f, 1.5f};
        float[] b = {0.1f, -0.2f};
        ModelParameters p = new ModelParameters(List.of(new LayerParameters(3, 2, Activation.IDENTITY, w, b)),
                Map.of(Network.LOSS_KEY, Loss.MEAN_SQUARED_ERROR.id()));
        int n = 50;
        SplittableRandom r = new SplittableRandom(3);
        float[] x = new float[n * 3];
        float[] y = new float[n * 2];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble(-1, 1);
        }
        for (int i = 0; i < y.length; i++) {
            y[i] = (float) r.nextDouble(-2, 2);
        }
        double abs = 0;
        double sq = 0;
        double[] res = new double[2];
        double[] mean = new double[2];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 2; j++) {
                double pred = b[j];
                for (int q = 0; q < 3; q++) {
                    pred += (double) x[i * 3 + q] * w[q * 2 + j];
                }
                double d = y[i * 2 + j] - pred;
                abs += Math.abs(d);
                sq += d * d;
                res[j] += d * d;
                mean[j] += y[i * 2 + j] / (double) n;
            }
        }
        double r2 = 0;
        for (int j = 0; j < 2; j++) {
            double tot = 0;
            for (int i = 0; i < n; i++) {
                tot += Math.pow(y[i * 2 + j] - mean[j], 2);
            }
            r2 += (1 - res[j] / tot) / 2;
        }
        try (Model model = Model.of(new NaiveBackend(), p)) {
            Evaluation e = model.evaluate(Samples.regression(x, n, 3, y, 2));
            assertEquals(abs / (2 * n), e.meanAbsoluteError(), 1e-6);
            assertEquals(Math.sqrt(sq / (2 * n)), e.rootMeanSquaredError(), 1e-6);
            assertEquals(r2, e.r2(), 1e-6);
            assertEquals(sq / (2 * n), e.loss(), 1e-6, "the MSE loss is the RMSE squared");
            assertTrue(Double.isNaN(e.accuracy()) && !e.isClassification());
        }
    }

    /** The last epoch's validation metrics are the trained model's evaluation on the validation set. */
    @Test
    void regressionMetricsPerEpochAreThoseOfEvaluateOnTheValidationSet() {
        Samples train = TrainerTest.waves(1);
        Samples validation = TrainerTest.waves(2).limit(60);
        Trainer trainer = Trainer.builder().layers(3, 12, 2).hiddenActivation(Activation.TANH)
                .outputActivation(Activation.IDENTITY).loss(Loss.MEAN_SQUARED_ERROR).optimizer(new Optimizer.Adam(0.01f))
                .batchSize(16).epochs(6).backend(new NaiveBackend()).build();
        try (Model model = trainer.fit(train, validation, null, TrainingListener.NONE)) {
            EpochMetrics last = model.history().get(5);
            Evaluation e = model.evaluate(validation);
            assertEquals(e.loss(), last.validationLoss());
            assertEquals(e.meanAbsoluteError(), last.validationMeanAbsoluteError());
            assertEquals(e.rootMeanSquaredError(), last.validationRootMeanSquaredError());
            assertEquals(e.r2(), last.validationR2());
            assertTrue(last.validationR2() > model.history().get(0).validationR2(), "training explains more");
            assertTrue(Double.isNaN(last.validationAccuracy()));
        }
    }
}
