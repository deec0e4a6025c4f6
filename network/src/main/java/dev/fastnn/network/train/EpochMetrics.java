package dev.fastnn.network.train;

/**
 * What one epoch achieved. {@code seconds} is the training time of the epoch alone (evaluation excluded);
 * {@code loss} is the training loss over the epoch's batches, normalized like the loss itself (a mean over
 * samples, or for the article's sum of squared errors the sum); {@code testAccuracy} is in [0, 1], or NaN
 * without labelled test data.
 */
public record EpochMetrics(int epoch, double seconds, double loss, double testAccuracy) {
}
