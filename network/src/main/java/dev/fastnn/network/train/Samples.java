package dev.fastnn.network.train;

import dev.fastnn.network.data.Dataset;
import java.util.Arrays;
import java.util.Objects;

/**
 * Training or test data on the host: {@code rows} samples of {@code features} floats each (row-major in
 * {@code inputs}) and, for each sample, either a class label in {@code [0, outputs)} (classification; the
 * target is its one-hot vector) or {@code outputs} target values (regression).
 */
public record Samples(float[] inputs, int rows, int features, int[] labels, float[] targets, int outputs) {

    public Samples {
        Objects.requireNonNull(inputs, "inputs");
        if (rows <= 0 || features <= 0 || outputs <= 0) {
            throw new IllegalArgumentException("samples need positive rows, features and outputs, got "
                    + rows + ", " + features + ", " + outputs);
        }
        if (inputs.length != (long) rows * features) {
            throw new IllegalArgumentException(inputs.length + " input values are not " + rows + " rows of " + features);
        }
        if ((labels == null) == (targets == null)) {
            throw new IllegalArgumentException("give either labels (classification) or targets (regression)");
        }
        if (labels != null) {
            if (labels.length != rows) {
                throw new IllegalArgumentException(labels.length + " labels for " + rows + " rows");
            }
            for (int i = 0; i < rows; i++) {
                if (labels[i] < 0 || labels[i] >= outputs) {
                    throw new IllegalArgumentException("label " + labels[i] + " of row " + i + " is outside [0, " + outputs + ")");
                }
            }
        }
        if (targets != null && targets.length != (long) rows * outputs) {
            throw new IllegalArgumentException(targets.length + " target values are not " + rows + " rows of " + outputs);
        }
    }

    /** Labelled samples: {@code labels[i]} in {@code [0, classes)} is the class of row {@code i}. */
    public static Samples classification(float[] inputs, int rows, int features, int[] labels, int classes) {
        return new Samples(inputs, rows, features, labels, null, classes);
    }

    /** Samples with {@code outputs} real targets per row. */
    public static Samples regression(float[] inputs, int rows, int features, float[] targets, int outputs) {
        return new Samples(inputs, rows, features, null, targets, outputs);
    }

    /**
     * Labelled data read by {@code dev.fastnn.network.data} as samples for a network with {@code classes}
     * outputs (at least the dataset's own class count). The arrays are shared, not copied.
     */
    public static Samples of(Dataset data, int classes) {
        if (!data.hasLabels()) {
            throw new IllegalArgumentException("training and evaluation need labelled data; " + data + " has no labels");
        }
        if (classes < data.classes()) {
            throw new IllegalArgumentException("the data has " + data.classes() + " classes but the network only "
                    + classes + " outputs");
        }
        return classification(data.features(), data.rows(), data.cols(), data.labels(), classes);
    }

    public boolean isClassification() {
        return labels != null;
    }

    /** The first {@code n} rows (all of them when {@code n >= rows}). */
    public Samples limit(int n) {
        if (n >= rows) {
            return this;
        }
        float[] x = Arrays.copyOf(inputs, n * features);
        return labels != null ? classification(x, n, features, Arrays.copyOf(labels, n), outputs)
                : regression(x, n, features, Arrays.copyOf(targets, n * outputs), outputs);
    }

    /** Writes the target rows {@code order[from..from+count)} into {@code out} (row-major, zero-filled first for labels). */
    void gatherTargets(int[] order, int from, int count, float[] out) {
        if (labels != null) {
            Arrays.fill(out, 0, count * outputs, 0f);
            for (int i = 0; i < count; i++) {
                out[i * outputs + labels[order[from + i]]] = 1f;
            }
        } else {
            for (int i = 0; i < count; i++) {
                System.arraycopy(targets, order[from + i] * outputs, out, i * outputs, outputs);
            }
        }
    }

    /** Writes the input rows {@code order[from..from+count)} into {@code out}. */
    void gatherInputs(int[] order, int from, int count, float[] out) {
        for (int i = 0; i < count; i++) {
            System.arraycopy(inputs, order[from + i] * features, out, i * features, features);
        }
    }
}
