package dev.fastnn.network.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * What was done to the raw features before the network saw them in training: each feature {@code x_k} became
 * {@code (x_k / divisor - mean_k) * scale_k} (the standardization part, {@code mean} and {@code scale}, is
 * optional). A trained model has this already folded into its first layer ({@link #foldInto}), so it takes
 * raw features and nothing has to be applied before predicting: the record is kept so that users, exporters
 * and model files can say what was folded. Applying it again to a folded model's input would be wrong.
 */
public final class Preprocessing {
    /** Raw features as they are: divisor 1, no standardization. */
    public static final Preprocessing NONE = new Preprocessing(1f, null, null);

    private final float divisor;
    private final float[] mean;
    private final float[] scale;

    private Preprocessing(float divisor, float[] mean, float[] scale) {
        if (!(Float.isFinite(divisor) && divisor != 0)) {
            throw new IllegalArgumentException("divisor must be finite and non-zero, got " + divisor);
        }
        if ((mean == null) != (scale == null)) {
            throw new IllegalArgumentException("standardization needs both a mean and a scale per feature");
        }
        if (mean != null) {
            if (mean.length == 0 || mean.length != scale.length) {
                throw new IllegalArgumentException("standardization needs one mean and one scale per feature, got "
                        + mean.length + " means and " + scale.length + " scales");
            }
            for (int k = 0; k < mean.length; k++) {
                if (!Float.isFinite(mean[k]) || !Float.isFinite(scale[k]) || scale[k] == 0) {
                    throw new IllegalArgumentException("feature " + k + ": standardization mean " + mean[k]
                            + " and scale " + scale[k] + " must be finite, the scale non-zero");
                }
            }
        }
        this.divisor = divisor;
        this.mean = mean;
        this.scale = scale;
    }

    /** Features divided by {@code divisor} (e.g. 255 for raw pixels), not standardized. */
    public static Preprocessing divisor(float divisor) {
        return divisor == 1f ? NONE : new Preprocessing(divisor, null, null);
    }

    /**
     * Features divided by {@code divisor}, then standardized: feature {@code k} becomes
     * {@code (x_k / divisor - mean[k]) * scale[k]}. The arrays are copied.
     */
    public static Preprocessing standardized(float divisor, float[] mean, float[] scale) {
        Objects.requireNonNull(mean, "mean");
        Objects.requireNonNull(scale, "scale");
        return new Preprocessing(divisor, mean.clone(), scale.clone());
    }

    public float divisor() {
        return divisor;
    }

    public boolean isStandardized() {
        return mean != null;
    }

    /** Whether this leaves features as they are. */
    public boolean isIdentity() {
        return divisor == 1f && mean == null;
    }

    /** A copy of the per-feature means (after the divisor); throws when not standardized. */
    public float[] mean() {
        return standardization(mean).clone();
    }

    /** A copy of the per-feature factors, {@code 1 / deviation} (or 1 for a constant feature); throws when not standardized. */
    public float[] scale() {
        return standardization(scale).clone();
    }

    private float[] standardization(float[] values) {
        if (values == null) {
            throw new IllegalStateException("these features are not standardized");
        }
        return values;
    }

    /** {@code rows x cols} raw features, row-major, transformed into a new array. */
    public float[] apply(float[] raw, int rows, int cols) {
        checkFeatures(cols);
        if (raw.length != (long) rows * cols) {
            throw new IllegalArgumentException(raw.length + " values are not " + rows + " rows of " + cols);
        }
        float[] out = new float[raw.length];
        for (int i = 0; i < rows; i++) {
            for (int k = 0; k < cols; k++) {
                float v = raw[i * cols + k] / divisor;
                out[i * cols + k] = mean == null ? v : (v - mean[k]) * scale[k];
            }
        }
        return out;
    }

    /**
     * The first layer rewritten to take raw features: with {@code s_k = scale_k / divisor},
     * {@code W'[k][j] = s_k W[k][j]} and {@code b'[j] = b[j] - sum_k mean_k scale_k W[k][j]} (in double). A
     * divisor alone needs no biases; standardization is folded into them.
     */
    public LayerParameters foldInto(LayerParameters first) {
        checkFeatures(first.inputs());
        if (isIdentity()) {
            return first;
        }
        if (mean != null && !first.hasBiases()) {
            throw new IllegalArgumentException("standardization is folded into the first layer's biases; it has none");
        }
        int in = first.inputs();
        int out = first.outputs();
        float[] w = new float[in * out];
        double[] shift = new double[out];
        for (int k = 0; k < in; k++) {
            double s = mean == null ? 1 : scale[k];
            double m = mean == null ? 0 : mean[k];
            for (int j = 0; j < out; j++) {
                float wkj = first.weights()[k * out + j];
                w[k * out + j] = (float) (wkj * s / divisor);
                shift[j] += m * s * wkj;
            }
        }
        float[] b = null;
        if (first.hasBiases()) {
            b = new float[out];
            for (int j = 0; j < out; j++) {
                b[j] = (float) (first.biases()[j] - shift[j]);
            }
        }
        return new LayerParameters(in, out, first.activation(), w, b);
    }

    /** Throws unless this applies to {@code features} features (any count without standardization). */
    void checkFeatures(int features) {
        if (mean != null && mean.length != features) {
            throw new IllegalArgumentException("standardization is for " + mean.length + " features, not " + features);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Preprocessing p && Float.compare(divisor, p.divisor) == 0 && Arrays.equals(mean, p.mean)
                && Arrays.equals(scale, p.scale);
    }

    @Override
    public int hashCode() {
        return Float.hashCode(divisor) * 31 * 31 + Arrays.hashCode(mean) * 31 + Arrays.hashCode(scale);
    }

    @Override
    public String toString() {
        if (isIdentity()) {
            return "raw features";
        }
        String divided = divisor == 1f ? "" : "divided by " + divisor;
        String standardized = mean == null ? "" : "standardized (mean and scale of " + mean.length + " features)";
        return divided.isEmpty() ? standardized : standardized.isEmpty() ? divided : divided + ", then " + standardized;
    }
}
