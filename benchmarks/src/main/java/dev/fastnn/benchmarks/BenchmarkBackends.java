package dev.fastnn.benchmarks;

import dev.fastnn.kernels.Backend;
import dev.fastnn.kernels.BackendProvider;
import dev.fastnn.kernels.Backends;
import java.util.ArrayList;
import java.util.List;

/**
 * What a benchmark's {@code backend} parameter can name, and which of those take a thread count: fastnn's
 * backends as {@link Backends} lists them (and says which take threads), then the two reference BLAS libraries
 * that exist only in this module (see {@link GemmContender}). Every other class of this module asks here.
 *
 * <p>A fastnn backend is built with an explicit thread count ({@link Backends#create}) rather than taken from
 * the shared instances, so that one and two threads are measured side by side whatever {@code fastnn.threads}
 * says; the benchmark closes it.
 */
final class BenchmarkBackends {
    /** Native OpenBLAS through bytedeco; its thread count is pinned per fork. */
    static final String OPENBLAS = "openblas";
    /** netlib's pure-Java BLAS, single-threaded. */
    static final String NETLIB = "netlib";

    private BenchmarkBackends() {
    }

    /** fastnn's backends, in {@link Backends}' order: naive, vector, aparapi. */
    static List<String> fastnn() {
        return Backends.providers().stream().map(BackendProvider::name).toList();
    }

    /** Everything the gemm benchmarks compare: fastnn's backends, then the reference libraries. */
    static List<String> gemmContenders() {
        List<String> all = new ArrayList<>(fastnn());
        all.add(OPENBLAS);
        all.add(NETLIB);
        return List.copyOf(all);
    }

    /** Whether {@code threads} other than 1 mean anything for this contender. */
    static boolean takesThreads(String name) {
        if (name.equals(OPENBLAS)) {
            return true;
        }
        if (name.equals(NETLIB)) {
            return false;
        }
        return fastnn().contains(name) && Backends.provider(name).takesThreads();
    }

    /**
     * A new fastnn backend for this benchmark fork, which closes it. Pointless or impossible combinations throw
     * with the reason, so a hand-picked {@code -p} that asks for one fails loudly; {@link Suite} never asks for them.
     */
    static Backend create(String name, int threads) {
        requireMeaningfulThreads(name, threads);
        if (name.equals(Backends.APARAPI)) {
            String reason = aparapiUnavailableReason();
            if (reason != null) {
                throw new IllegalStateException("backend=aparapi was selected but OpenCL is not usable here: "
                        + reason + " (install an OpenCL driver such as pocl-opencl-icd, or leave aparapi out)");
            }
        }
        return Backends.create(name, threads);
    }

    /** {@code null} when the OpenCL backend can run here, else why not. */
    static String aparapiUnavailableReason() {
        return Backends.provider(Backends.APARAPI).unavailableReason();
    }

    /** A contender with a fixed thread count: threads=2 would only repeat threads=1 under another name. */
    static void requireMeaningfulThreads(String name, int threads) {
        if (threads != 1 && !takesThreads(name)) {
            throw new IllegalArgumentException(name + " runs on one thread (or on its OpenCL device); threads="
                    + threads + " would repeat the threads=1 measurement, use threads=1");
        }
    }
}
