package dev.fastnn.spark;

import dev.fastnn.network.data.Dataset;
import dev.fastnn.network.model.Preprocessing;
import dev.fastnn.network.train.Samples;
import java.io.Serializable;
import java.util.Arrays;

/**
 * Samples packed for training, as {@link Samples} holds them: {@code rows x cols} features row-major and per
 * row a class index ({@code labels}) or a target ({@code targets}). Serializable, so that a cached partition
 * can spill to disk; plain arrays, so that packing them into {@link Samples} copies nothing.
 */
final class SampleBlock implements Serializable {
    private static final long serialVersionUID = 1L;

    final float[] features;
    final int rows;
    final int cols;
    final int[] labels;
    final float[] targets;

    SampleBlock(float[] features, int rows, int cols, int[] labels, float[] targets) {
        this.features = features;
        this.rows = rows;
        this.cols = cols;
        this.labels = labels;
        this.targets = targets;
    }

    /** The rows of {@code data}, sharing its arrays. */
    static SampleBlock of(Dataset data) {
        return new SampleBlock(data.features(), data.rows(), data.cols(), data.hasLabels() ? data.labels() : null,
                data.hasTargets() ? data.targets() : null);
    }

    /** These rows with their features transformed by {@code p} (a new feature array; the rest is shared). */
    SampleBlock preprocessed(Preprocessing p) {
        return rows == 0 ? this : new SampleBlock(p.apply(features, rows, cols), rows, cols, labels, targets);
    }

    /** These rows as training or evaluation data for a network with {@code outputs} outputs; needs rows > 0. */
    Samples samples(int outputs) {
        return labels != null ? Samples.classification(features, rows, cols, labels, outputs)
                : Samples.regression(features, rows, cols, targets, outputs);
    }

    /** Collects rows of a partition whose count is not known in advance. */
    static final class Builder {
        private final int cols;
        private final boolean classes;
        private float[] features;
        private int[] labels;
        private float[] targets;
        private int rows;

        Builder(int cols, boolean classes) {
            this.cols = cols;
            this.classes = classes;
            int capacity = 256;
            this.features = new float[capacity * cols];
            this.labels = classes ? new int[capacity] : null;
            this.targets = classes ? null : new float[capacity];
        }

        /** Where the next row's {@code cols} features go in {@link #features()}; call {@link #add} after writing them. */
        int nextOffset() {
            int capacity = features.length / cols;
            if (rows == capacity) {
                long grown = Math.min(2L * capacity, Integer.MAX_VALUE / cols);
                if (grown <= capacity) {
                    throw new IllegalStateException("a partition of more than " + capacity + " rows of " + cols
                            + " features does not fit one array; use more partitions (numPartitions)");
                }
                features = Arrays.copyOf(features, (int) grown * cols);
                if (classes) {
                    labels = Arrays.copyOf(labels, (int) grown);
                } else {
                    targets = Arrays.copyOf(targets, (int) grown);
                }
            }
            return rows * cols;
        }

        float[] features() {
            return features;
        }

        /** Completes the row whose features were written at {@link #nextOffset()}, with its label or target. */
        void add(double label) {
            if (classes) {
                labels[rows] = (int) label;
            } else {
                targets[rows] = (float) label;
            }
            rows++;
        }

        SampleBlock build() {
            return new SampleBlock(Arrays.copyOf(features, rows * cols), rows, cols,
                    classes ? Arrays.copyOf(labels, rows) : null, classes ? null : Arrays.copyOf(targets, rows));
        }
    }
}
