package dev.fastnn.network.cli;

import dev.fastnn.network.train.LearningRateSchedule;
import picocli.CommandLine.Option;

/**
 * How the learning rate moves, batch by batch: {@code --schedule}, {@code --lr-decay}, {@code --step-epochs}
 * and {@code --warmup-epochs}, mixed into {@code train}. The formulas are {@link LearningRateSchedule}'s.
 */
final class ScheduleOptions {
    @Option(names = "--schedule", paramLabel = "NAME", converter = OptionConverters.ScheduleName.class,
            completionCandidates = OptionConverters.ScheduleNames.class,
            description = "Learning-rate schedule, applied per batch: ${COMPLETION-CANDIDATES} (default: constant, "
                    + "or exponential with --lr-decay). step multiplies by --lr-decay every --step-epochs epochs, "
                    + "exponential by --lr-decay per epoch, continuously; cosine falls from 1 towards 0 over the run.")
    private String name;

    @Option(names = "--lr-decay", paramLabel = "F", converter = OptionConverters.Fraction.class,
            description = "The factor of the step and exponential schedules, in (0, 1]; alone it means "
                    + "--schedule exponential.")
    private Float decay;

    @Option(names = "--step-epochs", paramLabel = "N", converter = OptionConverters.PositiveInt.class,
            description = "Epochs between the steps of --schedule step (default: 1).")
    private Integer stepEpochs;

    @Option(names = "--warmup-epochs", paramLabel = "N", defaultValue = "0", converter = OptionConverters.Count.class,
            description = "Epochs of linear warm-up from lr/batches to lr before the schedule (default: ${DEFAULT-VALUE}).")
    private int warmupEpochs;

    /**
     * Throws when the options name no coherent schedule; needs no epoch count, so that {@code train} can ask
     * before it reads any data.
     */
    void check() throws UsageException {
        String chosen = chosen();
        boolean decays = decays(chosen);
        if (decays && decay == null) {
            throw new UsageException("--schedule " + chosen + " needs --lr-decay F, its factor");
        }
        if (!decays && decay != null) {
            throw new UsageException("--lr-decay is the factor of --schedule step or exponential, not of " + chosen);
        }
        if (stepEpochs != null && !chosen.equals("step")) {
            throw new UsageException("--step-epochs goes with --schedule step");
        }
    }

    /** The schedule these options name for a run of {@code epochs}; see {@link #check}. */
    LearningRateSchedule schedule(int epochs) throws UsageException {
        check();
        String chosen = chosen();
        boolean decays = decays(chosen);
        if (warmupEpochs >= epochs) {
            throw new UsageException("--warmup-epochs " + warmupEpochs + " leaves nothing of --epochs " + epochs
                    + " to the schedule");
        }
        return LearningRateSchedule.parse(chosen, decays ? decay : 1f, stepEpochs == null ? 1 : stepEpochs, warmupEpochs);
    }

    private String chosen() {
        return name != null ? name : decay != null ? "exponential" : "constant";
    }

    private static boolean decays(String schedule) {
        return schedule.equals("step") || schedule.equals("exponential");
    }
}
