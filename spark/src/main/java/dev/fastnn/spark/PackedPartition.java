package dev.fastnn.spark;

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

    /** How a partition's rows become a {@link PackedPartition}; serializable, it runs in the tasks. */
    static final class Packer implements Serializable {
        private static final long serialVersionUID = 1L;

        private final FeatureColumn features;
        private final LabelColumn labels;
        private final int inputs;
        private final int outputs;

        Packer(FeatureColumn features, LabelColumn labels, int inputs, int outputs) {
            this.features = features;
            this.labels = labels;
            this.inputs = inputs;
            this.outputs = outputs;
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
                block.add(labels.value(r));
            }
            return new PackedPartition(partition, block.build(), null, null);
        }
    }
}
