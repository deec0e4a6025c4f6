package dev.fastnn.kernels.vector;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Daemon threads that take shares of a gemm and, once idle, poll for the next for {@value #SPIN_NANOS} ns
 * before they park. Waking a parked thread costs tens to hundreds of microseconds on a virtual machine (the
 * idle vCPU has to be woken by the hypervisor), as long as a whole share of a 128 x 784 x 256 product: with a
 * parked pool two threads were no faster than one on the products of a training step, which come a few
 * hundred microseconds apart. Spinning is bounded, so an idle backend costs nothing after a millisecond, and
 * yields at every turn: on two cores a worker that merely paused kept the JIT compiler and the collector off
 * its core while the caller ran a step's serial parts. EpochBenchmark, two threads, three forks of five
 * epochs: first epochs 1.87/1.74/1.95 s and later ones 0.36-0.75 s with pauses, 1.58/1.89/1.80 s and
 * 0.34-0.53 s with yields.
 *
 * <p>Each worker has a one-task mailbox, so that handing over a share allocates nothing (a queue's nodes
 * would, on every product). {@link #offer} leaves a task in an empty mailbox or nowhere: its submitter runs
 * every task no worker has started (as {@link ThreadSplit} does), so a busy pool or a closed one only means
 * the caller does more of the work. {@link #close()} ends the threads.
 */
final class SpinningWorkers implements AutoCloseable {
    /** How long an idle worker, or a caller waiting for a share, polls before it parks. */
    static final long SPIN_NANOS = 1_000_000;

    private final AtomicReferenceArray<Runnable> mailboxes;
    private final Worker[] workers;
    private volatile boolean closed;

    SpinningWorkers(int count, String name) {
        mailboxes = new AtomicReferenceArray<>(count);
        workers = new Worker[count];
        for (int i = 0; i < count; i++) {
            workers[i] = new Worker(name + "-" + (i + 1), i);
            workers[i].start();
        }
    }

    /** Leaves {@code task} with the first worker whose mailbox is empty, if any; the caller runs what nobody took. */
    void offer(Runnable task) {
        for (int i = 0; i < workers.length; i++) {
            if (mailboxes.compareAndSet(i, null, task)) {
                // Read after the hand-over: a worker that set the flag before this read looks again before parking.
                if (workers[i].parking) {
                    LockSupport.unpark(workers[i]);
                }
                return;
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

    private final class Worker extends Thread {
        private final int slot;
        volatile boolean parking;

        Worker(String name, int slot) {
            super(name);
            this.slot = slot;
            setDaemon(true);
        }

        @Override
        public void run() {
            long idleSince = System.nanoTime();
            while (!closed) {
                Runnable task = mailboxes.getAndSet(slot, null);
                if (task == null && System.nanoTime() - idleSince < SPIN_NANOS) {
                    Thread.yield();
                    continue;
                }
                if (task == null) {
                    parking = true;
                    task = mailboxes.getAndSet(slot, null);
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
