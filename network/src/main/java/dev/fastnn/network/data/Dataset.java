package dev.fastnn.network.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * Samples as a trainer consumes them: {@code rows x cols} float32 features, row-major (row {@code i} is
 * sample {@code i}, the layout a batch has on a backend), and one integer class label per row, or no labels
 * at all for data to predict on.
 *
 * <p>The arrays are not copied on the way in or out: a Fashion-MNIST training set is 188 MB of floats, and a
 * trainer reads it many times. Treat what {@link #features()} and {@link #labels()} return as read-only.
 */
public final class Dataset {
    private final float[] features;
    private final int rows;
    private final int cols;
    private final int[] labels;
    private final int classes;

    /**
     * @param features {@code rows * cols} values, row-major
     * @param labels   {@code rows} labels in {@code [0, classes)}, or {@code null} for unlabelled data
     * @param classes  the number of classes ({@code >= 1}) when labelled; {@code 0} when {@code labels} is null
     */
    public Dataset(float[] features, int rows, int cols, int[] labels, int classes) {
        Objects.requireNonNull(features, "features");
        if (rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException("a dataset needs at least one row and one column, got "
                    + rows + "x" + cols);
        }
        if (features.length != (long) rows * cols) {
            throw new IllegalArgumentException(rows + "x" + cols + " features need " + (long) rows * cols
                    + " values, got " + features.length);
        }
        if (labels == null) {
            if (classes != 0) {
                throw new IllegalArgumentException("unlabelled data has 0 classes, got " + classes);
            }
        } else {
            if (labels.length != rows) {
                throw new IllegalArgumentException(rows + " rows need " + rows + " labels, got " + labels.length);
            }
            if (classes < 1) {
                throw new IllegalArgumentException("labelled data needs at least 1 class, got " + classes);
            }
            for (int i = 0; i < rows; i++) {
                if (labels[i] < 0 || labels[i] >= classes) {
                    throw new IllegalArgumentException("label " + labels[i] + " of row " + i + " is outside [0, "
                            + classes + ")");
                }
            }
        }
        this.features = features;
        this.rows = rows;
        this.cols = cols;
        this.labels = labels;
        this.classes = classes;
    }

    /** Labelled data whose class count is one more than its largest label. */
    public static Dataset labelled(float[] features, int rows, int cols, int[] labels) {
        Objects.requireNonNull(labels, "labels");
        int max = -1;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0) {
                throw new IllegalArgumentException("label " + labels[i] + " of row " + i + " is negative");
            }
            max = Math.max(max, labels[i]);
        }
        return new Dataset(features, rows, cols, labels, max + 1);
    }

    /** Data without labels, e.g. to predict on. */
    public static Dataset unlabelled(float[] features, int rows, int cols) {
        return new Dataset(features, rows, cols, null, 0);
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** The dataset's own row-major storage, {@code rows * cols} values; do not modify. */
    public float[] features() {
        return features;
    }

    public boolean hasLabels() {
        return labels != null;
    }

    /** The dataset's own labels, one per row; do not modify. Throws when the data is unlabelled. */
    public int[] labels() {
        if (labels == null) {
            throw new IllegalStateException("this dataset has no labels");
        }
        return labels;
    }

    /** The number of classes; 0 for unlabelled data. */
    public int classes() {
        return classes;
    }

    public float feature(int row, int col) {
        Objects.checkIndex(row, rows);
        Objects.checkIndex(col, cols);
        return features[row * cols + col];
    }

    public int label(int row) {
        Objects.checkIndex(row, rows);
        return labels()[row];
    }

    /** A copy of one row's features. */
    public float[] row(int row) {
        Objects.checkIndex(row, rows);
        return Arrays.copyOfRange(features, row * cols, (row + 1) * cols);
    }

    /**
     * The first {@code n} rows (all of them when {@code n >= rows}), for quick runs; the class count stays
     * that of the whole set, so a model trained on a subset has the full output layer.
     */
    public Dataset first(int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("a subset needs at least one row, got " + n);
        }
        if (n >= rows) {
            return this;
        }
        float[] subset = Arrays.copyOf(features, n * cols);
        return new Dataset(subset, n, cols, labels == null ? null : Arrays.copyOf(labels, n), classes);
    }

    /** The labels as a {@code rows x classes} row-major one-hot matrix, the target of a softmax output. */
    public float[] oneHotLabels() {
        int[] l = labels();
        float[] oneHot = new float[Math.multiplyExact(rows, classes)];
        for (int i = 0; i < rows; i++) {
            oneHot[i * classes + l[i]] = 1f;
        }
        return oneHot;
    }

    @Override
    public String toString() {
        return "Dataset[" + rows + "x" + cols + (labels == null ? ", unlabelled" : ", " + classes + " classes") + "]";
    }
}
