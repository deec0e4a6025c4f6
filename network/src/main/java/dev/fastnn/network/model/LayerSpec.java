package dev.fastnn.network.model;

import dev.fastnn.kernels.Activation;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The shape of one dense layer before it has weights: {@code f(X W + b)} with {@code W} inputs x outputs. */
public record LayerSpec(int inputs, int outputs, Activation activation, boolean biases) {

    public LayerSpec {
        Objects.requireNonNull(activation, "activation");
        if (inputs <= 0 || outputs <= 0) {
            throw new IllegalArgumentException("layer sizes must be positive, got " + inputs + "x" + outputs);
        }
    }

    /**
     * Layers for the sizes {@code [inputs, hidden..., outputs]}: {@code hidden} activation on every layer but
     * the last, {@code output} on the last.
     */
    public static List<LayerSpec> stack(int[] sizes, Activation hidden, Activation output, boolean biases) {
        if (sizes.length < 2) {
            throw new IllegalArgumentException("layer sizes need at least inputs and outputs, got " + sizes.length + " number(s)");
        }
        List<LayerSpec> specs = new ArrayList<>();
        for (int i = 0; i + 1 < sizes.length; i++) {
            boolean last = i + 2 == sizes.length;
            specs.add(new LayerSpec(sizes[i], sizes[i + 1], last ? output : hidden, biases));
        }
        return specs;
    }
}
