package dev.fastnn.gpukit;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Seconds per call of some work, timed honestly: two warm-up calls first (kernel compilation, JIT, first
 * buffers), then repetitions of enough calls each to last {@value #MIN_REPETITION_SECONDS} s, each ended by
 * {@code finish} (which waits until the device has done all it was given) before the clock stops; the
 * median repetition is the figure.
 *
 * @param median seconds per call in the median repetition
 * @param fastest seconds per call in the fastest repetition
 * @param slowest seconds per call in the slowest repetition
 * @param repetitions repetitions timed
 * @param callsPerRepetition calls in each repetition
 */
record Timing(double median, double fastest, double slowest, int repetitions, int callsPerRepetition) {
    static final double MIN_REPETITION_SECONDS = 0.05;
    /** Fewer repetitions than this make no median worth the name; the deadline may not cut below it. */
    static final int MIN_REPETITIONS = 3;

    /**
     * Times {@code work}; {@code repetitions} is cut to fit {@code budgetSeconds} (never below
     * {@value #MIN_REPETITIONS}).
     */
    static Timing of(Runnable work, Runnable finish, int repetitions, double budgetSeconds) {
        work.run();
        finish.run();
        long t0 = System.nanoTime();
        work.run();
        finish.run();
        double once = Math.max((System.nanoTime() - t0) / 1e9, 1e-7);
        int calls = (int) Math.min(1000, Math.ceil(MIN_REPETITION_SECONDS / once));
        int fitting = (int) Math.floor(budgetSeconds / (once * calls));
        int reps = Math.max(MIN_REPETITIONS, Math.min(repetitions, fitting));
        double[] perCall = new double[reps];
        for (int r = 0; r < reps; r++) {
            long start = System.nanoTime();
            for (int c = 0; c < calls; c++) {
                work.run();
            }
            finish.run();
            perCall[r] = (System.nanoTime() - start) / 1e9 / calls;
        }
        return of(perCall, calls);
    }

    /** The figure of already measured seconds per call (epochs, say). */
    static Timing of(double[] perCall, int callsPerRepetition) {
        double[] sorted = perCall.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new Timing(median, sorted[0], sorted[n - 1], n, callsPerRepetition);
    }

    Map<String, Object> figures() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("medianSeconds", median);
        m.put("fastestSeconds", fastest);
        m.put("slowestSeconds", slowest);
        m.put("repetitions", repetitions);
        m.put("callsPerRepetition", callsPerRepetition);
        return m;
    }
}
