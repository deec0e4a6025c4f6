package dev.fastnn.network.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastnn.network.train.EpochMetrics;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressReporterTest {

    private static String report(boolean terminal) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressReporter p = new ProgressReporter(new PrintWriter(new java.io.OutputStreamWriter(bytes, StandardCharsets.UTF_8), true), terminal, 2);
        for (int epoch = 1; epoch <= 2; epoch++) {
            p.epochStarted(epoch, 3);
            for (int batch = 1; batch <= 3; batch++) {
                p.batchFinished(epoch, batch, 3, batch * 10L, 0.5);
            }
            p.epochFinished(new EpochMetrics(epoch, 0.25, 0.5, epoch == 1 ? 0.8125 : Double.NaN));
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void plainOutputHasOneLinePerEpochAndNoCarriageReturns() {
        String out = report(false);
        assertEquals("epoch 1/2  loss 0.5000  test accuracy 81.25%  0.250 s\nepoch 2/2  loss 0.5000  0.250 s\n",
                out.replace(System.lineSeparator(), "\n"));
    }

    @Test
    void terminalOutputRedrawsABarThatEndsFullThenPrintsTheEpochLine() {
        String out = report(true);
        assertTrue(out.contains("\repoch 1/2 [" + "=".repeat(30) + "] 3/3 loss 0.5000"), out);
        assertTrue(out.contains("samples/s"), out);
        assertTrue(out.contains("epoch 1/2  loss 0.5000  test accuracy 81.25%  0.250 s"), out);
    }
}
