package dev.fastnn.kernels.vector;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Splits one gemm, or one batch write, over a backend's own worker pool ({@link SpinningWorkers}): C is cut into
 * ranges of whole register tiles (column panels or row slivers, as {@link GemmDriver} chooses), so every element
 * is computed by the same chain of operations whatever the thread count and results are bit-identical with 1 and
 * N threads; a batch, into ranges of whole slivers.
 * The calling thread computes the first range and then runs any range no worker has picked up yet, so several
 * callers at once cannot starve each other. Each calling thread reuses its own {@link Part}s, so a split
 * allocates nothing. Closing stops the workers.
 */
final class ThreadSplit implements AutoCloseable {
    /** Computes the part of C between {@code from} and {@code to} (rows or columns). */
    interface Share {
        void run(int from, int to);
    }

    private final int threads;
    private final SpinningWorkers pool;
    private final ThreadLocal<Part[]> parts;

    /** @param threads threads a product is split over, the caller's included: at least 2 */
    ThreadSplit(int threads, String name) {
        this.threads = threads;
        this.pool = new SpinningWorkers(threads - 1, name);
        this.parts = ThreadLocal.withInitial(() -> {
            Part[] p = new Part[threads - 1];
            for (int i = 0; i < p.length; i++) {
                p[i] = new Part();
            }
            return p;
        });
    }

    int threads() {
        return threads;
    }

    /**
     * Runs {@code share} over {@code [0, limit)} cut into {@code parts} nearly equal ranges of whole
     * {@code unit}s ({@code units} of them), and returns when all are done; the first failure is rethrown.
     */
    void run(int parts, int units, int unit, int limit, Share share) {
        Part[] mine = this.parts.get();
        Thread caller = Thread.currentThread();
        for (int t = 1; t < parts; t++) {
            int from = (int) ((long) units * t / parts) * unit;
            int to = Math.min(limit, (int) ((long) units * (t + 1) / parts) * unit);
            mine[t - 1].prepare(share, from, to, caller);
            pool.offer(mine[t - 1]);
        }
        int first = Math.min(limit, (units / parts) * unit);
        Throwable failure = null;
        try {
            share.run(0, first);
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        boolean interrupted = false;
        for (int t = 1; t < parts; t++) {
            Part part = mine[t - 1];
            part.run();
            interrupted |= part.await();
            if (failure == null) {
                failure = part.failure;
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

    /**
     * One range of one split, run by whichever thread claims it first (a worker that found it in its mailbox,
     * or the caller); reused by its calling thread split after split.
     */
    static final class Part implements Runnable {
        private static final int READY = 0;
        private static final int RUNNING = 1;
        private static final int DONE = 2;

        private final AtomicInteger state = new AtomicInteger(DONE);
        // Written before the volatile write of READY and read after a successful claim: published by it.
        private Share share;
        private int from;
        private int to;
        private Thread caller;
        /** Written before DONE, read after it. */
        private Throwable failure;

        void prepare(Share share, int from, int to, Thread caller) {
            this.share = share;
            this.from = from;
            this.to = to;
            this.caller = caller;
            this.failure = null;
            state.set(READY);
        }

        /** Runs the range unless another thread has claimed it; a stale hand-over finds it done and does nothing. */
        @Override
        public void run() {
            if (!state.compareAndSet(READY, RUNNING)) {
                return;
            }
            Thread waiting = caller;
            try {
                share.run(from, to);
            } catch (RuntimeException | Error e) {
                failure = e;
            } finally {
                share = null;
                state.set(DONE);
                LockSupport.unpark(waiting);
            }
        }

        /**
         * Spins, then parks, until the range is done; C must be complete before the split returns, so an interrupt
         * does not end the wait: returns whether there was one, for the caller to restore.
         */
        boolean await() {
            long start = System.nanoTime();
            while (state.get() != DONE && System.nanoTime() - start < SpinningWorkers.SPIN_NANOS) {
                Thread.onSpinWait();
            }
            boolean interrupted = false;
            while (state.get() != DONE) {
                LockSupport.park(this);
                interrupted |= Thread.interrupted();
            }
            return interrupted;
        }
    }
}
