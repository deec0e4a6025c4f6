package dev.fastnn.network.cli;

import dev.fastnn.network.train.EarlyStopping;
import picocli.CommandLine.Option;

/** {@code --early-stopping}, {@code --monitor}, {@code --min-delta}, mixed into {@code train}. */
final class EarlyStoppingOptions {
    @Option(names = "--early-stopping", paramLabel = "PATIENCE", converter = OptionConverters.PositiveInt.class,
            description = "Stop when the monitored validation metric has not improved for PATIENCE epochs, and keep "
                    + "the best epoch's weights; needs a validation set.")
    private Integer patience;

    @Option(names = "--monitor", paramLabel = "NAME", converter = OptionConverters.MonitorName.class,
            completionCandidates = OptionConverters.MonitorNames.class,
            description = "What --early-stopping watches: ${COMPLETION-CANDIDATES} (default: validationLoss).")
    private EarlyStopping.Monitor monitor;

    @Option(names = "--min-delta", paramLabel = "D", converter = OptionConverters.NonNegativeFloat.class,
            description = "How much the monitored metric must improve to count (default: 0).")
    private Float minDelta;

    /** The early stopping asked for, or null; {@code --monitor} or {@code --min-delta} alone is a usage error. */
    EarlyStopping earlyStopping() throws UsageException {
        if (patience == null) {
            if (monitor != null || minDelta != null) {
                throw new UsageException((monitor != null ? "--monitor" : "--min-delta") + " goes with --early-stopping");
            }
            return null;
        }
        return new EarlyStopping(monitor == null ? EarlyStopping.Monitor.VALIDATION_LOSS : monitor, patience,
                minDelta == null ? 0 : minDelta, true);
    }
}
