package dev.fastnn.spark;

import java.io.Serializable;

/**
 * What one aggregation over the packed partitions learns before training: how many rows there are to train
 * on and to validate with, the first bad row, and, when features are standardized, each feature's sum and
 * sum of squares over the training rows (in double, summed in row order within a partition, so that one
 * partition gives exactly what a single-machine fit computes).
 */
final class DataSummary implements Serializable {
    private static final long serialVersionUID = 1L;

    long trainRows;
    long validationRows;
    /** Per feature, over the training rows; null unless asked for. */
    double[] sum;
    double[] sumSquares;
    /** The lowest-numbered partition's problem, so that the same bad data always gives the same message. */
    int problemPartition = Integer.MAX_VALUE;
    String problem;

    private final boolean moments;

    DataSummary(boolean moments) {
        this.moments = moments;
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
        if (moments && p.train.rows > 0) {
            int d = p.train.cols;
            double[] s = new double[d];
            double[] q = new double[d];
            float[] x = p.train.features;
            for (int i = 0; i < p.train.rows; i++) {
                for (int j = 0; j < d; j++) {
                    double v = x[i * d + j];
                    s[j] += v;
                    q[j] += v * v;
                }
            }
            addMoments(s, q);
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
        if (other.sum != null) {
            addMoments(other.sum, other.sumSquares);
        }
        return this;
    }

    private void addMoments(double[] s, double[] q) {
        if (sum == null) {
            sum = s.clone();
            sumSquares = q.clone();
            return;
        }
        for (int j = 0; j < s.length; j++) {
            sum[j] += s[j];
            sumSquares[j] += q[j];
        }
    }
}
