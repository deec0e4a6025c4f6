package dev.fastnn.kernels.vector;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Splits one gemm over a backend's own worker pool ({@link SpinningWorkers}): C is cut into ranges of whole
 * register tiles (column panels or row slivers, as {@link GemmDriver} chooses), so every element is computed by
 * the same chain of operations whatever the thread count and results are bit-identical with 1 and N threads.
 * The calling thread computes the first range and then runs any range no worker has picked up yet, so several
 * callers at once cannot starve each other. Closing stops the workers.
 */
final class ThreadSplit implements AutoCloseable {
    /** Computes the part of C between {@code from} and {@code to} (rows or columns). */
    interface Share {
        void run(int from, int to);
    }

    private final int threads;
    private final SpinningWorkers pool;

    /** @param threads threads a product is split over, the caller's included: at least 2 */
    ThreadSplit(int threads, String name) {
        this.threads = threads;
        this.pool = new SpinningWorkers(threads - 1, name);
    }

    int threads() {
        return threads;
    }

    /**
     * Runs {@code share} over {@code [0, limit)} cut into {@code parts} nearly equal ranges of whole
     * {@code unit}s ({@code units} of them), and returns when all are done; the first failure is rethrown.
     */
    void run(int parts, int units, int unit, int limit, Share share) {
        @SuppressWarnings("unchecked")
        FutureTask<Void>[] tasks = (FutureTask<Void>[]) new FutureTask<?>[parts - 1];
        for (int t = 1; t < parts; t++) {
            int from = (int) ((long) units * t / parts) * unit;
            int to = Math.min(limit, (int) ((long) units * (t + 1) / parts) * unit);
            tasks[t - 1] = new FutureTask<>(() -> share.run(from, to), null);
            pool.execute(tasks[t - 1]);
        }
        int first = Math.min(limit, (units / parts) * unit);
        Throwable failure = null;
        try {
            share.run(0, first);
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        boolean interrupted = false;
        for (FutureTask<Void> task : tasks) {
            task.run();
            SpinningWorkers.awaitSpinning(task);
            while (true) {
                try {
                    task.get();
                    break;
                } catch (InterruptedException e) {
                    // C must be complete before returning, so keep waiting and restore the flag afterwards.
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (failure == null) {
                        failure = e.getCause();
                    }
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure instanceof RuntimeException r) {
            throw r;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
    }

    /** Stops the workers and waits for them to end. */
    @Override
    public void close() {
        pool.close();
    }
}
