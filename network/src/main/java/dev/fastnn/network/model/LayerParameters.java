package dev.fastnn.network.model;

import dev.fastnn.kernels.Activation;
import java.util.Objects;

/**
 * The parameters of one dense layer, on the host: what a model file stores and what a network is rebuilt
 * from. {@code weights} is {@code inputs x outputs}, row-major, so that a batch {@code X} (rows are samples)
 * goes forward as {@code f(X W + b)}, the article's orientation. {@code biases} has {@code outputs} values,
 * or is {@code null} for a layer without biases (the article's network).
 */
public record LayerParameters(int inputs, int outputs, Activation activation, float[] weights, float[] biases) {

    public LayerParameters {
        Objects.requireNonNull(activation, "activation");
        Objects.requireNonNull(weights, "weights");
        if (inputs <= 0 || outputs <= 0) {
            throw new IllegalArgumentException("layer must have positive sizes, got " + inputs + "x" + outputs);
        }
        if (weights.length != (long) inputs * outputs) {
            throw new IllegalArgumentException("layer " + inputs + "x" + outputs + " needs " + (long) inputs * outputs
                    + " weights, got " + weights.length);
        }
        if (biases != null && biases.length != outputs) {
            throw new IllegalArgumentException("layer " + inputs + "x" + outputs + " needs " + outputs
                    + " biases, got " + biases.length);
        }
    }

    public boolean hasBiases() {
        return biases != null;
    }
}
