package dev.fastnn.spark;

import dev.fastnn.network.train.Standardization;
import java.io.Serializable;
import java.util.Arrays;

/**
 * What one aggregation over the packed partitions learns before training: how many rows there are to train
 * on and to validate with, how many of each class, the first bad row, and, when features are standardized,
 * each feature's mean, variance and extremes over the training rows (after the divisor).
 *
 * <p>Each partition's moments are taken in two passes over its rows, in row order and in double, exactly as
 * {@link Standardization} takes a single machine's; partitions are then merged with the pairwise update of
 * Chan, Golub and LeVeque (means and sums of squared deviations, no cancelling sums of squares). So one
 * partition gives bit for bit what a single-machine fit computes, and many give it to rounding.
 */
final class DataSummary implements Serializable {
    private static final long serialVersionUID = 1L;

    long trainRows;
    long validationRows;
    /** The lowest-numbered partition's problem, so that the same bad data always gives the same message. */
    int problemPartition = Integer.MAX_VALUE;
    String problem;

    /** Whether to take moments, and the divisor the features are taken after; 0 for no moments. */
    private final float divisor;
    /** Per feature over the training rows merged so far; null before the first. */
    private double[] mean;
    private double[] squaredDeviations;
    private double[] min;
    private double[] max;
    /** Training rows of each class; null for regression. */
    private final long[] classCounts;

    /**
     * A summary of nothing yet; with {@code divisor} non-zero it takes the moments of features divided by it,
     * with {@code classes} above 0 it counts the training rows of each class.
     */
    DataSummary(float divisor, int classes) {
        this.divisor = divisor;
        this.classCounts = classes > 0 ? new long[classes] : null;
    }

    /** Adds one partition (the seqOp of the aggregation). */
    DataSummary add(PackedPartition p) {
        if (p.problem != null) {
            if (p.partition < problemPartition) {
                problemPartition = p.partition;
                problem = p.problem;
            }
            return this;
        }
        long before = trainRows;
        trainRows += p.train.rows;
        validationRows += p.validation == null ? 0 : p.validation.rows;
        if (classCounts != null) {
            for (int label : p.train.labels) {
                classCounts[label]++;
            }
        }
        if (divisor != 0 && p.train.rows > 0) {
            int n = p.train.rows;
            int d = p.train.cols;
            float[] x = p.train.features;
            double[] m = new double[d];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < d; j++) {
                    m[j] += x[i * d + j] / divisor;
                }
            }
            for (int j = 0; j < d; j++) {
                m[j] /= n;
            }
            double[] q = new double[d];
            double[] lo = new double[d];
            double[] hi = new double[d];
            Arrays.fill(lo, Double.POSITIVE_INFINITY);
            Arrays.fill(hi, Double.NEGATIVE_INFINITY);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < d; j++) {
                    float v = x[i * d + j] / divisor;
                    double deviation = v - m[j];
                    q[j] += deviation * deviation;
                    lo[j] = Math.min(lo[j], v);
                    hi[j] = Math.max(hi[j], v);
                }
            }
            mergeMoments(before, m, q, lo, hi, n);
        }
        return this;
    }

    /** Merges another summary into this one (the combOp). */
    DataSummary merge(DataSummary other) {
        long before = trainRows;
        trainRows += other.trainRows;
        validationRows += other.validationRows;
        if (other.problem != null && other.problemPartition < problemPartition) {
            problemPartition = other.problemPartition;
            problem = other.problem;
        }
        if (classCounts != null) {
            for (int c = 0; c < classCounts.length; c++) {
                classCounts[c] += other.classCounts[c];
            }
        }
        if (other.mean != null) {
            mergeMoments(before, other.mean, other.squaredDeviations, other.min, other.max, other.trainRows);
        }
        return this;
    }

    /** Merges the moments and extremes of {@code nb} rows into those of the {@code na} rows here. */
    private void mergeMoments(long na, double[] mb, double[] qb, double[] lo, double[] hi, long nb) {
        if (mean == null) {
            mean = mb.clone();
            squaredDeviations = qb.clone();
            min = lo.clone();
            max = hi.clone();
            return;
        }
        double n = (double) na + nb;
        for (int j = 0; j < mb.length; j++) {
            double delta = mb[j] - mean[j];
            mean[j] += delta * (nb / n);
            squaredDeviations[j] += qb[j] + delta * delta * ((double) na * nb / n);
            min[j] = Math.min(min[j], lo[j]);
            max[j] = Math.max(max[j], hi[j]);
        }
    }

    /**
     * The standardization of the training rows; needs moments and at least one row. A feature's largest
     * deviation from the mean is at one of its extremes, and {@code max - mean} is the very subtraction a
     * single machine makes for that row.
     */
    Standardization standardization() {
        double[] variance = new double[mean.length];
        double[] largest = new double[mean.length];
        for (int j = 0; j < variance.length; j++) {
            variance[j] = squaredDeviations[j] / trainRows;
            largest[j] = Math.max(max[j] - mean[j], mean[j] - min[j]);
        }
        return Standardization.fromVariances(mean.clone(), variance, largest);
    }

    /** Training rows of each class; null for regression. */
    long[] classCounts() {
        return classCounts;
    }
}
