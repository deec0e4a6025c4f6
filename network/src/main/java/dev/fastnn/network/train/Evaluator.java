package dev.fastnn.network.train;

import dev.fastnn.kernels.CrossEntropy;
import dev.fastnn.network.model.Loss;
import dev.fastnn.network.model.Network;

/**
 * Runs labelled or targeted samples forward in chunks, reusing its buffers across calls, and scores the
 * outputs on the host. Loss here is computed in double from the downloaded outputs with the same
 * definitions as {@link Loss#value}.
 */
final class Evaluator implements AutoCloseable {
    private static final int CHUNK = 1000;

    private final Network network;
    private final Network.Forward forward;
    private final int capacity;

    Evaluator(Network network, int maxRows) {
        this.network = network;
        this.capacity = Math.min(CHUNK, maxRows);
        this.forward = new Network.Forward(network, capacity);
    }

    Evaluation evaluate(Samples samples) {
        checkShape(network, samples);
        int k = network.outputs();
        int[][] confusion = samples.isClassification() ? new int[k][k] : new int[0][0];
        int correct = 0;
        double lossSum = 0;
        for (int start = 0; start < samples.rows(); start += capacity) {
            int n = Math.min(capacity, samples.rows() - start);
            float[] out = forward.run(samples.inputs(), start, n);
            for (int i = 0; i < n; i++) {
                int row = start + i;
                if (samples.isClassification()) {
                    int label = samples.labels()[row];
                    int predicted = argmax(out, i * k, k);
                    confusion[label][predicted]++;
                    if (predicted == label) {
                        correct++;
                    }
                    lossSum += rowLoss(out, i * k, k, label, null, 0);
                } else {
                    lossSum += rowLoss(out, i * k, k, -1, samples.targets(), row * k);
                }
            }
        }
        double loss = switch (network.loss()) {
            case SUM_SQUARED_ERROR -> lossSum;
            case MEAN_SQUARED_ERROR -> lossSum / ((double) samples.rows() * k);
            case SOFTMAX_CROSS_ENTROPY -> lossSum / samples.rows();
        };
        double accuracy = samples.isClassification() ? (double) correct / samples.rows() : Double.NaN;
        return new Evaluation(loss, accuracy, confusion);
    }

    /** The row's loss term: squared error or the {@link CrossEntropy} of the target class, as the backends compute it. */
    private double rowLoss(float[] p, int offset, int k, int label, float[] targets, int targetOffset) {
        if (network.loss() == Loss.SOFTMAX_CROSS_ENTROPY) {
            if (label >= 0) {
                return CrossEntropy.term(1f, p[offset + label]);
            }
            double sum = 0;
            for (int j = 0; j < k; j++) {
                sum += CrossEntropy.term(targets[targetOffset + j], p[offset + j]);
            }
            return sum;
        }
        double sum = 0;
        for (int j = 0; j < k; j++) {
            double y = label >= 0 ? (j == label ? 1 : 0) : targets[targetOffset + j];
            double d = y - p[offset + j];
            sum += d * d;
        }
        return sum;
    }

    static int argmax(float[] v, int offset, int k) {
        int best = 0;
        for (int j = 1; j < k; j++) {
            if (v[offset + j] > v[offset + best]) {
                best = j;
            }
        }
        return best;
    }

    static void checkShape(Network network, Samples samples) {
        if (samples.features() != network.inputs() || samples.outputs() != network.outputs()) {
            throw new IllegalArgumentException("samples have " + samples.features() + " features and "
                    + samples.outputs() + " outputs but the network takes " + network.inputs() + " and gives "
                    + network.outputs());
        }
    }

    @Override
    public void close() {
        forward.close();
    }
}
