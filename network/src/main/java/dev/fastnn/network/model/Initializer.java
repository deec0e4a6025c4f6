package dev.fastnn.network.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * How a dense layer's weights start. Biases always start at zero. Every draw is uniform and made with
 * integer arithmetic from a {@link SplittableRandom}, so a seed gives the same weights on every JDK.
 */
public enum Initializer {
    /** The article's {@code np.random.rand}: uniform in [0, 1). */
    UNIFORM("uniform"),
    /** Glorot and Bengio: uniform in {@code ±sqrt(6 / (inputs + outputs))}; suits sigmoid, tanh and softmax. */
    XAVIER("xavier"),
    /** He et al., uniform form: {@code ±sqrt(6 / inputs)}; suits ReLU. */
    HE("he");

    private final String id;

    Initializer(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static Initializer parse(String name) {
        String key = name.trim().toLowerCase(Locale.ROOT);
        for (Initializer i : values()) {
            if (i.id.equals(key)) {
                return i;
            }
        }
        throw new IllegalArgumentException("unknown initializer '" + name + "'; valid: uniform, xavier, he");
    }

    /** New {@code inputs x outputs} weights, row-major. */
    public float[] weights(int inputs, int outputs, SplittableRandom random) {
        float[] w = new float[inputs * outputs];
        float limit = switch (this) {
            case UNIFORM -> 0f;
            case XAVIER -> (float) Math.sqrt(6.0 / (inputs + outputs));
            case HE -> (float) Math.sqrt(6.0 / inputs);
        };
        for (int i = 0; i < w.length; i++) {
            float u = unitFloat(random);
            w[i] = this == UNIFORM ? u : (2f * u - 1f) * limit;
        }
        return w;
    }

    /** The parameters of {@code specs}: weights drawn layer by layer from {@code random} by {@link #weights}, biases 0. */
    public List<LayerParameters> layers(List<LayerSpec> specs, SplittableRandom random) {
        List<LayerParameters> layers = new ArrayList<>();
        for (LayerSpec spec : specs) {
            float[] w = weights(spec.inputs(), spec.outputs(), random);
            float[] b = spec.biases() ? new float[spec.outputs()] : null;
            layers.add(new LayerParameters(spec.inputs(), spec.outputs(), spec.activation(), w, b));
        }
        return layers;
    }

    /** Uniform in [0, 1) with 24 random bits: {@code (float) nextDouble()} could round up to exactly 1. */
    static float unitFloat(SplittableRandom random) {
        return (random.nextInt() >>> 8) * 0x1p-24f;
    }
}
