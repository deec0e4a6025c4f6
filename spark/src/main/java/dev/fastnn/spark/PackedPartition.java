package dev.fastnn.spark;

import dev.fastnn.network.data.Dataset;
import dev.fastnn.network.model.ClassLabels;
import dev.fastnn.network.model.Preprocessing;
import dev.fastnn.network.train.Seeds;
import java.io.Serializable;
import java.util.Iterator;
import org.apache.spark.sql.Row;

/**
 * One partition of a training DataFrame, read once into float arrays and cached for every round: the rows
 * to train on and those held out for validation, or, when a row is bad, the first problem found (so that
 * the driver can report it before training starts instead of a task failing mid-job).
 */
final class PackedPartition implements Serializable {
    private static final long serialVersionUID = 1L;

    final int partition;
    final SampleBlock train;
    final SampleBlock validation;
    /** What is wrong with the first bad row, naming the column and the row; null when every row is good. */
    final String problem;

    private PackedPartition(int partition, SampleBlock train, SampleBlock validation, String problem) {
        this.partition = partition;
        this.train = train;
        this.validation = validation;
        this.problem = problem;
    }

    /**
     * This partition with its features divided by {@code divisor} and, when {@code mean} is not null,
     * standardized: what training and validation see, computed once instead of in every round.
     */
    PackedPartition preprocessed(float divisor, float[] mean, float[] scale) {
        Preprocessing p = mean == null ? Preprocessing.divisor(divisor) : Preprocessing.standardized(divisor, mean, scale);
        return new PackedPartition(partition, train.preprocessed(p), validation == null ? null : validation.preprocessed(p),
                problem);
    }

    /** How a partition's rows become a {@link PackedPartition}; serializable, it runs in the tasks. */
    static final class Packer implements Serializable {
        private static final long serialVersionUID = 1L;

        private final FeatureColumn features;
        private final LabelColumn labels;
        private final int inputs;
        private final int outputs;
        private final double validationFraction;
        private final long seed;

        /**
         * Rows of {@code inputs} features and a label for a network with {@code outputs} outputs; with a
         * validation fraction above 0 each partition holds out that share of its rows, stratified by class,
         * drawn from {@code seed} and the partition number (so a retried task holds out the same rows).
         */
        Packer(FeatureColumn features, LabelColumn labels, int inputs, int outputs, double validationFraction, long seed) {
            this.features = features;
            this.labels = labels;
            this.inputs = inputs;
            this.outputs = outputs;
            this.validationFraction = validationFraction;
            this.seed = seed;
        }

        PackedPartition pack(int partition, Iterator<Row> rows) {
            SampleBlock.Builder block = new SampleBlock.Builder(inputs, labels.isClassIndex());
            for (long row = 0; rows.hasNext(); row++) {
                Row r = rows.next();
                int offset = block.nextOffset();
                String problem = features.read(r, inputs, block.features(), offset);
                String column = "features column '" + features.name() + "'";
                if (problem == null) {
                    problem = labels.problem(r, outputs);
                    column = "label column '" + labels.name() + "'";
                }
                if (problem != null) {
                    return new PackedPartition(partition, null, null,
                            column + " " + problem + " in row " + row + " of partition " + partition);
                }
                block.add(labels.index(r));
            }
            SampleBlock all = block.build();
            if (validationFraction == 0 || all.rows < 2) {
                return new PackedPartition(partition, all, null, null);
            }
            Dataset data = all.labels != null
                    ? Dataset.classification(all.features, all.rows, all.cols, all.labels, ClassLabels.indices(outputs))
                    : Dataset.regression(all.features, all.rows, all.cols, all.targets);
            Dataset.Split split;
            try {
                split = data.split(validationFraction, Seeds.partition(seed, partition));
            } catch (IllegalArgumentException tooFewRows) {
                // The fraction of this partition's rows rounds to none: it trains on all of them.
                return new PackedPartition(partition, all, null, null);
            }
            return new PackedPartition(partition, SampleBlock.of(split.train()), SampleBlock.of(split.validation()), null);
        }
    }
}
