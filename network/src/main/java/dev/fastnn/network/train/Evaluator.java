package dev.fastnn.network.train;

import dev.fastnn.kernels.Argmax;
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
    /** Per-class weights of each row's loss, as in training ({@link ClassWeights}), or null for none. */
    private final float[] classWeights;

    Evaluator(Network network, int maxRows) {
        this(network, maxRows, null);
    }

    /** Scores the loss with each row's loss weighted by its class's weight, as training weighs it. */
    Evaluator(Network network, int maxRows, float[] classWeights) {
        this.network = network;
        this.capacity = Math.min(CHUNK, maxRows);
        this.forward = new Network.Forward(network, capacity);
        this.classWeights = classWeights;
    }

    Evaluation evaluate(Samples samples) {
        checkShape(network, samples);
        int k = network.outputs();
        int[][] confusion = samples.isClassification() ? new int[k][k] : new int[0][0];
        int correct = 0;
        double lossSum = 0;
        double absoluteSum = 0;
        double[] residualSquares = new double[samples.isClassification() ? 0 : k];
        for (int start = 0; start < samples.rows(); start += capacity) {
            int n = Math.min(capacity, samples.rows() - start);
            float[] out = forward.run(samples.inputs(), start, n);
            for (int i = 0; i < n; i++) {
                int row = start + i;
                if (samples.isClassification()) {
                    int label = samples.labels()[row];
                    int predicted = Argmax.of(out, i * k, k);
                    confusion[label][predicted]++;
                    if (predicted == label) {
                        correct++;
                    }
                    double rowLoss = rowLoss(out, i * k, k, label, null, 0);
                    lossSum += classWeights == null ? rowLoss : classWeights[label] * rowLoss;
                } else {
                    lossSum += rowLoss(out, i * k, k, -1, samples.targets(), row * k);
                    for (int j = 0; j < k; j++) {
                        double d = (double) samples.targets()[row * k + j] - out[i * k + j];
                        absoluteSum += Math.abs(d);
                        residualSquares[j] += d * d;
                    }
                }
            }
        }
        double loss = switch (network.loss()) {
            case SUM_SQUARED_ERROR -> lossSum;
            case MEAN_SQUARED_ERROR -> lossSum / ((double) samples.rows() * k);
            case SOFTMAX_CROSS_ENTROPY -> lossSum / samples.rows();
        };
        if (samples.isClassification()) {
            return Evaluation.classification(loss, (double) correct / samples.rows(), confusion);
        }
        double values = (double) samples.rows() * k;
        double squares = 0;
        for (double r : residualSquares) {
            squares += r;
        }
        return Evaluation.regression(loss, absoluteSum / values, Math.sqrt(squares / values),
                meanR2(samples, residualSquares));
    }

    /** {@code 1 - SS_res / SS_tot} per output, with the targets' own mean, averaged over the outputs. */
    private static double meanR2(Samples samples, double[] residualSquares) {
        int k = samples.outputs();
        int n = samples.rows();
        float[] y = samples.targets();
        double[] mean = new double[k];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                mean[j] += y[i * k + j];
            }
        }
        double[] total = new double[k];
        for (int j = 0; j < k; j++) {
            mean[j] /= n;
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                double d = y[i * k + j] - mean[j];
                total[j] += d * d;
            }
        }
        double sum = 0;
        for (int j = 0; j < k; j++) {
            sum += total[j] == 0 ? Double.NaN : 1 - residualSquares[j] / total[j];
        }
        return sum / k;
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
