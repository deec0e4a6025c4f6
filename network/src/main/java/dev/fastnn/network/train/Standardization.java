package dev.fastnn.network.train;

import dev.fastnn.network.model.LayerParameters;
import dev.fastnn.network.model.ModelParameters;
import dev.fastnn.network.model.Preprocessing;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-feature standardization {@code x' = (x - mean) * scale} with statistics of the training set:
 * {@code scale = 1 / standard deviation}. Affine, so it is folded into the first layer after training
 * ({@link #foldInto}) and the model that comes out takes raw features.
 *
 * <p>The rule for a feature that does not vary depends on nothing but the feature itself, so that scaling a
 * feature by any factor changes nothing: a deviation within float rounding of the feature's mean
 * ({@link #RELATIVE_NOISE} of it) is not information (Fashion-MNIST's always-black corner pixels, an id
 * column stored as floats), and such a feature keeps scale 1 instead of being blown up.
 */
public record Standardization(float[] mean, float[] scale) {
    /** About 16 float32 ulps of the feature's magnitude. */
    static final double RELATIVE_NOISE = 1e-6;

    public Standardization {
        if (mean.length != scale.length) {
            throw new IllegalArgumentException("standardization needs one scale per mean, got " + mean.length
                    + " means and " + scale.length + " scales");
        }
    }

    /** Means and standard deviations of each feature of {@code samples}. */
    static Standardization of(Samples samples) {
        return of(samples, 1f);
    }

    /**
     * Means and standard deviations of each feature of {@code samples} divided by {@code divisor}, in two
     * passes in double, so that a constant feature has deviation exactly 0.
     */
    static Standardization of(Samples samples, float divisor) {
        int d = samples.features();
        int n = samples.rows();
        float[] x = samples.inputs();
        double[] mean = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                mean[j] += x[i * d + j] / divisor;
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= n;
        }
        double[] variance = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                double deviation = x[i * d + j] / divisor - mean[j];
                variance[j] += deviation * deviation;
            }
        }
        for (int j = 0; j < d; j++) {
            variance[j] /= n;
        }
        return fromVariances(mean, variance, RELATIVE_NOISE);
    }

    /**
     * The statistics of {@code rows} samples from each feature's sum and sum of squares (in double), for data
     * that is summed where it lives, such as the partitions of a distributed data set. {@code sumSquares / rows
     * - mean^2} cancels, with an error that grows with {@code sqrt(rows)} relative to {@code mean^2}; a
     * deviation below that error counts as none.
     */
    public static Standardization fromMoments(double[] sum, double[] sumSquares, long rows) {
        if (sum.length != sumSquares.length || rows < 1) {
            throw new IllegalArgumentException("standardization needs as many sums as sums of squares and rows >= 1, got "
                    + sum.length + ", " + sumSquares.length + " and " + rows + " rows");
        }
        int d = sum.length;
        double[] mean = new double[d];
        double[] variance = new double[d];
        for (int j = 0; j < d; j++) {
            mean[j] = sum[j] / rows;
            variance[j] = Math.max(sumSquares[j] / rows - mean[j] * mean[j], 0);
        }
        return fromVariances(mean, variance, Math.max(RELATIVE_NOISE, 4 * Math.sqrt(rows * Math.ulp(1.0))));
    }

    /**
     * The statistics from each feature's mean and population variance (in double), for data whose moments are
     * merged from parts, such as the partitions of a distributed data set (each part's by two passes, then
     * combined): one part's two-pass moments give exactly what {@link #of(Samples, float)} gives.
     */
    public static Standardization fromVariances(double[] mean, double[] variance) {
        if (mean.length != variance.length) {
            throw new IllegalArgumentException("standardization needs one variance per mean, got " + mean.length
                    + " means and " + variance.length + " variances");
        }
        return fromVariances(mean, variance, RELATIVE_NOISE);
    }

    private static Standardization fromVariances(double[] mean, double[] variance, double noise) {
        int d = mean.length;
        float[] m = new float[d];
        float[] scale = new float[d];
        for (int j = 0; j < d; j++) {
            double std = Math.sqrt(variance[j]);
            m[j] = (float) mean[j];
            scale[j] = std > noise * Math.abs(mean[j]) ? (float) (1 / std) : 1f;
        }
        return new Standardization(m, scale);
    }

    /** This standardization after a division by {@code divisor}, as a model records it. */
    Preprocessing preprocessing(float divisor) {
        return Preprocessing.standardized(divisor, mean, scale);
    }

    /** A standardized copy (the input's arrays are left alone). */
    Samples apply(Samples s) {
        return s.withInputs(preprocessing(1f).apply(s.inputs(), s.rows(), s.features()));
    }

    /** The same network for raw inputs, through {@link Preprocessing#foldInto}. */
    ModelParameters foldInto(ModelParameters model) {
        List<LayerParameters> layers = new ArrayList<>(model.layers());
        layers.set(0, preprocessing(1f).foldInto(layers.get(0)));
        return model.withLayers(layers);
    }
}
