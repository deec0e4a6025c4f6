package dev.fastnn.network.io;

import static dev.fastnn.network.io.ModelFileTest.assertBitIdentical;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fastnn.kernels.Activation;
import dev.fastnn.kernels.naive.NaiveBackend;
import dev.fastnn.network.model.ClassLabels;
import dev.fastnn.network.model.LayerParameters;
import dev.fastnn.network.model.ModelParameters;
import dev.fastnn.network.model.Preprocessing;
import dev.fastnn.network.model.Task;
import dev.fastnn.network.train.Model;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code model-v2.fnn} was written once by format version 2 and is committed (docs/model-format.md dumps
 * it byte by byte): fastnn must keep reading it. Never regenerate it; add a file for a new version.
 */
class ModelFileV2Test {
    /**
     * What model-v2.fnn holds: 2 -> 3 tanh with biases -> 2 softmax without, string labels, feature names,
     * and a divisor and standardization recorded as folded.
     */
    static ModelParameters expected() {
        float[] w0 = {0.5f, -1f, 0.25f, 2f, -0.0f, 1.5f};
        float[] b0 = {0.125f, -0.5f, 0f};
        float[] w1 = {1f, -1f, -2f, 2f, 0.75f, -0.75f};
        return new ModelParameters(List.of(
                new LayerParameters(2, 3, Activation.TANH, w0, b0),
                new LayerParameters(3, 2, Activation.SOFTMAX, w1, null)),
                ClassLabels.ofStrings("benign", "malignant"), List.of("radius", "texture"),
                Preprocessing.standardized(16f, new float[] {0.5f, -1.25f}, new float[] {2f, 0.25f}),
                Map.of("loss", "cross-entropy", "note", "fixture ü"));
    }

    private static Path fixture() throws URISyntaxException {
        return Path.of(ModelFileV2Test.class.getResource("/model-v2.fnn").toURI());
    }

    @Test
    void fileWrittenByVersion2LoadsToItsKnownValues() throws IOException, URISyntaxException {
        ModelParameters loaded = ModelFile.load(fixture());

        assertBitIdentical(expected(), loaded);
        // Spelled out, so that a mistake in expected() and the file alike cannot hide.
        assertEquals(Task.CLASSIFICATION, loaded.task());
        assertEquals(ClassLabels.Kind.STRING, loaded.classLabels().kind());
        assertEquals("malignant", loaded.classLabels().get(1));
        assertEquals(List.of("radius", "texture"), loaded.featureNames());
        assertEquals(16f, loaded.preprocessing().divisor());
        assertArrayEquals(new float[] {2f, 0.25f}, loaded.preprocessing().scale());
        assertEquals(0x80000000, Float.floatToRawIntBits(loaded.layers().get(0).weights()[4]));
    }

    @Test
    void fileIsWhatThisVersionWritesForTheSameModel() throws IOException, URISyntaxException {
        assertArrayEquals(Files.readAllBytes(fixture()), ModelFile.encode(expected()));
    }

    @Test
    void loadedModelPredictsWithTheNetworkItDescribes() throws IOException, URISyntaxException {
        float[] x = {-3f, 2f};
        try (Model model = Model.of(new NaiveBackend(), ModelFile.load(fixture()))) {
            float[] w0 = {0.5f, -1f, 0.25f, 2f, -0.0f, 1.5f};
            float[] b0 = {0.125f, -0.5f, 0f};
            float[] w1 = {1f, -1f, -2f, 2f, 0.75f, -0.75f};
            double[] z = new double[2];
            for (int j = 0; j < 3; j++) {
                double h = Math.tanh(x[0] * w0[j] + x[1] * w0[3 + j] + b0[j]);
                z[0] += h * w1[j * 2];
                z[1] += h * w1[j * 2 + 1];
            }
            double p1 = 1 / (1 + Math.exp(z[0] - z[1]));
            float[] p = model.predict(x, 1);
            assertEquals(1 - p1, p[0], 1e-6);
            assertEquals(p1, p[1], 1e-6);
            assertEquals("malignant", model.classLabels().get(model.classify(x, 1)[0]));
        }
    }
}
