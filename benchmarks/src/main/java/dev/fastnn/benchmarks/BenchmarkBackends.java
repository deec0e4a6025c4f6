package dev.fastnn.benchmarks;

import dev.fastnn.kernels.Backend;
import dev.fastnn.kernels.BackendProvider;
import dev.fastnn.kernels.Backends;
import dev.fastnn.kernels.naive.NaiveBackend;
import dev.fastnn.kernels.vector.VectorBackend;

/**
 * The fastnn backends a benchmark's {@code backend} parameter names, each built with an explicit thread
 * count (instead of the shared instances {@link Backends#get} hands out) so that one and two threads are
 * measured side by side whatever {@code fastnn.threads} says.
 */
final class BenchmarkBackends {
    static final String NAIVE = "naive";
    static final String VECTOR = "vector";
    static final String APARAPI = "aparapi";

    private BenchmarkBackends() {
    }

    /**
     * A backend for this benchmark fork. Pointless or impossible combinations throw with the reason, so a
     * hand-picked {@code -p} that asks for one fails loudly; {@link Suite} never asks for them.
     */
    static Backend create(String name, int threads) {
        switch (name) {
            case NAIVE:
                requireOneThread(name, threads);
                return new NaiveBackend();
            case VECTOR:
                return new VectorBackend(VectorBackend.maxBits(), threads);
            case APARAPI:
                requireOneThread(name, threads);
                String reason = aparapiUnavailableReason();
                if (reason != null) {
                    throw new IllegalStateException("backend=aparapi was selected but OpenCL is not usable here: "
                            + reason + " (install an OpenCL driver such as pocl-opencl-icd, or leave aparapi out)");
                }
                return Backends.get(APARAPI);
            default:
                throw new IllegalArgumentException("unknown backend '" + name + "'; valid: naive, vector, aparapi");
        }
    }

    /** {@code null} when the OpenCL backend can run here, else why not. */
    static String aparapiUnavailableReason() {
        for (BackendProvider p : Backends.providers()) {
            if (p.name().equals(APARAPI)) {
                return p.unavailableReason();
            }
        }
        return "fastnn has no aparapi provider";
    }

    /** Backends whose thread count is fixed: a threads=2 run would only repeat threads=1 under another name. */
    static void requireOneThread(String name, int threads) {
        if (threads != 1) {
            throw new IllegalArgumentException(name + " runs on one thread (or on its OpenCL device); threads="
                    + threads + " would repeat the threads=1 measurement, use threads=1");
        }
    }
}
