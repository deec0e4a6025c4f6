package dev.fastnn.spark;

import dev.fastnn.network.train.Evaluation;
import java.io.Serializable;

/**
 * The validation rows of one or more partitions scored by the averaged model: how many, their loss (each
 * partition's mean loss times its rows, and the losses alone for a summed loss) and how many were classified
 * right. Added up by tree aggregation like {@link RoundResult}. While it holds one partition it also keeps
 * that partition's own loss and accuracy, so that one partition's result is exactly a single machine's.
 */
final class ValidationResult implements Serializable {
    private static final long serialVersionUID = 1L;

    private int parts;
    private long rows;
    private double weightedLoss;
    private double lossSum;
    private long correct;
    private double onlyLoss;
    private double onlyAccuracy;

    ValidationResult() {
    }

    static ValidationResult of(Evaluation e, int rows) {
        ValidationResult r = new ValidationResult();
        r.parts = 1;
        r.rows = rows;
        r.weightedLoss = rows * e.loss();
        r.lossSum = e.loss();
        for (int c = 0; c < e.confusion().length; c++) {
            r.correct += e.confusion()[c][c];
        }
        r.onlyLoss = e.loss();
        r.onlyAccuracy = e.accuracy();
        return r;
    }

    ValidationResult merge(ValidationResult other) {
        if (parts == 0) {
            onlyLoss = other.onlyLoss;
            onlyAccuracy = other.onlyAccuracy;
        }
        parts += other.parts;
        rows += other.rows;
        weightedLoss += other.weightedLoss;
        lossSum += other.lossSum;
        correct += other.correct;
        return this;
    }

    boolean isEmpty() {
        return rows == 0;
    }

    /** The loss over all validation rows: the sample-weighted mean of the partitions' (a sum for a summed loss). */
    double loss(boolean meanLoss) {
        return parts == 1 ? onlyLoss : meanLoss ? weightedLoss / rows : lossSum;
    }

    /** The share of validation rows classified right; NaN for regression. */
    double accuracy(boolean classification) {
        return !classification ? Double.NaN : parts == 1 ? onlyAccuracy : (double) correct / rows;
    }
}
