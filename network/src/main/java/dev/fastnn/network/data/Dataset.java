package dev.fastnn.network.data;

import dev.fastnn.network.model.ClassLabels;
import dev.fastnn.network.model.Task;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Samples as a trainer consumes them: {@code rows x cols} float32 features, row-major (row {@code i} is
 * sample {@code i}, the layout a batch has on a backend), and for each row either an integer class label
 * (classification), a real-valued target (regression) or nothing (data to predict on).
 *
 * <p>A labelled dataset knows its {@link ClassLabels}: class {@code i} is labelled {@code classLabels().get(i)}
 * in the data it was read from (e.g. {@code "benign"}, or {@code 1} for a file numbering its classes from 1).
 * Feature names come from a CSV header, and are empty when the data has none.
 *
 * <p>The arrays are not copied on the way in or out: a Fashion-MNIST training set is 188 MB of floats, and a
 * trainer reads it many times. Treat what {@link #features()}, {@link #labels()} and {@link #targets()}
 * return as read-only.
 */
public final class Dataset {
    private final float[] features;
    private final int rows;
    private final int cols;
    private final int[] labels;
    private final ClassLabels classLabels;
    private final float[] targets;
    private final List<String> featureNames;

    /**
     * @param features {@code rows * cols} values, row-major
     * @param labels   {@code rows} labels in {@code [0, classes)}, or {@code null} for unlabelled data
     * @param classes  the number of classes ({@code >= 1}) when labelled; {@code 0} when {@code labels} is null
     */
    public Dataset(float[] features, int rows, int cols, int[] labels, int classes) {
        this(features, rows, cols, labels, labelsFor(labels, classes), null, List.of());
    }

    private static ClassLabels labelsFor(int[] labels, int classes) {
        if (labels == null) {
            if (classes != 0) {
                throw new IllegalArgumentException("unlabelled data has 0 classes, got " + classes);
            }
            return null;
        }
        if (classes < 1) {
            throw new IllegalArgumentException("labelled data needs at least 1 class, got " + classes);
        }
        return ClassLabels.indices(classes);
    }

    private Dataset(float[] features, int rows, int cols, int[] labels, ClassLabels classLabels, float[] targets,
                    List<String> featureNames) {
        Objects.requireNonNull(features, "features");
        if (rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException("a dataset needs at least one row and one column, got "
                    + rows + "x" + cols);
        }
        if (features.length != (long) rows * cols) {
            throw new IllegalArgumentException(rows + "x" + cols + " features need " + (long) rows * cols
                    + " values, got " + features.length);
        }
        if (labels != null) {
            Objects.requireNonNull(classLabels, "classLabels");
            if (labels.length != rows) {
                throw new IllegalArgumentException(rows + " rows need " + rows + " labels, got " + labels.length);
            }
            int classes = classLabels.size();
            for (int i = 0; i < rows; i++) {
                if (labels[i] < 0 || labels[i] >= classes) {
                    throw new IllegalArgumentException("label " + labels[i] + " of row " + i + " is outside [0, "
                            + classes + ")");
                }
            }
        }
        if (targets != null && targets.length != rows) {
            throw new IllegalArgumentException(rows + " rows need " + rows + " targets, got " + targets.length);
        }
        if (!featureNames.isEmpty() && featureNames.size() != cols) {
            throw new IllegalArgumentException(cols + " columns need " + cols + " feature names, got "
                    + featureNames.size());
        }
        this.features = features;
        this.rows = rows;
        this.cols = cols;
        this.labels = labels;
        this.classLabels = labels == null ? null : classLabels;
        this.targets = targets;
        this.featureNames = List.copyOf(featureNames);
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

    /** Labelled data: row {@code i} is of class {@code labels[i]}, which the data spells {@code classLabels.get(labels[i])}. */
    public static Dataset classification(float[] features, int rows, int cols, int[] labels, ClassLabels classLabels) {
        Objects.requireNonNull(labels, "labels");
        return new Dataset(features, rows, cols, labels, classLabels, null, List.of());
    }

    /** Data with one real-valued target per row. */
    public static Dataset regression(float[] features, int rows, int cols, float[] targets) {
        Objects.requireNonNull(targets, "targets");
        return new Dataset(features, rows, cols, null, null, targets, List.of());
    }

    /** Data without labels, e.g. to predict on. */
    public static Dataset unlabelled(float[] features, int rows, int cols) {
        return new Dataset(features, rows, cols, null, null, null, List.of());
    }

    /** The same rows, labels and names with other feature values of the same shape ({@code rows * cols}, row-major). */
    public Dataset withFeatures(float[] features) {
        return new Dataset(features, rows, cols, labels, classLabels, targets, featureNames);
    }

    /** The same data with a name for each column (or none, with an empty list). */
    public Dataset withFeatureNames(List<String> names) {
        return new Dataset(features, rows, cols, labels, classLabels, targets, names);
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

    /** The name of each column, or an empty list. */
    public List<String> featureNames() {
        return featureNames;
    }

    /** Whether each row has a class label. */
    public boolean hasLabels() {
        return labels != null;
    }

    /** Whether each row has a regression target. */
    public boolean hasTargets() {
        return targets != null;
    }

    /** What the data is for, or {@code null} for unlabelled data. */
    public Task task() {
        return labels != null ? Task.CLASSIFICATION : targets != null ? Task.REGRESSION : null;
    }

    /** The dataset's own labels, one class index per row; do not modify. Throws when the data has no labels. */
    public int[] labels() {
        if (labels == null) {
            throw new IllegalStateException("this dataset has no class labels");
        }
        return labels;
    }

    /** The original label of each class; throws when the data has no labels. */
    public ClassLabels classLabels() {
        labels();
        return classLabels;
    }

    /** The dataset's own targets, one per row; do not modify. Throws when the data has none. */
    public float[] targets() {
        if (targets == null) {
            throw new IllegalStateException("this dataset has no regression targets");
        }
        return targets;
    }

    /** The number of classes; 0 for data without class labels. */
    public int classes() {
        return classLabels == null ? 0 : classLabels.size();
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
     * The first {@code n} rows (all of them when {@code n >= rows}), for quick runs; the class labels stay
     * those of the whole set, so a model trained on a subset has the full output layer.
     */
    public Dataset first(int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("a subset needs at least one row, got " + n);
        }
        if (n >= rows) {
            return this;
        }
        int[] head = new int[n];
        Arrays.setAll(head, i -> i);
        return subset(head);
    }

    /**
     * The rows {@code indices} in that order (copied; an index may repeat), with the class labels and feature
     * names of this set.
     */
    public Dataset subset(int[] indices) {
        if (indices.length == 0) {
            throw new IllegalArgumentException("a subset needs at least one row");
        }
        float[] x = new float[Math.multiplyExact(indices.length, cols)];
        int[] l = labels == null ? null : new int[indices.length];
        float[] t = targets == null ? null : new float[indices.length];
        for (int i = 0; i < indices.length; i++) {
            int r = Objects.checkIndex(indices[i], rows);
            System.arraycopy(features, r * cols, x, i * cols, cols);
            if (l != null) {
                l[i] = labels[r];
            }
            if (t != null) {
                t[i] = targets[r];
            }
        }
        return new Dataset(x, indices.length, cols, l, classLabels, t, featureNames);
    }

    /** All rows in an order drawn from {@code seed}: the same seed gives the same order. */
    public Dataset shuffle(long seed) {
        int[] order = new int[rows];
        Arrays.setAll(order, i -> i);
        shuffle(order, order.length, new SplittableRandom(seed));
        return subset(order);
    }

    /** Two disjoint parts of a dataset, each in the original row order. */
    public record Split(Dataset train, Dataset validation) {
    }

    /**
     * Holds out about {@code fraction} of the rows, drawn from {@code seed}; both parts keep the original row
     * order. Labelled data is split per class (stratified): each class gives the rounded share of its rows,
     * the shares adding up to {@code round(fraction * rows)}, and a class's only row stays in {@code train},
     * so a file sorted by class still gives a fair split. Other data is split at random.
     */
    public Split split(double fraction, long seed) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("the held-out fraction must be in (0, 1), got " + fraction);
        }
        if (rows < 2) {
            throw new IllegalArgumentException("splitting needs at least 2 rows, got " + rows);
        }
        int groups = labels == null ? 1 : classes();
        List<List<Integer>> members = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            members.add(new ArrayList<>());
        }
        for (int r = 0; r < rows; r++) {
            members.get(labels == null ? 0 : labels[r]).add(r);
        }
        int[] take = heldOutCounts(members, fraction);
        SplittableRandom random = new SplittableRandom(seed);
        boolean[] held = new boolean[rows];
        int heldCount = 0;
        for (int g = 0; g < groups; g++) {
            int[] group = members.get(g).stream().mapToInt(Integer::intValue).toArray();
            shuffle(group, take[g], random);
            for (int i = 0; i < take[g]; i++) {
                held[group[i]] = true;
            }
            heldCount += take[g];
        }
        if (heldCount == 0 || heldCount == rows) {
            throw new IllegalArgumentException("holding out " + fraction + " of " + rows + " rows leaves "
                    + (heldCount == 0 ? "nothing held out" : "nothing to train on"));
        }
        int[] trainRows = new int[rows - heldCount];
        int[] heldRows = new int[heldCount];
        int t = 0;
        int h = 0;
        for (int r = 0; r < rows; r++) {
            if (held[r]) {
                heldRows[h++] = r;
            } else {
                trainRows[t++] = r;
            }
        }
        return new Split(subset(trainRows), subset(heldRows));
    }

    /**
     * How many rows of each group to hold out: floor of each share, then one more for the groups with the
     * largest remainders until the total is {@code round(fraction * rows)}; never a group's last row.
     */
    private int[] heldOutCounts(List<List<Integer>> members, double fraction) {
        int groups = members.size();
        int[] take = new int[groups];
        double[] remainder = new double[groups];
        long total = Math.max(1, Math.min(rows - 1, Math.round(fraction * rows)));
        long taken = 0;
        for (int g = 0; g < groups; g++) {
            int n = members.get(g).size();
            double share = fraction * n;
            take[g] = (int) Math.min(Math.floor(share), Math.max(0, n - 1));
            remainder[g] = share - take[g];
            taken += take[g];
        }
        while (taken < total) {
            int best = -1;
            for (int g = 0; g < groups; g++) {
                if (take[g] < members.get(g).size() - 1 && (best < 0 || remainder[g] > remainder[best])) {
                    best = g;
                }
            }
            if (best < 0) {
                break;
            }
            take[best]++;
            remainder[best] -= 1;
            taken++;
        }
        return take;
    }

    /** Fisher-Yates for the first {@code count} places: they end up a uniform draw without replacement. */
    private static void shuffle(int[] values, int count, SplittableRandom random) {
        for (int i = 0; i < count && i < values.length - 1; i++) {
            int j = i + random.nextInt(values.length - i);
            int v = values[i];
            values[i] = values[j];
            values[j] = v;
        }
    }

    /** The labels as a {@code rows x classes} row-major one-hot matrix, the target of a softmax output. */
    public float[] oneHotLabels() {
        int[] l = labels();
        int classes = classes();
        float[] oneHot = new float[Math.multiplyExact(rows, classes)];
        for (int i = 0; i < rows; i++) {
            oneHot[i * classes + l[i]] = 1f;
        }
        return oneHot;
    }

    @Override
    public String toString() {
        String what = labels != null ? ", " + classes() + " classes" : targets != null ? ", regression" : ", unlabelled";
        return "Dataset[" + rows + "x" + cols + what + "]";
    }
}
