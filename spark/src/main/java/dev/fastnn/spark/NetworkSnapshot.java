package dev.fastnn.spark;

import dev.fastnn.kernels.Activation;
import dev.fastnn.network.model.ClassLabels;
import dev.fastnn.network.model.LayerParameters;
import dev.fastnn.network.model.ModelParameters;
import dev.fastnn.network.model.Preprocessing;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * A {@link ModelParameters} in a form Java serialization takes, for what Spark ships: broadcasts to tasks,
 * results of tasks, and the fitted Model object itself (Spark ML stages are serializable).
 */
final class NetworkSnapshot implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int[] inputs;
    private final int[] outputs;
    private final Activation[] activations;
    private final float[][] weights;
    private final float[][] biases;
    private final HashMap<String, String> metadata;
    /** The model file's description of the outputs and inputs (see {@link ModelParameters}). */
    private final ClassLabels.Kind labelKind;
    private final ArrayList<String> labels;
    private final ArrayList<String> featureNames;
    private final float divisor;
    private final float[] mean;
    private final float[] scale;

    private NetworkSnapshot(ModelParameters p) {
        int n = p.layers().size();
        inputs = new int[n];
        outputs = new int[n];
        activations = new Activation[n];
        weights = new float[n][];
        biases = new float[n][];
        for (int l = 0; l < n; l++) {
            LayerParameters layer = p.layers().get(l);
            inputs[l] = layer.inputs();
            outputs[l] = layer.outputs();
            activations[l] = layer.activation();
            weights[l] = layer.weights();
            biases[l] = layer.biases();
        }
        metadata = new HashMap<>(p.metadata());
        labelKind = p.classLabels() == null ? null : p.classLabels().kind();
        labels = p.classLabels() == null ? null : new ArrayList<>(p.classLabels().values());
        featureNames = new ArrayList<>(p.featureNames());
        Preprocessing pre = p.preprocessing();
        divisor = pre.divisor();
        mean = pre.isStandardized() ? pre.mean() : null;
        scale = pre.isStandardized() ? pre.scale() : null;
    }

    /** Shares the arrays of {@code parameters}; neither side changes them. */
    static NetworkSnapshot of(ModelParameters parameters) {
        return new NetworkSnapshot(parameters);
    }

    ModelParameters parameters() {
        List<LayerParameters> layers = new ArrayList<>();
        for (int l = 0; l < inputs.length; l++) {
            layers.add(new LayerParameters(inputs[l], outputs[l], activations[l], weights[l], biases[l]));
        }
        Preprocessing pre = mean == null ? Preprocessing.divisor(divisor)
                : Preprocessing.standardized(divisor, mean, scale);
        return new ModelParameters(layers, labels == null ? null : ClassLabels.of(labelKind, labels), featureNames, pre,
                metadata);
    }

    int inputs() {
        return inputs[0];
    }

    int outputs() {
        return outputs[outputs.length - 1];
    }

    Activation outputActivation() {
        return activations[activations.length - 1];
    }

}
