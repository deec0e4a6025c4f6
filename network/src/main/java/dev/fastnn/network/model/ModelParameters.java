package dev.fastnn.network.model;

import dev.fastnn.kernels.Activation;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A whole trained network on the host: its layers in order (each layer's inputs equal the previous one's
 * outputs), what its inputs and outputs mean, and free-form metadata such as the loss it was trained with
 * ({@code "loss"}), the trainer's settings ({@code "trainer"}) and the backend ({@code "backend"}).
 *
 * <ul>
 *   <li>{@code classLabels}: for a classifier, the original label of each output (class) in order, so that
 *       predictions can be written as the data spelled them; {@code null} for a regression model. So
 *       {@link #task()} is {@link Task#CLASSIFICATION} exactly when there are class labels.</li>
 *   <li>{@code featureNames}: the name of each input (from a CSV header), or empty when unknown.</li>
 *   <li>{@code preprocessing}: what was done to the raw features in training; it is already folded into the
 *       first layer, so the model takes raw features (see {@link Preprocessing}).</li>
 * </ul>
 *
 * <pre>{@code
 * ModelParameters p = new ModelParameters(layers, Map.of()).withClassLabels(ClassLabels.ofStrings("no", "yes"));
 * }</pre>
 */
public record ModelParameters(List<LayerParameters> layers, ClassLabels classLabels, List<String> featureNames,
                              Preprocessing preprocessing, Map<String, String> metadata) {

    public ModelParameters {
        layers = List.copyOf(layers);
        featureNames = List.copyOf(featureNames);
        Objects.requireNonNull(preprocessing, "preprocessing");
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
        int inputs = layers.get(0).inputs();
        int outputs = layers.get(layers.size() - 1).outputs();
        if (classLabels != null && classLabels.size() != outputs) {
            throw new IllegalArgumentException(classLabels.size() + " class labels for a model with " + outputs
                    + " outputs");
        }
        if (!featureNames.isEmpty() && featureNames.size() != inputs) {
            throw new IllegalArgumentException(featureNames.size() + " feature names for a model with " + inputs
                    + " inputs");
        }
        preprocessing.checkFeatures(inputs);
    }

    /**
     * Layers and metadata only, as a version 1 model file has them: a softmax output, or a sigmoid output of
     * more than one unit (what {@code fastnn train --loss mse} made), makes a classifier with labels
     * {@code 0..outputs-1}, any other output a regression model; no feature names; raw features.
     */
    public ModelParameters(List<LayerParameters> layers, Map<String, String> metadata) {
        this(layers, defaultLabels(layers), List.of(), Preprocessing.NONE, metadata);
    }

    private static ClassLabels defaultLabels(List<LayerParameters> layers) {
        if (layers.isEmpty()) {
            return null;
        }
        LayerParameters last = layers.get(layers.size() - 1);
        boolean classes = last.activation() == Activation.SOFTMAX
                || last.activation() == Activation.SIGMOID && last.outputs() > 1;
        return classes ? ClassLabels.indices(last.outputs()) : null;
    }

    /** Classification when there are class labels, else regression. */
    public Task task() {
        return classLabels == null ? Task.REGRESSION : Task.CLASSIFICATION;
    }

    public int inputs() {
        return layers.get(0).inputs();
    }

    public int outputs() {
        return layers.get(layers.size() - 1).outputs();
    }

    /** The layers' shapes, activations and biases, without their values ({@link LayerSpec#describe} says them). */
    public List<LayerSpec> architecture() {
        return layers.stream().map(l -> new LayerSpec(l.inputs(), l.outputs(), l.activation(), l.hasBiases())).toList();
    }

    /** The same model with other layers (same sizes at both ends), e.g. with preprocessing folded in. */
    public ModelParameters withLayers(List<LayerParameters> layers) {
        return new ModelParameters(layers, classLabels, featureNames, preprocessing, metadata);
    }

    /** The same model as a classifier with these labels, or with {@code null} as a regression model. */
    public ModelParameters withClassLabels(ClassLabels classLabels) {
        return new ModelParameters(layers, classLabels, featureNames, preprocessing, metadata);
    }

    public ModelParameters withFeatureNames(List<String> featureNames) {
        return new ModelParameters(layers, classLabels, featureNames, preprocessing, metadata);
    }

    /** Records {@code preprocessing} as folded in; the layers are not changed (see {@link Preprocessing#foldInto}). */
    public ModelParameters withPreprocessing(Preprocessing preprocessing) {
        return new ModelParameters(layers, classLabels, featureNames, preprocessing, metadata);
    }

    public ModelParameters withMetadata(Map<String, String> metadata) {
        return new ModelParameters(layers, classLabels, featureNames, preprocessing, metadata);
    }
}
