package dev.fastnn.kernels;

import java.util.List;

/**
 * What {@link Backends} needs to know of one implementation before committing to it. A provider must be
 * cheap to load: it may not link the classes its backend needs (the Vector API module, Aparapi's native
 * library) until {@link #unavailableReason()} or {@link #create()} is called.
 */
public interface BackendProvider {

    /** The name users select it by. */
    String name();

    /** {@code null} when the backend can run here; otherwise one sentence: what is missing and how to fix it. */
    String unavailableReason();

    /**
     * Whether {@code auto} takes this backend ahead of the CPU SIMD backend (an OpenCL GPU: yes; an OpenCL CPU
     * device: no). Every {@code auto} asks, so where the answer can be known without loading native code it
     * must be: a library user who never chose this backend should not hear from it.
     */
    default AutoPreference autoPreference() {
        return AutoPreference.passedOver("auto prefers only a GPU backend");
    }

    /** Lines for {@code fastnn backends}: widths, devices, whatever tells a user what they would get. */
    default List<String> details() {
        return List.of();
    }

    /** A new backend; only called when {@link #unavailableReason()} is {@code null}. */
    Backend create();

    /** Whether {@link #create(int)} honours its thread count (the vector backend); the others ignore it. */
    default boolean takesThreads() {
        return false;
    }

    /**
     * A new backend that computes on {@code threads} threads, for callers that size their own parallelism.
     * Backends without a thread pool of their own (naive, OpenCL) are the same as {@link #create()}.
     */
    default Backend create(int threads) {
        return create();
    }

    /**
     * What {@code auto} makes of a backend: taken ahead of the CPU SIMD backend, or passed over for a reason.
     * Passing over is normal where the machine has no GPU; it is worth a warning where one was found but cannot
     * be used, since then the user can fix something.
     *
     * @param reason  why it was passed over, a phrase; {@code null} when preferred
     */
    record AutoPreference(boolean preferred, String reason, boolean worthAWarning) {
        public static final AutoPreference PREFERRED = new AutoPreference(true, null, false);

        /** Passed over as a matter of course (no GPU here). */
        public static AutoPreference passedOver(String reason) {
            return new AutoPreference(false, reason, false);
        }

        /** Passed over although a GPU is there: something the user can fix is in the way. */
        public static AutoPreference blocked(String reason) {
            return new AutoPreference(false, reason, true);
        }
    }
}
