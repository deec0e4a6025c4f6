package dev.fastnn.network.train;

import java.util.Arrays;

/**
 * How much each class's samples count in the loss and its gradient: the loss of a batch becomes
 * {@code sum_i w_{label_i} loss_i}, normalized as the loss is. Either explicit weights, one per class, or
 * {@link #balanced()}: {@code n / (k n_c)} for class {@code c} with {@code n_c} of the {@code n} training
 * samples among {@code k} classes, so every class weighs in as a whole equally and the mean weight over
 * the training set is 1 (scikit-learn's "balanced"); a class without training samples gets 1.
 */
public final class ClassWeights {
    private final float[] explicit;

    private ClassWeights(float[] explicit) {
        this.explicit = explicit;
    }

    /** Weights from the training set's class frequencies. */
    public static ClassWeights balanced() {
        return new ClassWeights(null);
    }

    /** {@code weights[c]} for class {@code c}; each finite and >= 0, not all 0. */
    public static ClassWeights of(float... weights) {
        boolean any = false;
        for (float w : weights) {
            if (!(w >= 0 && Float.isFinite(w))) {
                throw new IllegalArgumentException("class weights must be finite and >= 0, got " + Arrays.toString(weights));
            }
            any |= w > 0;
        }
        if (!any) {
            throw new IllegalArgumentException("class weights must not all be 0, got " + Arrays.toString(weights));
        }
        return new ClassWeights(weights.clone());
    }

    /** Throws unless these weights can weigh {@code classes} classes (explicit ones: exactly one each). */
    public void checkClasses(int classes) {
        if (explicit != null && explicit.length != classes) {
            throw new IllegalArgumentException(explicit.length + " class weights for " + classes + " classes");
        }
    }

    /** The weight of each of {@code classes} classes for training on {@code labels}. */
    float[] resolve(int[] labels, int classes) {
        checkClasses(classes);
        if (explicit != null) {
            return explicit.clone();
        }
        long[] counts = new long[classes];
        for (int label : labels) {
            counts[label]++;
        }
        float[] w = new float[classes];
        for (int c = 0; c < classes; c++) {
            w[c] = counts[c] == 0 ? 1f : (float) (labels.length / ((double) classes * counts[c]));
        }
        return w;
    }

    @Override
    public String toString() {
        return explicit == null ? "balanced" : Arrays.toString(explicit);
    }
}
