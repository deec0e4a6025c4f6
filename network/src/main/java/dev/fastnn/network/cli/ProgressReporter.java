package dev.fastnn.network.cli;

import dev.fastnn.network.train.EpochMetrics;
import dev.fastnn.network.train.TrainingListener;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Shows training progress ({@code --progress}): a bar per epoch (batches, loss so far, samples/s) redrawn in
 * place at most ten times a second and then one plain line per epoch, or only the lines, or nothing.
 *
 * <p>The bar's loss is the epoch's loss so far, computed as {@link dev.fastnn.network.train.Trainer} computes
 * the epoch's: for a mean loss the sample-weighted mean of the batch losses, for a summed loss (the article's
 * sum of squared errors) their sum. So the bar's last value is the value the epoch line prints.
 */
final class ProgressReporter implements TrainingListener {
    private static final int BAR = 30;
    private static final long REDRAW_NANOS = 100_000_000L;

    /** What {@code --progress} chooses; {@link #AUTO} is a bar on a terminal, lines elsewhere (a log, a pipe). */
    enum Mode {
        AUTO, BAR, LINES, NONE;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }

        Mode resolve(boolean terminal) {
            return this != AUTO ? this : terminal ? BAR : LINES;
        }

        static final class Converter implements ITypeConverter<Mode> {
            @Override
            public Mode convert(String value) {
                for (Mode m : values()) {
                    if (m.toString().equals(value.trim().toLowerCase(Locale.ROOT))) {
                        return m;
                    }
                }
                throw new TypeConversionException("unknown progress '" + value + "'; valid: "
                        + String.join(", ", new Names()));
            }
        }

        static final class Names implements Iterable<String> {
            @Override
            public Iterator<String> iterator() {
                return Arrays.stream(values()).map(Mode::toString).iterator();
            }
        }
    }

    private final PrintWriter out;
    private final Mode mode;
    private final int epochs;
    private final boolean meanLoss;
    private long epochStart;
    private long lastDraw;
    private double lossSum;
    private long samplesDone;
    private boolean barShown;

    /**
     * {@code terminal}: whether {@code out} is a terminal, for {@link Mode#AUTO}; {@code meanLoss}:
     * {@code Loss.isMean()} of the loss being trained.
     */
    ProgressReporter(PrintWriter out, Mode mode, boolean terminal, int epochs, boolean meanLoss) {
        this.out = out;
        this.mode = mode.resolve(terminal);
        this.epochs = epochs;
        this.meanLoss = meanLoss;
    }

    @Override
    public void epochStarted(int epoch, int batches) {
        epochStart = System.nanoTime();
        lastDraw = 0;
        lossSum = 0;
        samplesDone = 0;
    }

    @Override
    public void batchFinished(int epoch, int batch, int batches, long samples, double batchLoss) {
        lossSum += meanLoss ? batchLoss * (samples - samplesDone) : batchLoss;
        samplesDone = samples;
        if (mode != Mode.BAR) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastDraw < REDRAW_NANOS && batch < batches) {
            return;
        }
        lastDraw = now;
        barShown = true;
        int filled = (int) ((long) BAR * batch / batches);
        double seconds = Math.max((now - epochStart) / 1e9, 1e-9);
        out.printf("\repoch %d/%d [%s%s] %d/%d loss %.4f %,.0f samples/s ", epoch, epochs, "=".repeat(filled),
                " ".repeat(BAR - filled), batch, batches, lossSoFar(), samples / seconds);
        out.flush();
    }

    /** The epoch's loss over its batches so far, the value the bar shows. */
    double lossSoFar() {
        return meanLoss ? lossSum / samplesDone : lossSum;
    }

    @Override
    public void epochFinished(EpochMetrics m) {
        if (mode == Mode.NONE) {
            return;
        }
        clearBar();
        StringBuilder scores = new StringBuilder();
        if (!Double.isNaN(m.trainingAccuracy())) {
            scores.append(String.format("  training accuracy %.2f%%", 100 * m.trainingAccuracy()));
        }
        if (!Double.isNaN(m.validationLoss())) {
            scores.append(String.format("  validation loss %.4f", m.validationLoss()));
        }
        if (!Double.isNaN(m.validationAccuracy())) {
            scores.append(String.format(" accuracy %.2f%%", 100 * m.validationAccuracy()));
        }
        if (!Double.isNaN(m.validationRootMeanSquaredError())) {
            scores.append(regression(m.validationMeanAbsoluteError(), m.validationRootMeanSquaredError(),
                    m.validationR2()));
        }
        if (!Double.isNaN(m.testAccuracy())) {
            scores.append(String.format("  test accuracy %.2f%%", 100 * m.testAccuracy()));
        }
        if (!Double.isNaN(m.testRootMeanSquaredError())) {
            scores.append("  test").append(regression(m.testMeanAbsoluteError(), m.testRootMeanSquaredError(),
                    m.testR2()));
        }
        out.printf("epoch %d/%d  loss %.4f%s  %.3f s%n", m.epoch(), epochs, m.loss(), scores, m.seconds());
        out.flush();
    }

    /** A regression's scores, as the validation and the test sets print them. */
    private static String regression(double meanAbsoluteError, double rootMeanSquaredError, double r2) {
        return String.format(" MAE %.4g RMSE %.4g R^2 %.4f", meanAbsoluteError, rootMeanSquaredError, r2);
    }

    /** Takes a bar drawn so far off its line, so that what follows (the epoch line, an error) starts clean. */
    void clearBar() {
        if (barShown) {
            out.print("\r" + " ".repeat(100) + "\r");
            out.flush();
            barShown = false;
        }
    }
}
