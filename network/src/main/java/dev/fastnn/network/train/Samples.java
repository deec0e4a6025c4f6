package dev.fastnn.network.train;

import dev.fastnn.network.data.Dataset;
import dev.fastnn.network.model.ClassLabels;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Training or test data on the host: {@code rows} samples of {@code features} floats each (row-major in
 * {@code inputs}) and, for each sample, either a class label in {@code [0, outputs)} (classification; the
 * target is its one-hot vector) or {@code outputs} target values (regression).
 *
 * <p>{@code classLabels} is what each class is called in the original data (non-null exactly for
 * classification), {@code featureNames} the names of the inputs (empty when unknown): a trained model
 * keeps both.
 */
public record Samples(float[] inputs, int rows, int features, int[] labels, float[] targets, int outputs,
                      ClassLabels classLabels, List<String> featureNames) {

    public Samples {
        Objects.requireNonNull(inputs, "inputs");
        featureNames = List.copyOf(featureNames);
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
            Objects.requireNonNull(classLabels, "classLabels");
            if (classLabels.size() != outputs) {
                throw new IllegalArgumentException(classLabels.size() + " class labels for " + outputs + " classes");
            }
        } else if (classLabels != null) {
            throw new IllegalArgumentException("regression samples have no class labels");
        }
        if (targets != null && targets.length != (long) rows * outputs) {
            throw new IllegalArgumentException(targets.length + " target values are not " + rows + " rows of " + outputs);
        }
        if (!featureNames.isEmpty() && featureNames.size() != features) {
            throw new IllegalArgumentException(featureNames.size() + " feature names for " + features + " features");
        }
    }

    /** Samples without names: classes labelled {@code 0..outputs-1}, features unnamed. */
    public Samples(float[] inputs, int rows, int features, int[] labels, float[] targets, int outputs) {
        this(inputs, rows, features, labels, targets, outputs, labels == null ? null : ClassLabels.indices(outputs),
                List.of());
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
     * Data read by {@code dev.fastnn.network.data} as samples, with its class labels (one output per class)
     * or its single regression target, and its feature names. The arrays are shared, not copied.
     */
    public static Samples of(Dataset data) {
        if (data.hasTargets()) {
            return new Samples(data.features(), data.rows(), data.cols(), null, data.targets(), 1, null,
                    data.featureNames());
        }
        requireLabels(data);
        return new Samples(data.features(), data.rows(), data.cols(), data.labels(), null, data.classes(),
                data.classLabels(), data.featureNames());
    }

    /**
     * Labelled data as samples for a network with {@code classes} outputs, at least the dataset's own class
     * count (Fashion-MNIST's fixed 10, whichever classes a subset holds). More classes than the data's are
     * only possible for classes labelled {@code 0..k-1}.
     */
    public static Samples of(Dataset data, int classes) {
        requireLabels(data);
        if (classes < data.classes()) {
            throw new IllegalArgumentException("the data has " + data.classes() + " classes but the network only "
                    + classes + " outputs");
        }
        ClassLabels names = data.classLabels();
        if (classes > names.size()) {
            if (!names.isIndices()) {
                throw new IllegalArgumentException("the data's " + names + " name " + names.size()
                        + " classes; there is no label for " + classes + " outputs");
            }
            names = ClassLabels.indices(classes);
        }
        return new Samples(data.features(), data.rows(), data.cols(), data.labels(), null, classes, names,
                data.featureNames());
    }

    private static void requireLabels(Dataset data) {
        if (!data.hasLabels()) {
            throw new IllegalArgumentException("training and evaluation need labelled data; " + data + " has no labels");
        }
    }

    public boolean isClassification() {
        return labels != null;
    }

    /** The same samples with the features replaced by {@code inputs} (same shape). */
    Samples withInputs(float[] inputs) {
        return new Samples(inputs, rows, features, labels, targets, outputs, classLabels, featureNames);
    }

    /**
     * Throws unless {@code other} can be scored against a model trained on these samples: same features and
     * outputs, and, for classes named by the data, the same names in the same order.
     */
    void checkCompatible(Samples other, String what) {
        if (other.features != features || other.outputs != outputs) {
            throw new IllegalArgumentException(what + " data has " + other.features + " features and " + other.outputs
                    + " outputs but the training data " + features + " and " + outputs);
        }
        if (other.isClassification() != isClassification()) {
            throw new IllegalArgumentException(what + " data is for " + (other.isClassification() ? "classification"
                    : "regression") + " but the training data is not");
        }
        if (isClassification() && !classLabels.equals(other.classLabels) && !other.classLabels.isIndices()
                && !classLabels.isIndices()) {
            throw new IllegalArgumentException(what + " data has " + other.classLabels + " but the training data has "
                    + classLabels + "; read both with the same class labels");
        }
    }

    /** The first {@code n} rows (all of them when {@code n >= rows}). */
    public Samples limit(int n) {
        if (n >= rows) {
            return this;
        }
        float[] x = Arrays.copyOf(inputs, n * features);
        return new Samples(x, n, features, labels == null ? null : Arrays.copyOf(labels, n),
                targets == null ? null : Arrays.copyOf(targets, n * outputs), outputs, classLabels, featureNames);
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
}
