package dev.fastnn.network.model;

import java.util.List;
import java.util.Map;

/**
 * A whole trained network on the host: its layers in order (each layer's inputs equal the previous one's
 * outputs) and free-form metadata such as the loss it was trained with ({@code "loss"}), the backend, the seed.
 */
public record ModelParameters(List<LayerParameters> layers, Map<String, String> metadata) {

    public ModelParameters {
        layers = List.copyOf(layers);
        metadata = Map.copyOf(metadata);
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("a model needs at least one layer");
        }
        for (int i = 1; i < layers.size(); i++) {
            if (layers.get(i).inputs() != layers.get(i - 1).outputs()) {
                throw new IllegalArgumentException("layer " + i + " takes " + layers.get(i).inputs()
                        + " inputs but layer " + (i - 1) + " gives " + layers.get(i - 1).outputs());
            }
        }
    }
}
