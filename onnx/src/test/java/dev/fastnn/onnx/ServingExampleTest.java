package dev.fastnn.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.fastnn.kernels.Activation;
import dev.fastnn.network.io.ModelFile;
import dev.fastnn.network.model.ClassLabels;
import dev.fastnn.network.model.ModelParameters;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's serving example, run as written: a fastnn model exported and served by ONNX Runtime. */
class ServingExampleTest {
    @TempDir
    Path dir;

    @Test
    void readmeServingExampleRuns() throws Exception {
        OnnxRuntimeReference.require();
        ModelParameters trained = new ModelParameters(TestModels.layers(1, new int[] {4, 8, 3}, Activation.RELU,
                Activation.SOFTMAX, true), Map.of()).withClassLabels(ClassLabels.ofStrings("setosa", "versicolor",
                "virginica"));
        Path fnn = dir.resolve("model.fnn");
        ModelFile.save(trained, fnn);
        float[] features = {5.1f, 3.5f, 1.4f, 0.2f};
        Path onnx = dir.resolve("model.onnx");

        // README: serving an exported model with ONNX Runtime
        OnnxModelFile.save(ModelFile.load(fnn), onnx);       // what 'fastnn export' does
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(onnx.toString());
             OnnxTensor input = OnnxTensor.createTensor(env, new float[][] {features});
             OrtSession.Result result = session.run(Map.of("input", input))) {
            float[][] probabilities = (float[][]) result.get("probabilities").orElseThrow().getValue();
            String[] label = (String[]) result.get("label").orElseThrow().getValue();   // long[] for integer labels
            // README end

            assertEquals(3, probabilities[0].length);
            int best = 0;
            for (int j = 1; j < 3; j++) {
                best = probabilities[0][j] > probabilities[0][best] ? j : best;
            }
            assertEquals(trained.classLabels().get(best), label[0]);
        }
    }
}
