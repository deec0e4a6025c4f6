package dev.fastnn.spark;

import dev.fastnn.network.train.Standardization;
import java.io.Serializable;

/**
 * What one aggregation over the packed partitions learns before training: how many rows there are to train
 * on and to validate with, the first bad row, and, when features are standardized, each feature's mean and
 * variance over the training rows (after the divisor).
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

    /** A summary of nothing yet; with {@code divisor} non-zero it takes the moments of features divided by it. */
    DataSummary(float divisor) {
        this.divisor = divisor;
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
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < d; j++) {
                    double deviation = x[i * d + j] / divisor - m[j];
                    q[j] += deviation * deviation;
                }
            }
            mergeMoments(before, m, q, n);
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
        if (other.mean != null) {
            mergeMoments(before, other.mean, other.squaredDeviations, other.trainRows);
        }
        return this;
    }

    /** Merges the moments of {@code nb} rows into those of the {@code na} rows here. */
    private void mergeMoments(long na, double[] mb, double[] qb, long nb) {
        if (mean == null) {
            mean = mb.clone();
            squaredDeviations = qb.clone();
            return;
        }
        double n = (double) na + nb;
        for (int j = 0; j < mb.length; j++) {
            double delta = mb[j] - mean[j];
            mean[j] += delta * (nb / n);
            squaredDeviations[j] += qb[j] + delta * delta * ((double) na * nb / n);
        }
    }

    /** The standardization of the training rows; needs moments and at least one row. */
    Standardization standardization() {
        double[] variance = new double[mean.length];
        for (int j = 0; j < variance.length; j++) {
            variance[j] = squaredDeviations[j] / trainRows;
        }
        return Standardization.fromVariances(mean.clone(), variance);
    }
}
