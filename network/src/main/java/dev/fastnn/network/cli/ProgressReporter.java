package dev.fastnn.network.cli;

import dev.fastnn.network.train.EpochMetrics;
import dev.fastnn.network.train.TrainingListener;
import java.io.PrintWriter;

/**
 * Shows training progress: on a terminal a bar per epoch (batches, running loss, samples/s) redrawn in
 * place at most ten times a second; otherwise (a log file, a pipe) only one plain line per epoch.
 */
final class ProgressReporter implements TrainingListener {
    private static final int BAR = 30;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintWriter out;
    private final boolean terminal;
    private final int epochs;
    private long epochStart;
    private long lastDraw;
    private double runningLoss;
    private int runningBatches;

    ProgressReporter(PrintWriter out, boolean terminal, int epochs) {
        this.out = out;
        this.terminal = terminal;
        this.epochs = epochs;
    }

    @Override
    public void epochStarted(int epoch, int batches) {
        epochStart = System.nanoTime();
        lastDraw = 0;
        runningLoss = 0;
        runningBatches = 0;
    }

    @Override
    public void batchFinished(int epoch, int batch, int batches, long samples, double batchLoss) {
        runningLoss += batchLoss;
        runningBatches++;
        if (!terminal) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastDraw < REDRAW_NANOS && batch < batches) {
            return;
        }
        lastDraw = now;
        int filled = (int) ((long) BAR * batch / batches);
        double seconds = Math.max((now - epochStart) / 1e9, 1e-9);
        out.printf("\repoch %d/%d [%s%s] %d/%d loss %.4f %,.0f samples/s ", epoch, epochs, "=".repeat(filled),
                " ".repeat(BAR - filled), batch, batches, runningLoss / runningBatches, samples / seconds);
        out.flush();
    }

    @Override
    public void epochFinished(EpochMetrics m) {
        if (terminal) {
            out.print("\r" + " ".repeat(100) + "\r");
        }
        String accuracy = Double.isNaN(m.testAccuracy()) ? "" : String.format("  test accuracy %.2f%%", 100 * m.testAccuracy());
        out.printf("epoch %d/%d  loss %.4f%s  %.3f s%n", m.epoch(), epochs, m.loss(), accuracy, m.seconds());
        out.flush();
    }
}
