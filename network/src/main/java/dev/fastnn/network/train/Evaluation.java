package dev.fastnn.network.train;

/**
 * A model's results on samples. Always the loss (normalized as the model's loss). For labelled samples the
 * accuracy in [0, 1] and the confusion matrix, {@code confusion[actual][predicted]} counts, from which the
 * per-class {@link #precision}, {@link #recall} and {@link #f1} and their macro averages follow; the
 * regression metrics are NaN. For real targets the mean absolute error and root mean squared error over
 * every output of every sample, and {@code r2}, the coefficient of determination {@code 1 - SS_res / SS_tot}
 * of each output averaged over the outputs (NaN for an output whose targets never vary); accuracy is NaN
 * and the confusion matrix empty.
 */
public record Evaluation(double loss, double accuracy, int[][] confusion, double meanAbsoluteError,
                         double rootMeanSquaredError, double r2) {

    /** Results on labelled samples. */
    public static Evaluation classification(double loss, double accuracy, int[][] confusion) {
        return new Evaluation(loss, accuracy, confusion, Double.NaN, Double.NaN, Double.NaN);
    }

    /** Results on samples with real targets. */
    public static Evaluation regression(double loss, double meanAbsoluteError, double rootMeanSquaredError, double r2) {
        return new Evaluation(loss, Double.NaN, new int[0][0], meanAbsoluteError, rootMeanSquaredError, r2);
    }

    public boolean isClassification() {
        return confusion.length > 0;
    }

    public int samples() {
        int n = 0;
        for (int[] row : confusion) {
            for (int c : row) {
                n += c;
            }
        }
        return n;
    }

    /** Number of classes (0 for regression). */
    public int classes() {
        return confusion.length;
    }

    /** Of the samples predicted as {@code c}, the fraction that are {@code c}; 0 when none was predicted as {@code c}. */
    public double precision(int c) {
        int predicted = 0;
        for (int[] row : confusion) {
            predicted += row[c];
        }
        return predicted == 0 ? 0 : (double) confusion[c][c] / predicted;
    }

    /** Of the samples of class {@code c}, the fraction predicted as {@code c}; 0 when the class has no samples. */
    public double recall(int c) {
        int actual = 0;
        for (int n : confusion[c]) {
            actual += n;
        }
        return actual == 0 ? 0 : (double) confusion[c][c] / actual;
    }

    /** The harmonic mean of {@link #precision} and {@link #recall} of class {@code c}; 0 when both are 0. */
    public double f1(int c) {
        double p = precision(c);
        double r = recall(c);
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    /** The unweighted mean of {@link #precision} over the classes. */
    public double macroPrecision() {
        double sum = 0;
        for (int c = 0; c < classes(); c++) {
            sum += precision(c);
        }
        return sum / classes();
    }

    /** The unweighted mean of {@link #recall} over the classes. */
    public double macroRecall() {
        double sum = 0;
        for (int c = 0; c < classes(); c++) {
            sum += recall(c);
        }
        return sum / classes();
    }

    /** The unweighted mean of the per-class {@link #f1} (not the F1 of the macro precision and recall). */
    public double macroF1() {
        double sum = 0;
        for (int c = 0; c < classes(); c++) {
            sum += f1(c);
        }
        return sum / classes();
    }
}
