package dev.fastnn.spark;

import dev.fastnn.network.train.FeatureMoments;
import dev.fastnn.network.train.Standardization;
import java.io.Serializable;

/**
 * What one aggregation over the packed partitions learns before training: how many rows there are to train
 * on and to validate with, how many of each class, the first bad row, and, when features are standardized,
 * each feature's mean, variance and extremes over the training rows (after the divisor).
 *
 * <p>Each partition's moments are the {@link FeatureMoments} a single machine takes; partitions merge by its
 * pairwise update. So one partition gives bit for bit what a single-machine fit computes, and many give it to
 * rounding.
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
    /** Of the training rows merged so far; null before the first. */
    private FeatureMoments moments;
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
        trainRows += p.train.rows;
        validationRows += p.validation == null ? 0 : p.validation.rows;
        if (classCounts != null) {
            for (int label : p.train.labels) {
                classCounts[label]++;
            }
        }
        if (divisor != 0 && p.train.rows > 0) {
            add(FeatureMoments.of(p.train.features, p.train.rows, p.train.cols, divisor));
        }
        return this;
    }

    /** Merges another summary into this one (the combOp). */
    DataSummary merge(DataSummary other) {
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
        if (other.moments != null) {
            add(other.moments);
        }
        return this;
    }

    private void add(FeatureMoments more) {
        moments = moments == null ? more : moments.merge(more);
    }

    /** The standardization of the training rows; needs moments and at least one row. */
    Standardization standardization() {
        return moments.standardization();
    }

    /** Training rows of each class; null for regression. */
    long[] classCounts() {
        return classCounts;
    }
}
