package dev.fastnn.network.train;

import dev.fastnn.network.model.ModelParameters;
import java.util.Locale;
import java.util.Objects;

/**
 * Stop training when the monitored validation metric has not improved by more than {@code minDelta} for
 * {@code patience} epochs in a row, and (with {@code restoreBest}) hand back the weights of the best epoch
 * rather than the last.
 */
public record EarlyStopping(Monitor monitor, int patience, double minDelta, boolean restoreBest) {

    /** What is watched; the name is what the command line and metrics files call it. */
    public enum Monitor {
        VALIDATION_LOSS("validationLoss", false),
        VALIDATION_ACCURACY("validationAccuracy", true);

        private final String id;
        private final boolean higherIsBetter;

        Monitor(String id, boolean higherIsBetter) {
            this.id = id;
            this.higherIsBetter = higherIsBetter;
        }

        public String id() {
            return id;
        }

        public boolean higherIsBetter() {
            return higherIsBetter;
        }

        public static Monitor parse(String name) {
            for (Monitor m : values()) {
                if (m.id.equalsIgnoreCase(name.trim())) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown monitor '" + name + "'; valid: validationLoss, validationAccuracy");
        }
    }

    public EarlyStopping {
        Objects.requireNonNull(monitor, "monitor");
        if (patience < 1) {
            throw new IllegalArgumentException("early-stopping patience must be >= 1 epoch, got " + patience);
        }
        if (!(minDelta >= 0 && Double.isFinite(minDelta))) {
            throw new IllegalArgumentException("early-stopping minimum delta must be >= 0 and finite, got " + minDelta);
        }
    }

    /** Patience {@code patience} on {@code monitor}, no minimum delta, restoring the best epoch. */
    public EarlyStopping(Monitor monitor, int patience) {
        this(monitor, patience, 0, true);
    }

    /** Whether {@code value} beats {@code best} by more than the minimum delta. */
    public boolean improves(double value, double best) {
        if (Double.isNaN(value)) {
            return false;
        }
        if (Double.isNaN(best)) {
            return true;
        }
        return monitor.higherIsBetter ? value > best + minDelta : value < best - minDelta;
    }

    @Override
    public String toString() {
        return "earlyStopping(monitor=" + monitor.id + ", patience=" + patience + ", minDelta=" + minDelta
                + ", restoreBest=" + restoreBest + ")";
    }

    /**
     * Where early stopping stands after some epochs: the best monitored value so far (NaN before the first
     * evaluated epoch), the epoch it was reached at (0 for none), the parameters of that epoch in training
     * space (null when {@code restoreBest} is off) and how many epochs in a row have not improved on it.
     */
    public record Progress(double bestValue, int bestEpoch, ModelParameters bestParameters, int epochsWithoutImprovement) {
        public static final Progress START = new Progress(Double.NaN, 0, null, 0);

        public Progress {
            if (bestEpoch < 0 || epochsWithoutImprovement < 0) {
                throw new IllegalArgumentException("early-stopping progress needs counts >= 0, got best epoch "
                        + bestEpoch + ", " + epochsWithoutImprovement + " epochs without improvement");
            }
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "best %s at epoch %d, %d epoch(s) without improvement",
                    bestValue, bestEpoch, epochsWithoutImprovement);
        }
    }
}
