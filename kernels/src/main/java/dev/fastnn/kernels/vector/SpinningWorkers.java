package dev.fastnn.kernels.vector;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;

/**
 * Daemon threads that take shares of a gemm from one queue and, once idle, poll it for {@value #SPIN_NANOS} ns
 * before they park. Waking a parked thread costs tens to hundreds of microseconds on a virtual machine (the
 * idle vCPU has to be woken by the hypervisor), as long as a whole share of a 128 x 784 x 256 product: with a
 * parked pool two threads were no faster than one on the products of a training step, which come a few
 * hundred microseconds apart. Spinning is bounded, so an idle backend costs nothing after a millisecond.
 * {@link #close()} ends the threads; a task queued after that is never taken, so its submitter runs it
 * (as {@link ThreadSplit} does with every task no worker has started).
 */
final class SpinningWorkers implements Executor, AutoCloseable {
    /** How long an idle worker, or a caller waiting for a share, polls before it parks. */
    static final long SPIN_NANOS = 1_000_000;

    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final Worker[] workers;
    private volatile boolean closed;

    SpinningWorkers(int count, String name) {
        workers = new Worker[count];
        for (int i = 0; i < count; i++) {
            workers[i] = new Worker(name + "-" + (i + 1));
            workers[i].start();
        }
    }

    @Override
    public void execute(Runnable task) {
        queue.offer(task);
        for (Worker w : workers) {
            // Read after the offer: a worker that set the flag before this read polls the queue again before parking.
            if (w.parking) {
                LockSupport.unpark(w);
            }
        }
    }

    /** Ends every worker once it has finished the task it is running, and waits for them to end. */
    @Override
    public void close() {
        closed = true;
        boolean interrupted = false;
        for (Worker w : workers) {
            LockSupport.unpark(w);
            while (w.isAlive()) {
                try {
                    w.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Spins until {@code task} is done, then parks in {@link Future#get} if it is still running. */
    static void awaitSpinning(Future<?> task) {
        long start = System.nanoTime();
        while (!task.isDone() && System.nanoTime() - start < SPIN_NANOS) {
            Thread.onSpinWait();
        }
    }

    private final class Worker extends Thread {
        volatile boolean parking;

        Worker(String name) {
            super(name);
            setDaemon(true);
        }

        @Override
        public void run() {
            long idleSince = System.nanoTime();
            while (!closed) {
                Runnable task = queue.poll();
                if (task == null && System.nanoTime() - idleSince < SPIN_NANOS) {
                    Thread.onSpinWait();
                    continue;
                }
                if (task == null) {
                    parking = true;
                    task = queue.poll();
                    if (task == null && !closed) {
                        LockSupport.park(this);
                    }
                    parking = false;
                }
                if (task != null) {
                    task.run();
                }
                idleSince = System.nanoTime();
            }
        }
    }
}
