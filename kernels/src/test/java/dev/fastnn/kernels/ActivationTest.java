package dev.fastnn.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Activations and their gradients on every backend against float64 references.
 *
 * <p>Error bounds, stated once in {@link ErrorBounds}: every backend's sigmoid and tanh must be within
 * {@value ErrorBounds#ACTIVATION_RELATIVE_TEXT} relative error of the float64 function (about 4 to 8 float
 * ulps; a fast polynomial exp is allowed, a wrong range reduction is not), plus {@link Float#MIN_NORMAL}
 * absolute where the true value is subnormal. Derivatives from the output are products of exact inputs and
 * must be within the same relative bound of the float64 product, except where they subtract (tanh's
 * {@code 1 - y^2}, softmax's {@code g_j - g.y}), whose bound scales with the magnitude of the terms instead
 * of the result.
 */
class ActivationTest {
    /** Shapes whose sizes are 1, 3, 17, 1000 and others that are no multiple of any vector width. */
    static final int[][] SHAPES = {{1, 1}, {1, 3}, {3, 1}, {1, 17}, {17, 1}, {3, 17}, {1, 1000}, {1000, 1}, {7, 143}, {33, 31}};

    static final float[] SPECIAL = {0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN,
        1e4f, -1e4f, 88f, -88f, 87.3f, -87.3f, 89f, -89f, 100f, -100f, 103.9f, -103.9f, 16.7f, -16.7f, 17f, -17f,
        1e-30f, -1e-30f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE,
        0.5f, -0.5f, 1f, -1f, 0.3465736f, -0.3465736f, 0.6931472f, -0.6931472f, 9.01f, -9.01f};

    /** Special values, a fine grid over [-100, 100] and random values up to |x| = 1e4, in one awkward shape. */
    static float[] sigmoidInputs() {
        SplittableRandom random = new SplittableRandom(5);
        float[] x = new float[61 * 397];
        int i = 0;
        for (float s : SPECIAL) {
            x[i++] = s;
        }
        for (int g = 0; g <= 20000 && i < x.length; g++) {
            x[i++] = -100f + g * 0.01f;
        }
        while (i < x.length) {
            double r = random.nextDouble() * 2 - 1;
            x[i++] = (float) (r * Math.pow(10, random.nextInt(-6, 5)));
        }
        return x;
    }

    private static final DoubleUnaryOperator SIGMOID = x -> Float64Reference.activation(Activation.SIGMOID, x);

    @ParameterizedTest
    @MethodSource("dev.fastnn.kernels.TestBackends#names")
    void sigmoidMatchesFloat64WithinBoundIncludingExtremesAndNaN(String name) {
        Backend backend = TestBackends.get(name);
        float[] x = sigmoidInputs();
        float[] got = run(backend, x, 61, 397, (b, in, out) -> b.sigmoid(in, out));
        checkElementwise(backend, "sigmoid", x, got, SIGMOID);
        assertEquals(0.5f, got[0]);
        assertEquals(0.5f, got[1]);
        assertEquals(1f, got[2]);
        assertEquals(0f, got[3]);
        assertTrue(Float.isNaN(got[4]), "sigmoid(NaN) must be NaN, got " + got[4]);
        assertEquals(1f, got[5]);
        assertEquals(0f, got[6]);
    }

    @ParameterizedTest
    @MethodSource("dev.fastnn.kernels.TestBackends#names")
    void sigmoidInPlaceMatchesFloat64(String name) {
        Backend backend = TestBackends.get(name);
        float[] x = sigmoidInputs();
        try (Matrix m = backend.upload(x, 397, 61)) {
            backend.sigmoid(m, m);
            checkElementwise(backend, "sigmoid in place", x, backend.download(m), SIGMOID);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.fastnn.kernels.TestBackends#names")
    void sigmoidDerivativeMatchesFloat64OnAwkwardSizes(String name) {
        Backend backend = TestBackends.get(name);
        for (int[] shape : SHAPES) {
            float[] s = unitInterval(shape[0] * shape[1], shape[0]);
            float[] got = run(backend, s, shape[0], shape[1], (b, in, out) -> b.sigmoidDerivative(in, out));
            checkElementwise(backend, "sigmoidDerivative", s, got, v -> v * (1 - v));
            try (Matrix m = backend.upload(s, shape[0], shape[1])) {
                backend.sigmoidDerivative(m, m);
                checkElementwise(backend, "sigmoidDerivative in place", s, backend.download(m), v -> v * (1 - v));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.fastnn.kernels.TestBackends#names")
    void elementwiseActivationsMatchFloat64OnAwkwardSizes(String name) {
        Backend backend = TestBackends.get(name);
        for (int[] shape : SHAPES) {
            int size = shape[0] * shape[1];
            float[] x = mixed(size, size + shape[0]);
            for (Activation f : new Activation[] {Activation.IDENTITY, Activation.SIGMOID, Activation.TANH, Activation.RELU}) {
                DoubleUnaryOperator reference = v -> Float64Reference.activation(f, v);
                float[] got = run(backend, x, shape[0], shape[1], (b, in, out) -> b.activation(f, in, out));
                checkElementwise(backend, f + " " + shape[0] + "x" + shape[1], x, got, reference);
                try (Matrix m = backend.upload(x, shape[0], shape[1])) {
                    backend.activation(f, m, m);
                    checkElementwise(backend, f + " in place " + shape[0] + "x" + shape[1], x, backend.download(m), reference);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.fastnn.kernels.TestBackends#names")
    void tanhAndReluHandleExtremesAndPropagateNaN(String name) {
        Backend backend = TestBackends.get(name);
        float[] x = SPECIAL.clone();
        float[] tanh = run(backend, x, 1, x.length, (b, in, out) -> b.activation(Activation.TANH, in, out));
        checkElementwise(backend, "tanh", x, tanh, Math::tanh);
        assertEquals(1f, tanh[2]);
        assertEquals(-1f, tanh[3]);
        assertTrue(Float.isNaN(tanh[4]), "tanh(NaN) must be NaN, got " + tanh[4]);
        float[] relu = run(backend, x, x.length, 1, (b, in, out) -> b.activation(Activation.RELU, in, out));
        assertEquals(Float.POSITIVE_INFINITY, relu[2]);
        assertEquals(0f, relu[3]);
        assertTrue(Float.isNaN(relu[4]), "relu(NaN) must be NaN, got " + relu[4]);
        float[] identity = run(backend, x, x.length, 1, (b, in, out) -> b.activation(Activation.IDENTITY, in, out));
        assertTrue(Arrays.equals(x, identity), "identity must copy bits");
    }

    @ParameterizedTest
    @MethodSource("dev.fastnn.kernels.TestBackends#names")
    void softmaxMatchesFloat64RowWiseOnAwkwardSizes(String name) {
        Backend backend = TestBackends.get(name);
        for (int[] shape : SHAPES) {
            int rows = shape[0];
            int cols = shape[1];
            float[] x = mixed(rows * cols, rows * 31 + cols);
            // Huge logits must not overflow: a correct softmax subtracts the row maximum first.
            x[0] = 1e4f;
            x[x.length - 1] = -1e4f;
            float[] got = run(backend, x, rows, cols, (b, in, out) -> b.activation(Activation.SOFTMAX, in, out));
            float[] inPlace;
            try (Matrix m = backend.upload(x, rows, cols)) {
                backend.activation(Activation.SOFTMAX, m, m);
                inPlace = backend.download(m);
            }
            double[] ref = Float64Reference.softmax(x, rows, cols);
            for (int at = 0; at < ref.length; at++) {
                double bound = ErrorBounds.softmax(ref[at], cols);
                within(backend, "softmax " + rows + "x" + cols + " at " + at, x[at], got[at], ref[at], bound);
                within(backend, "softmax in place " + rows + "x" + cols + " at " + at, x[at], inPlace[at], ref[at], bound);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.fastnn.kernels.TestBackends#names")
    void activationGradientsMatchFloat64OnAwkwardSizes(String name) {
        Backend backend = TestBackends.get(name);
        for (int[] shape : SHAPES) {
            int rows = shape[0];
            int cols = shape[1];
            int size = rows * cols;
            float[] g = mixed(size, size * 3 + 1);
            for (Activation f : Activation.values()) {
                float[] y = switch (f) {
                    case IDENTITY, RELU -> relu(mixed(size, size + 2));
                    case SIGMOID -> unitInterval(size, size + 3);
                    case TANH -> signedUnitInterval(size, size + 4);
                    case SOFTMAX -> softmaxRows(mixed(size, size + 5), rows, cols);
                };
                Float64Reference.Bounded exact = Float64Reference.activationGradient(f, y, g, rows, cols);
                String what = f + " gradient " + rows + "x" + cols;
                try (Matrix ym = backend.upload(y, rows, cols); Matrix gm = backend.upload(g, rows, cols);
                     Matrix out = backend.allocate(rows, cols)) {
                    backend.activationGradient(f, ym, gm, out);
                    checkAgainst(backend, what, backend.download(out), exact);
                    backend.activationGradient(f, ym, gm, gm);
                    checkAgainst(backend, what + " in place (out = grad)", backend.download(gm), exact);
                    backend.write(gm, g, 0);
                    backend.activationGradient(f, ym, gm, ym);
                    checkAgainst(backend, what + " in place (out = y)", backend.download(ym), exact);
                }
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    interface Op {
        void apply(Backend backend, Matrix in, Matrix out);
    }

    static float[] run(Backend backend, float[] x, int rows, int cols, Op op) {
        try (Matrix in = backend.upload(x, rows, cols); Matrix out = backend.allocate(rows, cols)) {
            op.apply(backend, in, out);
            return backend.download(out);
        }
    }

    static void checkElementwise(Backend backend, String what, float[] x, float[] got, DoubleUnaryOperator f) {
        for (int i = 0; i < x.length; i++) {
            double ref = f.applyAsDouble(x[i]);
            within(backend, what + " at " + i, x[i], got[i], ref, ErrorBounds.activation(ref));
        }
    }

    static void checkAgainst(Backend backend, String what, float[] got, Float64Reference.Bounded exact) {
        checkAgainst(backend, what, got, exact.values(), exact.bounds());
    }

    static void checkAgainst(Backend backend, String what, float[] got, double[] ref, double[] bound) {
        for (int i = 0; i < got.length; i++) {
            if (!(Math.abs(got[i] - ref[i]) <= bound[i])) {
                fail(backend.name() + " " + what + " at " + i + ": got " + got[i] + ", float64 " + ref[i]
                        + ", allowed error " + bound[i]);
            }
        }
    }

    static void within(Backend backend, String what, float x, float got, double ref, double bound) {
        if (Double.isNaN(ref)) {
            if (!Float.isNaN(got)) {
                fail(backend.name() + " " + what + ": f(" + x + ") must be NaN, got " + got);
            }
            return;
        }
        if (!(got == ref || Math.abs(got - ref) <= bound)) {
            fail(backend.name() + " " + what + ": f(" + x + ") = " + got + ", float64 " + ref + ", allowed error " + bound);
        }
    }

    /** Values over several magnitudes, both signs, including exact zeros. */
    static float[] mixed(int size, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = i % 11 == 5 ? 0f : (float) ((random.nextDouble() * 2 - 1) * Math.pow(10, random.nextInt(-3, 2)));
        }
        return v;
    }

    static float[] unitInterval(int size, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = i % 7 == 3 ? (i % 2 == 0 ? 0f : 1f) : (float) random.nextDouble();
        }
        return v;
    }

    static float[] signedUnitInterval(int size, long seed) {
        float[] v = unitInterval(size, seed);
        for (int i = 0; i < size; i += 2) {
            v[i] = -v[i];
        }
        return v;
    }

    static float[] relu(float[] x) {
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.max(0f, x[i]);
        }
        return x;
    }

    /** Softmax outputs in float32, as a forward pass keeps them. */
    static float[] softmaxRows(float[] x, int rows, int cols) {
        double[] exact = Float64Reference.softmax(x, rows, cols);
        float[] y = new float[exact.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = (float) exact[i];
        }
        return y;
    }
}
