package dev.fastnn.network.train;

import dev.fastnn.kernels.Backend;
import dev.fastnn.kernels.Matrix;

/**
 * Penalties on the weights (never on the biases). {@code l2} adds {@code l2/2 sum W^2} to the objective, so
 * {@code l2 W} to every weight gradient, which an adaptive optimizer then rescales like the rest of the
 * gradient. {@code weightDecay} is decoupled decay (Loshchilov and Hutter, AdamW): each step first shrinks
 * the weights, {@code W *= 1 - lr weightDecay} with the step's scheduled learning rate, outside the
 * optimizer's moments. For plain gradient steps the two are the same thing.
 */
public record Regularization(float l2, float weightDecay) {
    public static final Regularization NONE = new Regularization(0f, 0f);

    public Regularization {
        if (!(l2 >= 0 && Float.isFinite(l2))) {
            throw new IllegalArgumentException("L2 penalty must be >= 0 and finite, got " + l2);
        }
        if (!(weightDecay >= 0 && Float.isFinite(weightDecay))) {
            throw new IllegalArgumentException("weight decay must be >= 0 and finite, got " + weightDecay);
        }
    }

    /**
     * For optimizers that keep the gradient in a buffer: adds the penalty's {@code l2 W} to {@code gradient}
     * and then decays {@code weights} for a step with learning rate {@code lr}.
     */
    void beforeStep(Backend backend, Matrix weights, Matrix gradient, float lr) {
        if (l2 != 0f) {
            backend.axpy(l2, weights, gradient);
        }
        if (weightDecay != 0f) {
            backend.scale(1f - lr * weightDecay, weights);
        }
    }

    @Override
    public String toString() {
        return "l2=" + l2 + ", weightDecay=" + weightDecay;
    }
}
