package dev.fastnn.network.train;

import dev.fastnn.network.model.LayerParameters;
import dev.fastnn.network.model.Loss;
import dev.fastnn.network.model.ModelParameters;

/** The forward pass and the losses in double, straight from their definitions: the reference for gradient checks. */
final class Float64Network {
    private Float64Network() {
    }

    /** The loss with weights {@code w[l][0]} and biases {@code w[l][1]} in place of the model's. */
    static double loss(ModelParameters m, double[][][] w, float[] x, float[] y, int rows, Loss loss) {
        return loss(m, w, x, y, rows, loss, null, null);
    }

    /**
     * As above, with hidden layer {@code l}'s output multiplied elementwise by {@code masks[l]} (a dropout
     * mask: 0 or {@code 1 / (1 - rate)}; {@code masks} or an entry may be null for none), and row {@code r}'s
     * loss by {@code rowWeights[r]} ({@code rowWeights} may be null).
     */
    static double loss(ModelParameters m, double[][][] w, float[] x, float[] y, int rows, Loss loss, double[][] masks,
                       double[] rowWeights) {
        double[] in = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            in[i] = x[i];
        }
        int width = m.layers().get(0).inputs();
        for (int l = 0; l < m.layers().size(); l++) {
            LayerParameters p = m.layers().get(l);
            double[] out = new double[rows * p.outputs()];
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < p.outputs(); j++) {
                    double z = w[l][1] == null ? 0 : w[l][1][j];
                    for (int k = 0; k < width; k++) {
                        z += in[r * width + k] * w[l][0][k * p.outputs() + j];
                    }
                    out[r * p.outputs() + j] = z;
                }
                activate(p, out, r * p.outputs());
            }
            if (masks != null && masks[l] != null) {
                for (int i = 0; i < out.length; i++) {
                    out[i] *= masks[l][i];
                }
            }
            in = out;
            width = p.outputs();
        }
        double sum = 0;
        for (int i = 0; i < in.length; i++) {
            double term;
            if (loss == Loss.SOFTMAX_CROSS_ENTROPY) {
                term = y[i] == 0 ? 0 : -y[i] * Math.log(in[i]);
            } else {
                double d = y[i] - in[i];
                term = d * d;
            }
            sum += rowWeights == null ? term : rowWeights[i / width] * term;
        }
        return switch (loss) {
            case SUM_SQUARED_ERROR -> sum;
            case MEAN_SQUARED_ERROR -> sum / in.length;
            case SOFTMAX_CROSS_ENTROPY -> sum / rows;
        };
    }

    /** {@code sum W^2} over the weights of every layer ({@code w[l][0]}), not the biases. */
    static double sumSquaredWeights(double[][][] w) {
        double sum = 0;
        for (double[][] layer : w) {
            for (double v : layer[0]) {
                sum += v * v;
            }
        }
        return sum;
    }

    private static void activate(LayerParameters p, double[] v, int offset) {
        int n = p.outputs();
        switch (p.activation()) {
            case IDENTITY -> {
            }
            case SIGMOID -> {
                for (int j = 0; j < n; j++) {
                    v[offset + j] = 1 / (1 + Math.exp(-v[offset + j]));
                }
            }
            case TANH -> {
                for (int j = 0; j < n; j++) {
                    v[offset + j] = Math.tanh(v[offset + j]);
                }
            }
            case RELU -> {
                for (int j = 0; j < n; j++) {
                    v[offset + j] = Math.max(0, v[offset + j]);
                }
            }
            case SOFTMAX -> {
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < n; j++) {
                    max = Math.max(max, v[offset + j]);
                }
                double s = 0;
                for (int j = 0; j < n; j++) {
                    v[offset + j] = Math.exp(v[offset + j] - max);
                    s += v[offset + j];
                }
                for (int j = 0; j < n; j++) {
                    v[offset + j] /= s;
                }
            }
        }
    }
}
