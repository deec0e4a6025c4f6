package dev.fastnn.network.train;

import dev.fastnn.kernels.Backend;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The training-set floats that runs keep on each device-memory backend at once, held to
 * {@link TrainingRun#RESIDENT_FLOATS} per backend. Runs share a backend when they train concurrently (Spark
 * tasks on one executor share its backend): without a common budget each would keep its own set, and the
 * device arena with its mirror in the Java heap would grow with their number. A run that finds no room
 * writes each batch instead, which gives the same bits.
 */
final class ResidentBudget {
    private static final Map<Backend, Long> HELD = new IdentityHashMap<>();

    private ResidentBudget() {
    }

    /** Takes {@code floats} of {@code backend}'s budget if they fit beside what other runs hold; false if not. */
    static synchronized boolean reserve(Backend backend, long floats) {
        long held = HELD.getOrDefault(backend, 0L);
        if (held + floats > TrainingRun.RESIDENT_FLOATS) {
            return false;
        }
        HELD.put(backend, held + floats);
        return true;
    }

    /** Gives back what {@link #reserve} took; a backend no run holds any of is forgotten. */
    static synchronized void release(Backend backend, long floats) {
        long held = HELD.getOrDefault(backend, 0L) - floats;
        if (held < 0) {
            throw new IllegalStateException("released " + floats + " resident floats of a backend that holds "
                    + (held + floats));
        }
        if (held == 0) {
            HELD.remove(backend);
        } else {
            HELD.put(backend, held);
        }
    }

    /** What runs hold of {@code backend}'s budget now. */
    static synchronized long held(Backend backend) {
        return HELD.getOrDefault(backend, 0L);
    }
}
