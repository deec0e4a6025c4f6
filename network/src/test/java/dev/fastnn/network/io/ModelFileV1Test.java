package dev.fastnn.network.io;

import static dev.fastnn.network.io.ModelFileTest.assertBitIdentical;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fastnn.kernels.Activation;
import dev.fastnn.network.model.LayerParameters;
import dev.fastnn.network.model.ModelParameters;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code model-v1.fnn} was written once by format version 1 and is committed: whatever the format becomes,
 * fastnn must keep reading the files its users already have. Never regenerate it; add a file for a new version.
 */
class ModelFileV1Test {
    /** What model-v1.fnn holds: 3 -> 4 tanh with biases -> 2 softmax without, plus edge-case floats. */
    static ModelParameters expected() {
        float[] w0 = new float[12];
        for (int i = 0; i < w0.length; i++) {
            w0[i] = (i - 5) / 3f;
        }
        w0[0] = -0.0f;
        w0[1] = Float.MIN_VALUE;
        w0[2] = Float.MAX_VALUE;
        float[] b0 = {0.1f, -0.2f, 1e-30f, 3f};
        float[] w1 = new float[8];
        for (int i = 0; i < w1.length; i++) {
            w1[i] = i * 0.7f - 2f;
        }
        return new ModelParameters(List.of(
                new LayerParameters(3, 4, Activation.TANH, w0, b0),
                new LayerParameters(4, 2, Activation.SOFTMAX, w1, null)),
                Map.of("loss", "cross-entropy", "seed", "42", "note", "fixture ü"));
    }

    @Test
    void fileWrittenByVersion1LoadsToItsKnownValues() throws IOException, URISyntaxException {
        Path file = Path.of(ModelFileV1Test.class.getResource("/model-v1.fnn").toURI());

        ModelParameters loaded = ModelFile.load(file);

        assertBitIdentical(expected(), loaded);
        // A few values spelled out, so that a mistake in expected() and the file alike cannot hide.
        assertEquals(0x80000000, Float.floatToRawIntBits(loaded.layers().get(0).weights()[0]));
        assertEquals(1, Float.floatToRawIntBits(loaded.layers().get(0).weights()[1]));
        assertEquals(-2f / 3f, loaded.layers().get(0).weights()[3]);
        assertEquals(3f, loaded.layers().get(0).biases()[3]);
        assertEquals(2.9f, loaded.layers().get(1).weights()[7], 1e-6f);
        assertEquals("fixture ü", loaded.metadata().get("note"));
    }
}
