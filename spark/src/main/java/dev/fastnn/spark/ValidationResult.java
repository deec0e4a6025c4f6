package dev.fastnn.spark;

import dev.fastnn.network.train.Evaluation;
import java.io.Serializable;

/**
 * The validation rows of one or more partitions scored by the averaged model, added up by tree aggregation
 * like {@link RoundResult}: how many rows, their loss (each partition's mean loss times its rows, and the
 * losses alone for a summed loss), how many were classified right, and for regression the summed absolute
 * and squared errors with the targets' mean and sum of squared deviations (merged pairwise, as
 * {@link DataSummary} merges features), from which the pooled R^2 follows. While it holds one partition it
 * keeps that partition's own {@link Evaluation} figures, so that one partition's result is exactly a single
 * machine's. With no rows every figure is NaN.
 */
final class ValidationResult implements Serializable {
    private static final long serialVersionUID = 1L;

    private int parts;
    private boolean classification;
    private long rows;
    private double weightedLoss;
    private double lossSum;
    private long correct;
    private double absoluteErrors;
    private double squaredErrors;
    private double targetMean;
    private double targetDeviations;
    private double onlyLoss;
    private double onlyAccuracy;
    private double onlyMeanAbsoluteError;
    private double onlyRootMeanSquaredError;
    private double onlyR2;

    ValidationResult() {
    }

    /** One partition's evaluation {@code e} of its validation rows {@code rows}. */
    static ValidationResult of(Evaluation e, SampleBlock rows) {
        ValidationResult r = new ValidationResult();
        int n = rows.rows;
        r.parts = 1;
        r.classification = e.isClassification();
        r.rows = n;
        r.weightedLoss = n * e.loss();
        r.lossSum = e.loss();
        for (int c = 0; c < e.confusion().length; c++) {
            r.correct += e.confusion()[c][c];
        }
        if (!r.classification) {
            r.absoluteErrors = n * e.meanAbsoluteError();
            r.squaredErrors = n * e.rootMeanSquaredError() * e.rootMeanSquaredError();
            for (float y : rows.targets) {
                r.targetMean += y;
            }
            r.targetMean /= n;
            for (float y : rows.targets) {
                r.targetDeviations += (y - r.targetMean) * (y - r.targetMean);
            }
        }
        r.onlyLoss = e.loss();
        r.onlyAccuracy = e.accuracy();
        r.onlyMeanAbsoluteError = e.meanAbsoluteError();
        r.onlyRootMeanSquaredError = e.rootMeanSquaredError();
        r.onlyR2 = e.r2();
        return r;
    }

    ValidationResult merge(ValidationResult other) {
        if (other.parts == 0) {
            return this;
        }
        if (parts == 0) {
            classification = other.classification;
            onlyLoss = other.onlyLoss;
            onlyAccuracy = other.onlyAccuracy;
            onlyMeanAbsoluteError = other.onlyMeanAbsoluteError;
            onlyRootMeanSquaredError = other.onlyRootMeanSquaredError;
            onlyR2 = other.onlyR2;
            targetMean = other.targetMean;
        } else {
            double n = (double) rows + other.rows;
            double delta = other.targetMean - targetMean;
            targetDeviations += delta * delta * ((double) rows * other.rows / n);
            targetMean += delta * (other.rows / n);
        }
        targetDeviations += other.targetDeviations;
        parts += other.parts;
        rows += other.rows;
        weightedLoss += other.weightedLoss;
        lossSum += other.lossSum;
        correct += other.correct;
        absoluteErrors += other.absoluteErrors;
        squaredErrors += other.squaredErrors;
        return this;
    }

    /** The loss over all validation rows: the sample-weighted mean of the partitions' (a sum for a summed loss). */
    double loss(boolean meanLoss) {
        return parts == 0 ? Double.NaN : parts == 1 ? onlyLoss : meanLoss ? weightedLoss / rows : lossSum;
    }

    /** The share of validation rows classified right; NaN for regression. */
    double accuracy() {
        return parts == 0 || !classification ? Double.NaN : parts == 1 ? onlyAccuracy : (double) correct / rows;
    }

    double meanAbsoluteError() {
        return parts == 0 || classification ? Double.NaN : parts == 1 ? onlyMeanAbsoluteError : absoluteErrors / rows;
    }

    double rootMeanSquaredError() {
        return parts == 0 || classification ? Double.NaN
                : parts == 1 ? onlyRootMeanSquaredError : Math.sqrt(squaredErrors / rows);
    }

    /** {@code 1 - SS_res / SS_tot} over all validation rows; NaN when the targets never vary. */
    double r2() {
        return parts == 0 || classification ? Double.NaN : parts == 1 ? onlyR2
                : targetDeviations == 0 ? Double.NaN : 1 - squaredErrors / targetDeviations;
    }
}
