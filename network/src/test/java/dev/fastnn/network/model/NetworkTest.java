package dev.fastnn.network.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastnn.kernels.Activation;
import dev.fastnn.kernels.Backend;
import dev.fastnn.kernels.naive.NaiveBackend;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NetworkTest {
    private final Backend backend = new NaiveBackend();

    private Network network(Activation output, Map<String, String> metadata) {
        SplittableRandom r = new SplittableRandom(2);
        List<LayerSpec> specs = LayerSpec.stack(new int[] {5, 4, 3}, Activation.TANH, output, true);
        try (Network n = Network.initialize(backend, specs, Loss.MEAN_SQUARED_ERROR, Initializer.XAVIER, r)) {
            ModelParameters p = n.parameters(Map.of());
            Map<String, String> meta = new java.util.HashMap<>(p.metadata());
            meta.remove(Network.LOSS_KEY);
            meta.putAll(metadata);
            return Network.fromParameters(backend, new ModelParameters(p.layers(), meta));
        }
    }

    @Test
    void lossComesFromMetadataOrElseFromTheOutputActivation() {
        try (Network softmax = network(Activation.SOFTMAX, Map.of());
             Network sigmoid = network(Activation.SIGMOID, Map.of());
             Network sse = network(Activation.SIGMOID, Map.of(Network.LOSS_KEY, "sse"))) {
            assertEquals(Loss.SOFTMAX_CROSS_ENTROPY, softmax.loss());
            assertEquals(Loss.MEAN_SQUARED_ERROR, sigmoid.loss());
            assertEquals(Loss.SUM_SQUARED_ERROR, sse.loss());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> network(Activation.SIGMOID, Map.of(Network.LOSS_KEY, "cross-entropy")));
        assertTrue(e.getMessage().contains("softmax"), e.getMessage());
    }

    /** Predictions in chunks of 1024 rows plus a short tail equal predicting each row alone. */
    @Test
    void predictAcrossChunkBoundariesMatchesRowByRow() {
        int rows = 2 * 1024 + 37;
        float[] x = new float[rows * 5];
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble(-2, 2);
        }
        try (Network n = network(Activation.SOFTMAX, Map.of())) {
            float[] all = n.predict(x, rows);
            for (int row : new int[] {0, 1023, 1024, 2047, 2048, rows - 1}) {
                float[] one = n.predict(Arrays.copyOfRange(x, row * 5, row * 5 + 5), 1);
                assertArrayEquals(one, Arrays.copyOfRange(all, row * 3, row * 3 + 3), "row " + row);
            }
            assertThrows(IllegalArgumentException.class, () -> n.predict(new float[9], 2));
        }
    }

    @Test
    void parametersRoundTripBitForBit() {
        try (Network n = network(Activation.SIGMOID, Map.of("seed", "2"))) {
            ModelParameters p = n.parameters(Map.of("seed", "2"));
            try (Network copy = Network.fromParameters(backend, p)) {
                ModelParameters q = copy.parameters(Map.of("seed", "2"));
                for (int l = 0; l < p.layers().size(); l++) {
                    assertArrayEquals(p.layers().get(l).weights(), q.layers().get(l).weights());
                    assertArrayEquals(p.layers().get(l).biases(), q.layers().get(l).biases());
                    assertEquals(p.layers().get(l).activation(), q.layers().get(l).activation());
                }
                assertEquals(p.metadata(), q.metadata());
            }
        }
    }

    @Test
    void unknownNamesListTheValidOnes() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Loss.parse("hinge")).getMessage()
                .contains("sse, mse, cross-entropy"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Initializer.parse("orthogonal")).getMessage()
                .contains("uniform, xavier, he"));
        assertEquals(Loss.SOFTMAX_CROSS_ENTROPY, Loss.parse(" Cross-Entropy "));
    }
}
