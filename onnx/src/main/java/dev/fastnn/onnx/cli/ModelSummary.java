package dev.fastnn.onnx.cli;

import dev.fastnn.network.model.LayerSpec;
import dev.fastnn.network.model.ModelParameters;
import dev.fastnn.network.model.Task;

/** The one line that tells what a converted model is: its layers and what its outputs mean. */
final class ModelSummary {
    private ModelSummary() {
    }

    static String describe(ModelParameters model) {
        String task = model.task() == Task.CLASSIFICATION
                ? "classifier of " + model.classLabels().size() + " classes" : "regression of " + model.outputs()
                        + " output" + (model.outputs() == 1 ? "" : "s");
        return task + " (" + LayerSpec.describe(model.architecture()) + ")";
    }
}
