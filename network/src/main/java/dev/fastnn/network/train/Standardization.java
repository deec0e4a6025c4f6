package dev.fastnn.network.train;

import dev.fastnn.network.model.Preprocessing;

/**
 * The statistics behind a {@link Preprocessing}: per feature, after the divisor, the training set's mean and
 * {@code 1 / standard deviation}. Affine, so it is folded into the first layer after training and the model
 * takes raw features.
 *
 * <p>The rule for a feature that does not vary depends on nothing but the feature itself, so that scaling a
 * feature by any factor changes nothing: a deviation of at most {@link #RELATIVE_NOISE} of the feature's
 * largest magnitude is float32 rounding, not information (Fashion-MNIST's always-black corner pixels, an id
 * column stored as floats), and such a feature keeps scale 1 instead of being blown up. Deviations are
 * computed in two passes in double, so a constant feature has deviation exactly 0.
 */
final class Standardization {
    /** About 16 float32 ulps of the feature's magnitude. */
    static final double RELATIVE_NOISE = 1e-6;

    private Standardization() {
    }

    /** Divides by {@code divisor} and, when {@code standardize}, standardizes with statistics of {@code samples}. */
    static Preprocessing of(Samples samples, float divisor, boolean standardize) {
        if (!standardize) {
            return Preprocessing.divisor(divisor);
        }
        int d = samples.features();
        int n = samples.rows();
        float[] x = samples.inputs();
        double[] sum = new double[d];
        double[] largest = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                float v = x[i * d + j] / divisor;
                sum[j] += v;
                largest[j] = Math.max(largest[j], Math.abs(v));
            }
        }
        double[] squares = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                double deviation = x[i * d + j] / divisor - sum[j] / n;
                squares[j] += deviation * deviation;
            }
        }
        float[] mean = new float[d];
        float[] scale = new float[d];
        for (int j = 0; j < d; j++) {
            double std = Math.sqrt(squares[j] / n);
            mean[j] = (float) (sum[j] / n);
            scale[j] = std > RELATIVE_NOISE * largest[j] ? (float) (1 / std) : 1f;
        }
        return Preprocessing.standardized(divisor, mean, scale);
    }
}
