package dev.fastnn.gpukit;

/** The moment the check must be done by, so that long parts can shorten themselves instead of being cut off. */
final class Deadline {
    private final long endNanos;

    Deadline(double seconds) {
        this.endNanos = System.nanoTime() + (long) (seconds * 1e9);
    }

    double remainingSeconds() {
        return (endNanos - System.nanoTime()) / 1e9;
    }

    long remainingMillis() {
        return Math.max(0, (endNanos - System.nanoTime()) / 1_000_000);
    }
}
