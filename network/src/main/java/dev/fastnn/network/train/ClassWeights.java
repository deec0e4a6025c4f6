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

    /**
     * {@code balanced} (in any case) or one weight per class, {@code 1,2.5,1}, as the command line and the Spark
     * param take them; anything else is an {@code IllegalArgumentException} that says what is expected.
     */
    public static ClassWeights parse(String text) {
        if (text.trim().equalsIgnoreCase("balanced")) {
            return balanced();
        }
        String[] parts = text.split(",", -1);
        float[] weights = new float[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                weights[i] = Float.parseFloat(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("needs 'balanced' or one number per class such as 1,2.5,1, got '"
                        + text + "'");
            }
        }
        return of(weights);
    }

    /** Throws unless these weights can weigh {@code classes} classes (explicit ones: exactly one each). */
    public void checkClasses(int classes) {
        if (explicit != null && explicit.length != classes) {
            throw new IllegalArgumentException(explicit.length + " class weights for " + classes + " classes");
        }
    }

    /** The weight of each of {@code classes} classes for training on {@code labels}. */
    float[] resolve(int[] labels, int classes) {
        long[] counts = new long[classes];
        for (int label : labels) {
            counts[label]++;
        }
        return resolve(counts);
    }

    /**
     * The weight of each class given the training samples of each, {@code counts[c]} (summed where the data is,
     * for a distributed fit): the same weights as from the labels themselves.
     */
    public float[] resolve(long[] counts) {
        checkClasses(counts.length);
        if (explicit != null) {
            return explicit.clone();
        }
        long n = 0;
        for (long c : counts) {
            n += c;
        }
        float[] w = new float[counts.length];
        for (int c = 0; c < w.length; c++) {
            w[c] = counts[c] == 0 ? 1f : (float) (n / ((double) counts.length * counts[c]));
        }
        return w;
    }

    @Override
    public String toString() {
        return explicit == null ? "balanced" : Arrays.toString(explicit);
    }
}
