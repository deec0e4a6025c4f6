package dev.fastnn.network.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastnn.kernels.Activation;
import dev.fastnn.kernels.Backends;
import dev.fastnn.network.model.Loss;
import dev.fastnn.network.train.EpochMetrics;
import dev.fastnn.network.train.Model;
import dev.fastnn.network.train.Optimizer;
import dev.fastnn.network.train.Samples;
import dev.fastnn.network.train.Trainer;
import dev.fastnn.network.train.TrainingListener;
import java.io.ByteArrayOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ProgressReporterTest {

    private static String report(ProgressReporter.Mode mode, boolean terminal) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintWriter out = new PrintWriter(new OutputStreamWriter(bytes, StandardCharsets.UTF_8), true);
        ProgressReporter p = new ProgressReporter(out, mode, terminal, 2, true);
        for (int epoch = 1; epoch <= 2; epoch++) {
            p.epochStarted(epoch, 3);
            for (int batch = 1; batch <= 3; batch++) {
                p.batchFinished(epoch, batch, 3, batch * 10L, 0.5);
            }
            p.epochFinished(new EpochMetrics(epoch, 0.25, 0.5, epoch == 1 ? 0.8125 : Double.NaN));
        }
        return bytes.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
    }

    private static final String LINES = "epoch 1/2  loss 0.5000  test accuracy 81.25%  0.250 s\nepoch 2/2  loss 0.5000  0.250 s\n";

    @Test
    void linesAreOnePlainLinePerEpochWithoutCarriageReturns() {
        assertEquals(LINES, report(ProgressReporter.Mode.LINES, true));
    }

    @Test
    void theBarIsRedrawnInPlaceEndsFullAndIsFollowedByTheEpochLine() {
        String out = report(ProgressReporter.Mode.BAR, false);
        assertTrue(out.contains("\repoch 1/2 [" + "=".repeat(30) + "] 3/3 loss 0.5000"), out);
        assertTrue(out.contains("samples/s"), out);
        assertTrue(out.contains("epoch 1/2  loss 0.5000  test accuracy 81.25%  0.250 s\n"), out);
    }

    @Test
    void noneIsSilent() {
        assertEquals("", report(ProgressReporter.Mode.NONE, true));
    }

    @Test
    void autoIsABarOnATerminalAndLinesElsewhere() {
        assertTrue(report(ProgressReporter.Mode.AUTO, true).contains("\repoch 1/2 [" + "=".repeat(30) + "] 3/3"));
        assertEquals(LINES, report(ProgressReporter.Mode.AUTO, false));
    }

    /**
     * Batches of different sizes (70 samples in batches of 16, the last of 6) and losses that fall: a plain
     * mean of the batch losses would differ from the epoch's sample-weighted loss, which the Trainer computes.
     */
    @ParameterizedTest
    @EnumSource(value = Loss.class)
    void theBarsLossAtTheEndOfAnEpochIsTheTrainersEpochLoss(Loss loss) {
        SplittableRandom r = new SplittableRandom(3);
        int rows = 70;
        float[] x = new float[rows * 2];
        int[] labels = new int[rows];
        for (int i = 0; i < rows; i++) {
            labels[i] = i % 2;
            x[2 * i] = (float) (labels[i] + r.nextDouble(-0.7, 0.7));
            x[2 * i + 1] = (float) r.nextDouble(-1, 1);
        }
        Samples data = Samples.classification(x, rows, 2, labels, 2);
        Trainer trainer = Trainer.builder().layers(2, 5, 2).hiddenActivation(Activation.TANH).loss(loss)
                .optimizer(new Optimizer.Sgd(0.1f)).batchSize(16).epochs(3).seed(5).backend(Backends.get("naive"))
                .build();
        ProgressReporter reporter = new ProgressReporter(new PrintWriter(new ByteArrayOutputStream()),
                ProgressReporter.Mode.BAR, false, 3, loss.isMean());
        List<double[]> compared = new ArrayList<>();
        TrainingListener both = new TrainingListener() {
            @Override
            public void epochStarted(int epoch, int batches) {
                reporter.epochStarted(epoch, batches);
            }

            @Override
            public void batchFinished(int epoch, int batch, int batches, long samples, double batchLoss) {
                reporter.batchFinished(epoch, batch, batches, samples, batchLoss);
            }

            @Override
            public void epochFinished(EpochMetrics m) {
                compared.add(new double[] {reporter.lossSoFar(), m.loss()});
                reporter.epochFinished(m);
            }
        };
        try (Model ignored = trainer.fit(data, null, both)) {
            assertEquals(3, compared.size());
            for (double[] pair : compared) {
                assertEquals(pair[1], pair[0], loss + ": bar " + pair[0] + ", epoch " + pair[1]);
            }
        }
    }
}
