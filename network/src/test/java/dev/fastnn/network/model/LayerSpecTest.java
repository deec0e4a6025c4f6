package dev.fastnn.network.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fastnn.kernels.Activation;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The words a message names a network with, against the networks written out by hand. */
class LayerSpecTest {
    @Test
    void describeGivesSizesThenHiddenAndOutputActivations() {
        assertEquals("784-256-10 sigmoid/softmax",
                LayerSpec.describe(LayerSpec.stack(new int[] {784, 256, 10}, Activation.SIGMOID, Activation.SOFTMAX, true)));
        assertEquals("784-512-512-10 relu/softmax", LayerSpec.describe(LayerSpec.stack(new int[] {784, 512, 512, 10},
                Activation.RELU, Activation.SOFTMAX, true)));
        assertEquals("13-1 identity", LayerSpec.describe(LayerSpec.stack(new int[] {13, 1}, Activation.RELU,
                Activation.IDENTITY, true)));
        assertEquals("3-4-1 sigmoid/sigmoid without biases", LayerSpec.describe(LayerSpec.stack(new int[] {3, 4, 1},
                Activation.SIGMOID, Activation.SIGMOID, false)));
    }

    @Test
    void hiddenLayersThatDifferAreEachNamedAndPartialBiasesAreSaid() {
        List<LayerSpec> imported = List.of(new LayerSpec(4, 1, Activation.RELU, true),
                new LayerSpec(1, 6, Activation.IDENTITY, false), new LayerSpec(6, 3, Activation.SOFTMAX, true));
        assertEquals("4-1-6-3 relu/identity/softmax with biases on layer 1, 3 only", LayerSpec.describe(imported));
    }
}
