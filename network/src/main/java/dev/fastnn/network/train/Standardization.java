package dev.fastnn.network.train;

import dev.fastnn.network.model.LayerParameters;
import dev.fastnn.network.model.ModelParameters;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-feature standardization {@code x' = (x - mean) / (std + 0.01)}, with statistics from the training set.
 * The 0.01 keeps features that never vary (Fashion-MNIST's always-black corner pixels) from being blown up.
 * Because it is affine it can be folded into the first layer after training ({@link #foldInto}), so the
 * model that comes out takes raw features and nobody has to remember to standardize before predicting.
 */
public record Standardization(float[] mean, float[] scale) {
    private static final double FLOOR = 0.01;

    public Standardization {
        if (mean.length != scale.length) {
            throw new IllegalArgumentException("standardization needs one scale per mean, got " + mean.length
                    + " means and " + scale.length + " scales");
        }
    }

    /** Means and standard deviations of each feature of {@code samples}, in double. */
    static Standardization of(Samples samples) {
        int d = samples.features();
        int n = samples.rows();
        double[] sum = new double[d];
        double[] sumSquares = new double[d];
        float[] x = samples.inputs();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                double v = x[i * d + j];
                sum[j] += v;
                sumSquares[j] += v * v;
            }
        }
        return fromMoments(sum, sumSquares, n);
    }

    /**
     * The statistics of {@code rows} samples from each feature's sum and sum of squares (in double), for data
     * that is summed where it lives, such as the partitions of a distributed data set.
     */
    public static Standardization fromMoments(double[] sum, double[] sumSquares, long rows) {
        if (sum.length != sumSquares.length || rows < 1) {
            throw new IllegalArgumentException("standardization needs as many sums as sums of squares and rows >= 1, got "
                    + sum.length + ", " + sumSquares.length + " and " + rows + " rows");
        }
        int d = sum.length;
        float[] mean = new float[d];
        float[] scale = new float[d];
        for (int j = 0; j < d; j++) {
            double m = sum[j] / rows;
            double variance = Math.max(sumSquares[j] / rows - m * m, 0);
            mean[j] = (float) m;
            scale[j] = (float) (1 / (Math.sqrt(variance) + FLOOR));
        }
        return new Standardization(mean, scale);
    }

    /** A standardized copy (the input's arrays are left alone). */
    Samples apply(Samples s) {
        int d = s.features();
        float[] x = s.inputs();
        float[] out = new float[x.length];
        for (int i = 0; i < s.rows(); i++) {
            for (int j = 0; j < d; j++) {
                out[i * d + j] = (x[i * d + j] - mean[j]) * scale[j];
            }
        }
        return new Samples(out, s.rows(), d, s.labels(), s.targets(), s.outputs());
    }

    /**
     * The same network for raw inputs: the first layer's {@code W'[k][j] = scale_k W[k][j]} and
     * {@code b'[j] = b[j] - sum_k mean_k scale_k W[k][j]} (summed in double).
     */
    ModelParameters foldInto(ModelParameters model) {
        LayerParameters first = model.layers().get(0);
        if (!first.hasBiases()) {
            throw new IllegalArgumentException("standardization is folded into the first layer's biases; it has none");
        }
        int in = first.inputs();
        int out = first.outputs();
        float[] w = new float[in * out];
        double[] shift = new double[out];
        for (int k = 0; k < in; k++) {
            for (int j = 0; j < out; j++) {
                float wkj = first.weights()[k * out + j];
                w[k * out + j] = wkj * scale[k];
                shift[j] += (double) mean[k] * scale[k] * wkj;
            }
        }
        float[] b = new float[out];
        for (int j = 0; j < out; j++) {
            b[j] = (float) (first.biases()[j] - shift[j]);
        }
        List<LayerParameters> layers = new ArrayList<>(model.layers());
        layers.set(0, new LayerParameters(in, out, first.activation(), w, b));
        return new ModelParameters(layers, model.metadata());
    }
}
