package dev.fastnn.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import dev.fastnn.kernels.GemmTest.Expected;
import dev.fastnn.kernels.GemmTest.Problem;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fused layer operations, {@link Backend#gemmBiasActivation} and {@link Backend#gemmActivationGradient},
 * against the operations they fuse: bit for bit against the same backend's gemm, bias and activation run one
 * after the other (the same float operations in the same order, whether or not a backend fuses them), and
 * within a stated bound of the naive backend's unfused result, on shapes around the vector backend's tile and
 * block boundaries, every transpose and every activation.
 *
 * <p>The bound against naive: both products are within {@code GemmTest}'s float64 bound {@code e} of the exact
 * product, so they differ by at most {@code 2e}; an activation with slope at most 1 (sigmoid's is 1/4) carries
 * that over, plus 2^-20 of the value for the two activations' own rounding. A gradient {@code z f'(y)} has
 * {@code |f'| <= 1}, so the same bound holds; for softmax's row-wise Jacobian product twice the row's largest.
 */
class FusedGemmTest {
    /**
     * m, n, k: tile edges (MR = 8, nr = 8..32), a second MC block (96), a second KC block (256), thin layers, and
     * two of {@link GemmTest#LONG_K_FEW_TILES}, which the OpenCL backend splits along K.
     */
    private static final int[][] SHAPES = {
        {1, 1, 1}, {7, 10, 5}, {8, 16, 3}, {9, 33, 17}, {17, 31, 2}, {16, 64, 40}, {97, 65, 9}, {5, 100, 257},
        {128, 10, 30}, {33, 130, 7}, GemmTest.LONG_K_FEW_TILES[0], GemmTest.LONG_K_FEW_TILES[1]};

    @ParameterizedTest
    @MethodSource("dev.fastnn.kernels.TestBackends#names")
    void gemmBiasActivationIsBitForBitTheUnfusedOperationsAndNearNaive(String name) {
        Backend backend = TestBackends.get(name);
        int seed = 0;
        for (int[] s : SHAPES) {
            for (boolean transA : new boolean[] {false, true}) {
                for (boolean transB : new boolean[] {false, true}) {
                    Problem p = GemmTest.problem(s[0], s[1], s[2], 1f, 0f, ++seed);
                    Expected e = GemmTest.reference(p);
                    float[] bias = GemmTest.uniform(new SplittableRandom(seed), p.n());
                    for (Activation f : Activation.values()) {
                        for (boolean withBias : new boolean[] {false, true}) {
                            String what = name + " " + f + (withBias ? " with bias" : "") + " " + p.m() + "x" + p.n()
                                    + "x" + p.k() + " transA=" + transA + " transB=" + transB;
                            float[] fused = forward(backend, p, transA, transB, withBias ? bias : null, f, true);
                            assertArrayEquals(forward(backend, p, transA, transB, withBias ? bias : null, f, false),
                                    fused, what + ": fused differs from unfused");
                            float[] naive = forward(TestBackends.naive(), p, transA, transB, withBias ? bias : null, f, false);
                            near(what, fused, naive, e, f == Activation.SOFTMAX, p.n());
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.fastnn.kernels.TestBackends#names")
    void gemmActivationGradientIsBitForBitTheUnfusedOperationsAndNearNaive(String name) {
        Backend backend = TestBackends.get(name);
        int seed = 100;
        for (int[] s : SHAPES) {
            for (boolean transA : new boolean[] {false, true}) {
                for (boolean transB : new boolean[] {false, true}) {
                    Problem p = GemmTest.problem(s[0], s[1], s[2], 1f, 0f, ++seed);
                    Expected e = GemmTest.reference(p);
                    for (Activation f : Activation.values()) {
                        // y is an activation's output: a softmax row sums to 1, a sigmoid lies in (0, 1).
                        float[] y = ActivationTest.run(TestBackends.naive(), ActivationTest.mixed(p.m() * p.n(), seed),
                                p.m(), p.n(), (b, in, out) -> b.activation(f, in, out));
                        String what = name + " " + f + " gradient " + p.m() + "x" + p.n() + "x" + p.k()
                                + " transA=" + transA + " transB=" + transB;
                        float[] fused = backward(backend, p, transA, transB, f, y, true);
                        assertArrayEquals(backward(backend, p, transA, transB, f, y, false), fused,
                                what + ": fused differs from unfused");
                        near(what, fused, backward(TestBackends.naive(), p, transA, transB, f, y, false), e,
                                f == Activation.SOFTMAX, p.n());
                    }
                }
            }
        }
    }

    /** f(op(A) op(B) + bias), fused in one call or as gemm, addRowVector and activation. */
    private static float[] forward(Backend backend, Problem p, boolean transA, boolean transB, float[] bias,
                                   Activation f, boolean fused) {
        try (Matrix a = operandA(backend, p, transA);
             Matrix b = operandB(backend, p, transB);
             Matrix out = backend.upload(p.c(), p.m(), p.n());
             Matrix row = backend.upload(bias == null ? new float[p.n()] : bias, 1, p.n())) {
            if (fused) {
                backend.gemmBiasActivation(transA, transB, a, b, bias == null ? null : row, f, out);
            } else {
                backend.gemm(transA, transB, 1f, a, b, 0f, out);
                if (bias != null) {
                    backend.addRowVector(out, row);
                }
                backend.activation(f, out, out);
            }
            return backend.download(out);
        }
    }

    /** (alpha op(A) op(B)) f'(y), fused in one call or as gemm and activationGradient; alpha = -0.5. */
    private static float[] backward(Backend backend, Problem p, boolean transA, boolean transB, Activation f,
                                    float[] y, boolean fused) {
        try (Matrix a = operandA(backend, p, transA);
             Matrix b = operandB(backend, p, transB);
             Matrix out = backend.upload(p.c(), p.m(), p.n());
             Matrix ym = backend.upload(y, p.m(), p.n())) {
            if (fused) {
                backend.gemmActivationGradient(transA, transB, -0.5f, a, b, f, ym, out);
            } else {
                backend.gemm(transA, transB, -0.5f, a, b, 0f, out);
                backend.activationGradient(f, ym, out, out);
            }
            return backend.download(out);
        }
    }

    private static Matrix operandA(Backend backend, Problem p, boolean transA) {
        return transA ? backend.upload(GemmTest.transpose(p.a(), p.m(), p.k()), p.k(), p.m()) : backend.upload(p.a(), p.m(), p.k());
    }

    private static Matrix operandB(Backend backend, Problem p, boolean transB) {
        return transB ? backend.upload(GemmTest.transpose(p.b(), p.k(), p.n()), p.n(), p.k()) : backend.upload(p.b(), p.k(), p.n());
    }

    /** The bound of the class comment; for softmax the product's bound is the row's largest, twice. */
    private static void near(String what, float[] got, float[] naive, Expected e, boolean rowWise, int n) {
        for (int i = 0; i < got.length; i++) {
            double productBound = 2 * e.bound()[i];
            if (rowWise) {
                int row = i / n;
                for (int j = 0; j < n; j++) {
                    productBound = Math.max(productBound, 4 * e.bound()[row * n + j]);
                }
            }
            double allowed = productBound + 0x1p-20 * Math.abs(naive[i]) + Float.MIN_NORMAL;
            if (!(Math.abs(got[i] - naive[i]) <= allowed)) {
                fail(what + " at " + i + ": " + got[i] + ", naive " + naive[i] + ", allowed difference " + allowed);
            }
        }
    }

    @Test
    void fusedOperationsRejectABiasOrActivationOutputThatDoesNotFit() {
        Backend backend = TestBackends.naive();
        try (Matrix a = backend.allocate(4, 3);
             Matrix b = backend.allocate(3, 5);
             Matrix out = backend.allocate(4, 5);
             Matrix wrongBias = backend.allocate(1, 4);
             Matrix y = backend.allocate(4, 5)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> backend.gemmBiasActivation(false, false, a, b, wrongBias, Activation.RELU, out));
            assertEquals("gemmBiasActivation: bias must be a 1x5 matrix other than out, got 1x4", e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> backend.gemmBiasActivation(false, true, a, b, null, Activation.RELU, out));
            assertEquals("gemmBiasActivation: inner dimensions differ: op(A) is 4x3 but op(B) is 5x3 (B^T of 3x5)",
                    e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> backend.gemmActivationGradient(false, false, 1f, a, b, Activation.SIGMOID, out, out));
            assertEquals("gemmActivationGradient: y must be a 4x5 matrix other than out, A and B, got 4x5", e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> backend.gemmActivationGradient(false, false, 1f, a, b, Activation.SIGMOID, wrongBias, out));
            assertEquals("gemmActivationGradient: y must be a 4x5 matrix other than out, A and B, got 1x4", e.getMessage());
            assertThrows(NullPointerException.class,
                    () -> backend.gemmBiasActivation(false, false, a, b, null, null, out));
        }
    }
}
