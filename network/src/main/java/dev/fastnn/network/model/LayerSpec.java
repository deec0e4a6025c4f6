package dev.fastnn.network.model;

import dev.fastnn.kernels.Activation;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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

    /**
     * The network in words, for a message: {@code 784-256-10 sigmoid/softmax} (sizes, then the hidden layers'
     * activation and the output's; each layer's when the hidden layers differ), with {@code without biases}
     * or which layers have them where not every layer does.
     */
    public static String describe(List<LayerSpec> layers) {
        if (layers.isEmpty()) {
            return "no layers";
        }
        StringBuilder sb = new StringBuilder().append(layers.get(0).inputs());
        List<String> activations = new ArrayList<>();
        List<String> withBiases = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            LayerSpec layer = layers.get(i);
            sb.append('-').append(layer.outputs());
            activations.add(layer.activation().name().toLowerCase(Locale.ROOT));
            if (layer.biases()) {
                withBiases.add(Integer.toString(i + 1));
            }
        }
        List<String> hidden = activations.subList(0, activations.size() - 1);
        boolean oneHidden = hidden.stream().distinct().count() <= 1;
        List<String> shown = oneHidden && !hidden.isEmpty()
                ? List.of(hidden.get(0), activations.get(activations.size() - 1)) : activations;
        sb.append(' ').append(String.join("/", shown));
        if (withBiases.isEmpty()) {
            sb.append(" without biases");
        } else if (withBiases.size() < layers.size()) {
            sb.append(" with biases on layer ").append(String.join(", ", withBiases)).append(" only");
        }
        return sb.toString();
    }
}
