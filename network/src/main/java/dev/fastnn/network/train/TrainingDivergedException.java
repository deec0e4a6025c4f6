package dev.fastnn.network.train;

/**
 * Training stopped because the loss of a batch, or a weight at the end, was NaN or infinite: the steps were
 * too large for the data (lower the learning rate, standardize the features). {@link Trainer#fit} throws it
 * after releasing what it allocated; no model comes out.
 */
public class TrainingDivergedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final int epoch;
    private final int batch;
    private final double loss;

    /** The loss of batch {@code batch} (1-based) of epoch {@code epoch} (1-based) was {@code loss}. */
    public TrainingDivergedException(int epoch, int batch, int batches, double loss) {
        super("training diverged: the loss of epoch " + epoch + ", batch " + batch + " of " + batches + " is " + loss
                + "; try a lower learning rate or standardized features");
        this.epoch = epoch;
        this.batch = batch;
        this.loss = loss;
    }

    /** After the last batch of epoch {@code epoch}, the weights of layer {@code layer} are not all finite. */
    public TrainingDivergedException(int epoch, int batch, int layer) {
        super("training diverged: after epoch " + epoch + ", batch " + batch + " the weights of layer " + layer
                + " are not all finite; try a lower learning rate or standardized features");
        this.epoch = epoch;
        this.batch = batch;
        this.loss = Double.NaN;
    }

    /** The epoch (from 1) in which training stopped. */
    public int epoch() {
        return epoch;
    }

    /** The batch (from 1) of {@link #epoch()} whose loss was not finite, or the last batch for non-finite weights. */
    public int batch() {
        return batch;
    }

    /** The loss that was not finite; NaN when the weights were found non-finite after a finite loss. */
    public double loss() {
        return loss;
    }
}
