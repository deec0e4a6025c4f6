package dev.fastnn.network.train;

import dev.fastnn.kernels.Backend;
import dev.fastnn.kernels.Matrix;

/**
 * The correct predictions of an epoch's batches, counted in the backend's storage by
 * {@link Backend#addArgmaxMatches}, so that a training step on a device still moves nothing but its loss
 * out. The count crosses to the host when {@link #takeTotal()} asks for it, once an epoch, and earlier only
 * when the next batch could take it past the most the backend counts exactly.
 */
final class CorrectPredictions implements AutoCloseable {
    private final Backend backend;
    private final Matrix count;
    private final float[] host = new float[1];
    private final int exactUpTo;
    /** Rows added since the count was last cleared: a bound on the count. */
    private long pendingRows;
    /** What earlier reads brought to the host since the last {@link #takeTotal()}. */
    private long total;

    CorrectPredictions(Backend backend) {
        this(backend, Backend.EXACT_COUNT);
    }

    /**
     * A count read back before a batch would take the rows counted since the last read past {@code exactUpTo}:
     * {@link Backend#EXACT_COUNT}, or in tests a lower number, so that they see those reads.
     */
    CorrectPredictions(Backend backend, int exactUpTo) {
        if (exactUpTo < 1 || exactUpTo > Backend.EXACT_COUNT) {
            throw new IllegalArgumentException("exactUpTo must be in [1, " + Backend.EXACT_COUNT + "], got " + exactUpTo);
        }
        this.backend = backend;
        this.exactUpTo = exactUpTo;
        this.count = backend.allocate(1, 1);
    }

    /**
     * Counts the rows whose class scores predict the class of their one-hot target; a batch of more rows than
     * the count holds exactly is rejected by the backend.
     */
    void add(Matrix scores, Matrix targets) {
        if (pendingRows + scores.rows() > exactUpTo) {
            drain();
        }
        backend.addArgmaxMatches(scores, targets, count);
        pendingRows += scores.rows();
    }

    /** The correct predictions added since the last call; starts the next count at zero. */
    long takeTotal() {
        drain();
        long taken = total;
        total = 0;
        return taken;
    }

    private void drain() {
        if (pendingRows > 0) {
            backend.read(count, host);
            backend.fill(count, 0f);
            total += (long) host[0];
            pendingRows = 0;
        }
    }

    @Override
    public void close() {
        count.close();
    }
}
