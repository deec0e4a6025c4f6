package dev.fastnn.onnx.cli;

import dev.fastnn.network.model.LayerParameters;
import dev.fastnn.network.model.ModelParameters;
import dev.fastnn.network.model.Task;
import java.util.Locale;
import java.util.StringJoiner;

/** The one line that tells what a converted model is: its layers and what its outputs mean. */
final class ModelSummary {
    private ModelSummary() {
    }

    static String describe(ModelParameters model) {
        StringJoiner layers = new StringJoiner(", ");
        for (LayerParameters layer : model.layers()) {
            layers.add(layer.inputs() + "->" + layer.outputs() + " " + layer.activation().name().toLowerCase(Locale.ROOT));
        }
        String task = model.task() == Task.CLASSIFICATION
                ? "classifier of " + model.classLabels().size() + " classes" : "regression of " + model.outputs()
                        + " output" + (model.outputs() == 1 ? "" : "s");
        return task + " (" + layers + ")";
    }
}
