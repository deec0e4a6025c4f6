package dev.fastnn.network.train;

/**
 * What one epoch achieved. {@code seconds} is the training time of the epoch alone (evaluation excluded);
 * {@code loss} is the training loss over the epoch's batches, normalized like the loss itself (a mean over
 * samples, or for the article's sum of squared errors the sum). Accuracies are in [0, 1]; a value that was
 * not measured is NaN:
 * <ul>
 *   <li>{@code trainingAccuracy}: only when there is neither validation nor test data, counted from the
 *       epoch's own forward passes (so over weights that moved during the epoch, as the loss is) by the
 *       backend, which counts batches of up to {@link dev.fastnn.kernels.Backend#EXACT_COUNT} rows;</li>
 *   <li>{@code validationLoss}, {@code validationAccuracy}: on the validation set after the epoch (the loss
 *       also for regression);</li>
 *   <li>{@code testAccuracy}: on labelled test data after the epoch;</li>
 *   <li>{@code validationMeanAbsoluteError}, {@code validationRootMeanSquaredError}, {@code validationR2}: for
 *       regression, on the validation set after the epoch, as {@link Evaluation} defines them;</li>
 *   <li>{@code testMeanAbsoluteError}, {@code testRootMeanSquaredError}, {@code testR2}: the same on test data
 *       with real targets.</li>
 * </ul>
 */
public record EpochMetrics(int epoch, double seconds, double loss, double trainingAccuracy, double validationLoss,
                           double validationAccuracy, double testAccuracy, double validationMeanAbsoluteError,
                           double validationRootMeanSquaredError, double validationR2, double testMeanAbsoluteError,
                           double testRootMeanSquaredError, double testR2) {

    /** An epoch measured on training and labelled test data only. */
    public EpochMetrics(int epoch, double seconds, double loss, double testAccuracy) {
        this(epoch, seconds, loss, Double.NaN, Double.NaN, Double.NaN, testAccuracy, Double.NaN, Double.NaN, Double.NaN,
                Double.NaN, Double.NaN, Double.NaN);
    }
}
