package dev.fastnn.spark;

import dev.fastnn.kernels.Activation;
import dev.fastnn.kernels.Backend;
import dev.fastnn.network.model.LayerParameters;
import dev.fastnn.network.model.ModelParameters;
import dev.fastnn.network.model.Network;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.TaskCompletionListener;

/**
 * What {@code transform} runs in each task: rows are read {@value #BATCH_ROWS} at a time into one float
 * array, go forward through the network on the executor's backend in one pass, and come out with the
 * prediction columns appended. The network is uploaded once per task and released when the task ends.
 *
 * <p>A classifier's network runs with an identity output layer, so that the raw values before the output
 * activation (the logits of a softmax) come out; the activation is then applied here, per row, in double.
 */
final class Scorer implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Rows per forward pass: large enough that a gemm of the first layer is efficient, small enough to buffer. */
    static final int BATCH_ROWS = 1024;

    /** Which columns to append, in this order; an absent one is skipped. */
    record Outputs(boolean rawPrediction, boolean probability, boolean prediction) implements Serializable {
    }

    private final Broadcast<NetworkSnapshot> network;
    private final FeatureColumn features;
    private final String backend;
    private final int threads;
    /** Null for a regressor, whose single output is the prediction. */
    private final Outputs classifier;

    private Scorer(Broadcast<NetworkSnapshot> network, FeatureColumn features, String backend, int threads,
                   Outputs classifier) {
        this.network = network;
        this.features = features;
        this.backend = backend;
        this.threads = threads;
        this.classifier = classifier;
    }

    static Scorer classifier(Broadcast<NetworkSnapshot> network, FeatureColumn features, String backend, int threads,
                             Outputs outputs) {
        return new Scorer(network, features, backend, threads, outputs);
    }

    static Scorer regressor(Broadcast<NetworkSnapshot> network, FeatureColumn features, String backend, int threads) {
        return new Scorer(network, features, backend, threads, null);
    }

    /** The rows of one partition with the predictions appended; the input is read lazily, one batch ahead. */
    Iterator<Row> score(Iterator<Row> rows) {
        return new Iterator<>() {
            private final List<Row> batch = new ArrayList<>(BATCH_ROWS);
            private final List<Row> scored = new ArrayList<>(BATCH_ROWS);
            private int next;
            private Pass pass;

            @Override
            public boolean hasNext() {
                if (next < scored.size()) {
                    return true;
                }
                scored.clear();
                next = 0;
                batch.clear();
                while (batch.size() < BATCH_ROWS && rows.hasNext()) {
                    batch.add(rows.next());
                }
                if (batch.isEmpty()) {
                    if (pass != null) {
                        pass.close();
                    }
                    return false;
                }
                if (pass == null) {
                    pass = new Pass();
                }
                pass.score(batch, scored);
                return true;
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return scored.get(next++);
            }
        };
    }

    /** The network on the executor's backend with its buffers, for one task. */
    private final class Pass implements AutoCloseable {
        private final NetworkSnapshot snapshot = network.value();
        private final Network net;
        private final Network.Forward forward;
        private final float[] inputs;
        private final int in;
        private final int out;
        private boolean closed;

        Pass() {
            Backend b = ExecutorBackends.forTask(backend, threads);
            ModelParameters p = snapshot.parameters();
            if (classifier != null) {
                List<LayerParameters> layers = new ArrayList<>(p.layers());
                LayerParameters last = layers.get(layers.size() - 1);
                layers.set(layers.size() - 1, new LayerParameters(last.inputs(), last.outputs(), Activation.IDENTITY,
                        last.weights(), last.biases()));
                p = new ModelParameters(layers, Map.of());
            }
            in = snapshot.inputs();
            out = snapshot.outputs();
            net = Network.fromParameters(b, p);
            forward = new Network.Forward(net, BATCH_ROWS);
            inputs = new float[BATCH_ROWS * in];
            TaskContext task = TaskContext.get();
            if (task != null) {
                task.addTaskCompletionListener((TaskCompletionListener) context -> close());
            }
        }

        void score(List<Row> rows, List<Row> scored) {
            int n = rows.size();
            for (int i = 0; i < n; i++) {
                String problem = features.read(rows.get(i), in, inputs, i * in);
                if (problem != null) {
                    throw new IllegalArgumentException("features column '" + features.name() + "' " + problem);
                }
            }
            float[] y = forward.run(inputs, 0, n);
            for (int i = 0; i < n; i++) {
                Row row = rows.get(i);
                int width = row.length();
                List<Object> values = new ArrayList<>(width + 3);
                for (int c = 0; c < width; c++) {
                    values.add(row.get(c));
                }
                if (classifier == null) {
                    values.add((double) y[i * out]);
                } else {
                    appendClassification(y, i * out, values);
                }
                scored.add(RowFactory.create(values.toArray()));
            }
        }

        private void appendClassification(float[] y, int offset, List<Object> values) {
            double[] raw = new double[out];
            int best = 0;
            for (int j = 0; j < out; j++) {
                raw[j] = y[offset + j];
                if (raw[j] > raw[best]) {
                    best = j;
                }
            }
            if (classifier.rawPrediction()) {
                values.add(Vectors.dense(raw));
            }
            if (classifier.probability()) {
                values.add(Vectors.dense(probabilities(raw, snapshot.outputActivation())));
            }
            if (classifier.prediction()) {
                values.add((double) best);
            }
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                forward.close();
                net.close();
            }
        }
    }

    /**
     * Class probabilities from the output layer's raw values: a softmax, or for sigmoid outputs (each class
     * scored on its own) the sigmoids normalized to sum to one, as Spark expects of a probability column.
     */
    static double[] probabilities(double[] raw, Activation output) {
        double[] p = new double[raw.length];
        double sum = 0;
        if (output == Activation.SOFTMAX) {
            double max = Double.NEGATIVE_INFINITY;
            for (double z : raw) {
                max = Math.max(max, z);
            }
            for (int j = 0; j < raw.length; j++) {
                p[j] = Math.exp(raw[j] - max);
                sum += p[j];
            }
        } else {
            for (int j = 0; j < raw.length; j++) {
                p[j] = 1 / (1 + Math.exp(-raw[j]));
                sum += p[j];
            }
        }
        for (int j = 0; j < raw.length; j++) {
            p[j] /= sum;
        }
        return p;
    }
}
