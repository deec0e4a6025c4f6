package dev.fastnn.network.train;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Each feature's mean, sum of squared deviations from that mean, smallest and largest value over some rows, in
 * double: what {@link Standardization} is computed from. Taken in two passes over the rows, in row order, so
 * that a constant feature has deviation exactly 0; the moments of parts of a data set (the partitions of a
 * distributed one) merge with the pairwise update of Chan, Golub and LeVeque, with no cancelling sums of squares.
 * One part's moments give bit for bit a single machine's standardization, many give it to rounding.
 */
public final class FeatureMoments implements Serializable {
    // A class, not a record: Spark's Kryo serializes it field by field, which a record's fields do not allow.
    private static final long serialVersionUID = 1L;

    private final long rows;
    private final double[] mean;
    private final double[] squaredDeviations;
    private final double[] min;
    private final double[] max;

    private FeatureMoments(long rows, double[] mean, double[] squaredDeviations, double[] min, double[] max) {
        this.rows = rows;
        this.mean = mean;
        this.squaredDeviations = squaredDeviations;
        this.min = min;
        this.max = max;
    }

    /** The moments of {@code rows} rows of {@code cols} features in {@code x}, row-major, each divided by {@code divisor}. */
    public static FeatureMoments of(float[] x, int rows, int cols, float divisor) {
        double[] mean = new double[cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                mean[j] += x[i * cols + j] / divisor;
            }
        }
        for (int j = 0; j < cols; j++) {
            mean[j] /= rows;
        }
        double[] squares = new double[cols];
        double[] min = new double[cols];
        double[] max = new double[cols];
        Arrays.fill(min, Double.POSITIVE_INFINITY);
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                float v = x[i * cols + j] / divisor;
                double deviation = v - mean[j];
                squares[j] += deviation * deviation;
                min[j] = Math.min(min[j], v);
                max[j] = Math.max(max[j], v);
            }
        }
        return new FeatureMoments(rows, mean, squares, min, max);
    }

    /** The moments of these rows and {@code other}'s together. */
    public FeatureMoments merge(FeatureMoments other) {
        double n = (double) rows + other.rows;
        int d = mean.length;
        double[] m = new double[d];
        double[] q = new double[d];
        double[] lo = new double[d];
        double[] hi = new double[d];
        for (int j = 0; j < d; j++) {
            double delta = other.mean[j] - mean[j];
            m[j] = mean[j] + delta * (other.rows / n);
            q[j] = squaredDeviations[j] + other.squaredDeviations[j] + delta * delta * ((double) rows * other.rows / n);
            lo[j] = Math.min(min[j], other.min[j]);
            hi[j] = Math.max(max[j], other.max[j]);
        }
        return new FeatureMoments(rows + other.rows, m, q, lo, hi);
    }

    /**
     * The standardization of these rows; needs at least one. A feature's largest deviation from the mean is at one
     * of its extremes, and {@code max - mean} is the very subtraction the row makes.
     */
    public Standardization standardization() {
        double[] variance = new double[mean.length];
        double[] largest = new double[mean.length];
        for (int j = 0; j < variance.length; j++) {
            variance[j] = squaredDeviations[j] / rows;
            largest[j] = Math.max(max[j] - mean[j], mean[j] - min[j]);
        }
        return Standardization.fromVariances(mean, variance, largest);
    }
}
