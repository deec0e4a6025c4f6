package dev.fastnn.kernels;

/**
 * Elementwise (and, for softmax, row-wise) functions a layer applies to its pre-activations.
 *
 * <p>Derivatives are taken from the function's OUTPUT {@code y}, as the article does for the sigmoid
 * ({@code s (1 - s)}): the output is what a forward pass keeps, so backprop needs nothing else.
 */
public enum Activation {
    /** {@code y = x}; {@code y' = 1}. */
    IDENTITY,
    /** {@code y = 1 / (1 + e^-x)}; {@code y' = y (1 - y)}. */
    SIGMOID,
    /** {@code y = tanh x}; {@code y' = 1 - y^2}. */
    TANH,
    /** {@code y = max(0, x)}; {@code y' = 1 where y > 0, else 0}. */
    RELU,
    /** Row-wise {@code y_j = e^x_j / sum_k e^x_k}; its gradient is the Jacobian-vector product per row. */
    SOFTMAX;

    /** Parses a name such as {@code "relu"}; an unknown name lists the valid ones. */
    public static Activation parse(String name) {
        for (Activation a : values()) {
            if (a.name().equalsIgnoreCase(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown activation '" + name + "'; valid: identity, sigmoid, tanh, relu, softmax");
    }
}
