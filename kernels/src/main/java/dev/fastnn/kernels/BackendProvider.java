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

    /** Whether {@code auto} should take it ahead of the CPU SIMD backend (an OpenCL GPU: yes; an OpenCL CPU device: no). */
    default boolean preferredByAuto() {
        return false;
    }

    /** Lines for {@code fastnn backends}: widths, devices, whatever tells a user what they would get. */
    default List<String> details() {
        return List.of();
    }

    /** A new backend; only called when {@link #unavailableReason()} is {@code null}. */
    Backend create();

    /**
     * A new backend that computes on {@code threads} threads, for callers that size their own parallelism.
     * Backends without a thread pool of their own (naive, OpenCL) are the same as {@link #create()}.
     */
    default Backend create(int threads) {
        return create();
    }
}
