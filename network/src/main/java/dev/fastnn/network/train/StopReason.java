package dev.fastnn.network.train;

/** Why a fit ended. */
public enum StopReason {
    /** It trained every epoch it was asked for. */
    COMPLETED,
    /** The monitored validation metric stopped improving ({@link EarlyStopping}). */
    EARLY_STOPPED,
    /** A {@link TrainingListener#shouldStop} said so. */
    LISTENER_STOPPED
}
