package dev.fastnn.network.train;

/**
 * Progress of {@link Trainer#fit}, called on the thread that runs it. The default methods do nothing, so a
 * listener implements only what it shows. {@link #NONE} listens to nothing.
 *
 * <p>Every epoch that starts gets its {@link #epochStarted}, its {@link #batchFinished} calls and its
 * {@link #epochFinished}, whatever ends the run afterwards (completion, early stopping, a listener's
 * {@link #shouldStop}); {@link #trainingFinished} follows the last of them once. A run that fails (an
 * exception out of {@code fit}) ends without {@link #trainingFinished}.
 */
public interface TrainingListener {
    TrainingListener NONE = new TrainingListener() {
    };

    /** Before the first batch of {@code epoch} (1-based), which will run {@code batches} batches. */
    default void epochStarted(int epoch, int batches) {
    }

    /**
     * After batch {@code batch} (1-based) of {@code epoch}: {@code samples} samples done this epoch,
     * {@code batchLoss} the loss of this batch before its update. Called with primitives only, so that
     * reporting allocates nothing per batch.
     */
    default void batchFinished(int epoch, int batch, int batches, long samples, double batchLoss) {
    }

    /** After the epoch and its test evaluation. */
    default void epochFinished(EpochMetrics metrics) {
    }

    /**
     * Every how many epochs {@link #checkpoint} is called; 0 (the default) for never. Asked once, when the
     * run starts.
     */
    default int checkpointEvery() {
        return 0;
    }

    /**
     * With {@link #checkpointEvery} {@code n > 0}: after every epoch whose number is a multiple of {@code n},
     * and after the last epoch of the run whatever its number, the state to continue from (after
     * {@link #epochFinished} and {@link #shouldStop}). Costs one download of the parameters and the
     * optimizer's buffers.
     */
    default void checkpoint(TrainingState state) {
    }

    /** Asked after each {@link #epochFinished}: {@code true} ends training after this epoch. */
    default boolean shouldStop(EpochMetrics metrics) {
        return false;
    }

    /** Once, after the last epoch's {@link #epochFinished}: {@code epochs} epochs trained in all, and why it ended. */
    default void trainingFinished(int epochs, StopReason reason) {
    }
}
