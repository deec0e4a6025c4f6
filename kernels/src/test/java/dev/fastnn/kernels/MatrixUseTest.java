package dev.fastnn.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.fastnn.kernels.vector.VectorBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A {@link MatrixUse} hint changes where a backend stores values, never a result: every operation on
 * operands allocated for any mix of uses gives the same bits as on general (row-major) operands of the same
 * backend. The shapes are ones where the vector backend does store in slivers and panels at every width
 * (rows a multiple of 8, columns of 32 and more than 32), plus k over two blocks and m over two blocks, and a
 * product large enough to be split over threads.
 */
class MatrixUseTest {
    private static final List<MatrixUse> USES = List.of(MatrixUse.GENERAL, MatrixUse.GEMM_LEFT, MatrixUse.GEMM_RIGHT);
    /**
     * m, n, k. With A transposed and in slivers the vector backend reads it in place where k's blocks are whole
     * slivers ({@code 16 x 96 x 64}, two blocks in {@code 16 x 40 x 1040}, split over threads in
     * {@code 64 x 128 x 264}) and packs it where they are not ({@code 56 x 48 x 1000}: blocks of 500).
     */
    private static final int[][] GEMM_SHAPES = {{16, 96, 64}, {104, 96, 300}, {24, 64, 8}, {8, 10, 40}, {16, 40, 1040},
        {64, 128, 264}, {56, 48, 1000}};

    @ParameterizedTest
    @MethodSource("dev.fastnn.kernels.TestBackends#names")
    void writeThenReadGivesBackTheValuesForEveryUse(String name) {
        Backend backend = TestBackends.get(name);
        for (int[] shape : new int[][] {{16, 96}, {8, 64}, {7, 33}, {1, 64}, {64, 1}}) {
            float[] values = ActivationTest.mixed(shape[0] * shape[1], shape[0]);
            for (MatrixUse use : USES) {
                try (Matrix m = backend.upload(values, shape[0], shape[1], use);
                     Matrix like = backend.allocateLike(m)) {
                    assertSame(use, m.use());
                    assertSame(use, like.use());
                    assertArrayEquals(values, backend.download(m), name + " " + use + " " + m.shape());
                    backend.copy(m, like);
                    assertArrayEquals(values, backend.download(like), name + " copy " + use);
                    try (Matrix general = backend.allocate(shape[0], shape[1])) {
                        backend.copy(m, general);
                        assertArrayEquals(values, backend.download(general), name + " copy to general from " + use);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.fastnn.kernels.TestBackends#names")
    void gemmGivesTheSameBitsForEveryUseOfItsOperands(String name) {
        Backend backend = TestBackends.get(name);
        int seed = 0;
        for (int[] s : GEMM_SHAPES) {
            int m = s[0];
            int n = s[1];
            int k = s[2];
            for (boolean transA : new boolean[] {false, true}) {
                for (boolean transB : new boolean[] {false, true}) {
                    SplittableRandom random = new SplittableRandom(++seed);
                    float[] a = GemmTest.uniform(random, m * k);
                    float[] b = GemmTest.uniform(random, k * n);
                    float[] c = GemmTest.uniform(random, m * n);
                    float[] y = ActivationTest.unitInterval(m * n, seed);
                    float[] bias = GemmTest.uniform(random, n);
                    int ar = transA ? k : m;
                    int br = transB ? n : k;
                    float[][] reference = products(backend, transA, transB, a, ar, b, br, c, y, bias, m, n,
                            MatrixUse.GENERAL, MatrixUse.GENERAL, MatrixUse.GENERAL);
                    for (MatrixUse ua : USES) {
                        for (MatrixUse ub : USES) {
                            for (MatrixUse uc : USES) {
                                float[][] got = products(backend, transA, transB, a, ar, b, br, c, y, bias, m, n, ua, ub, uc);
                                for (int op = 0; op < got.length; op++) {
                                    assertArrayEquals(reference[op], got[op], name + " product " + op + " " + m + "x" + n
                                            + "x" + k + " transA=" + transA + " transB=" + transB + " A " + ua + ", B " + ub
                                            + ", C " + uc);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** gemm with beta = 0.5, gemm + bias + sigmoid, and gemm with the sigmoid's gradient, C and y of use {@code uc}. */
    private static float[][] products(Backend backend, boolean transA, boolean transB, float[] a, int aRows, float[] b,
                                      int bRows, float[] c, float[] y, float[] bias, int m, int n,
                                      MatrixUse ua, MatrixUse ub, MatrixUse uc) {
        try (Matrix am = backend.upload(a, aRows, a.length / aRows, ua);
             Matrix bm = backend.upload(b, bRows, b.length / bRows, ub);
             Matrix cm = backend.upload(c, m, n, uc);
             Matrix ym = backend.upload(y, m, n, uc);
             Matrix row = backend.upload(bias, 1, n)) {
            backend.gemm(transA, transB, -0.75f, am, bm, 0.5f, cm);
            float[] plain = backend.download(cm);
            backend.gemmBiasActivation(transA, transB, am, bm, row, Activation.SIGMOID, cm);
            float[] forward = backend.download(cm);
            backend.gemmActivationGradient(transA, transB, 1.5f, am, bm, Activation.SIGMOID, ym, cm);
            return new float[][] {plain, forward, backend.download(cm)};
        }
    }

    /** One elementwise, row-wise or reducing operation on operands of given uses; returns what it wrote or returned. */
    private interface Op {
        float[] run(Backend backend, List<Matrix> operands);
    }

    private record Case(String name, int operands, Op op) {
    }

    private static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        for (Activation f : Activation.values()) {
            cases.add(new Case(f + " activation", 2, (b, m) -> {
                b.activation(f, m.get(0), m.get(1));
                return b.download(m.get(1));
            }));
            cases.add(new Case(f + " gradient", 3, (b, m) -> {
                b.activation(f, m.get(0), m.get(0));
                b.activationGradient(f, m.get(0), m.get(1), m.get(2));
                return b.download(m.get(2));
            }));
        }
        cases.add(new Case("sigmoidDerivative", 2, (b, m) -> {
            b.sigmoidDerivative(m.get(0), m.get(1));
            return b.download(m.get(1));
        }));
        cases.add(new Case("addColumnSums", 1, (b, m) -> {
            try (Matrix sums = b.allocate(1, m.get(0).cols()); Matrix y = b.allocate(1, m.get(0).cols())) {
                b.fill(y, 0.25f);
                b.addColumnSums(-0.5f, m.get(0), sums, y);
                return b.download(y);
            }
        }));
        cases.add(new Case("addRowVector and columnSums", 2, (b, m) -> {
            try (Matrix row = b.allocate(1, m.get(0).cols())) {
                b.columnSums(m.get(1), row);
                b.addRowVector(m.get(0), row);
                float[] sums = b.download(row);
                float[] out = b.download(m.get(0));
                float[] both = new float[sums.length + out.length];
                System.arraycopy(sums, 0, both, 0, sums.length);
                System.arraycopy(out, 0, both, sums.length, out.length);
                return both;
            }
        }));
        cases.add(new Case("axpy, scale, hadamard, subtract", 3, (b, m) -> {
            b.axpy(-0.3f, m.get(0), m.get(1));
            b.scale(1.7f, m.get(1));
            b.hadamard(m.get(0), m.get(1), m.get(2));
            b.subtract(m.get(2), m.get(0), m.get(1));
            return b.download(m.get(1));
        }));
        cases.add(new Case("sumSquaredError, crossEntropy, dot", 2, (b, m) -> new float[] {
            (float) b.sumSquaredError(m.get(0), m.get(1)), (float) b.crossEntropy(m.get(0), m.get(1)),
            (float) b.dot(m.get(0), m.get(1))}));
        cases.add(new Case("adamUpdate", 4, (b, m) -> {
            b.adamUpdate(m.get(0), m.get(1), m.get(2), m.get(3), 0.01f, 0.9f, 0.999f, 1e-8f, 3);
            return b.download(m.get(0));
        }));
        cases.add(new Case("dropout", 2, (b, m) -> {
            b.dropout(m.get(0), m.get(1), 0.3f, 77);
            return b.download(m.get(1));
        }));
        cases.add(new Case("scaleRows", 2, (b, m) -> {
            try (Matrix factors = b.upload(ActivationTest.mixed(m.get(0).rows(), 5), m.get(0).rows(), 1)) {
                b.scaleRows(m.get(0), factors, m.get(1));
                return b.download(m.get(1));
            }
        }));
        // The targets are the scores, so every row matches: a count read in the wrong order falls short.
        cases.add(new Case("addArgmaxMatches", 2, (b, m) -> {
            try (Matrix count = b.allocate(1, 1)) {
                b.copy(m.get(0), m.get(1));
                b.fill(count, 0f);
                b.addArgmaxMatches(m.get(0), m.get(1), count);
                return b.download(count);
            }
        }));
        cases.add(new Case("fill and copy", 2, (b, m) -> {
            b.fill(m.get(1), 0.25f);
            b.copy(m.get(0), m.get(1));
            return b.download(m.get(1));
        }));
        return cases;
    }

    /**
     * Each operation with all operands of one use, and with one operand of that use among general ones (an
     * optimizer buffer allocated without {@link Backend#allocateLike}, say), against all general.
     */
    @ParameterizedTest
    @MethodSource("dev.fastnn.kernels.TestBackends#names")
    void everyOtherOperationGivesTheSameBitsForEveryUseOfItsOperands(String name) {
        Backend backend = TestBackends.get(name);
        int rows = 16;
        int cols = 96;
        for (Case c : cases()) {
            float[] reference = run(backend, c, rows, cols, i -> MatrixUse.GENERAL);
            for (MatrixUse use : List.of(MatrixUse.GEMM_LEFT, MatrixUse.GEMM_RIGHT)) {
                assertArrayEquals(reference, run(backend, c, rows, cols, i -> use), name + " " + c.name() + ", all " + use);
                for (int special = 0; special < c.operands(); special++) {
                    int only = special;
                    assertArrayEquals(reference, run(backend, c, rows, cols, i -> i == only ? use : MatrixUse.GENERAL),
                            name + " " + c.name() + ", operand " + special + " " + use);
                }
            }
        }
    }

    private static float[] run(Backend backend, Case c, int rows, int cols, IntFunction<MatrixUse> use) {
        List<Matrix> operands = new ArrayList<>();
        try {
            for (int i = 0; i < c.operands(); i++) {
                // Probabilities and positive moments where an operation needs them; mixed signs elsewhere.
                float[] values = i == 0 || i >= 2 ? ActivationTest.unitInterval(rows * cols, 31 + i)
                        : ActivationTest.mixed(rows * cols, 31 + i);
                operands.add(backend.upload(values, rows, cols, use.apply(i)));
            }
            return c.op().run(backend, operands);
        } finally {
            operands.forEach(Matrix::close);
        }
    }

    @Test
    void theVectorBackendStoresBatchesInSliversAndWeightsInPanelsOnlyWhereTheyDivide() {
        VectorBackend backend = (VectorBackend) TestBackends.get("vector-" + VectorBackend.maxBits());
        int nr = backend.tileColumns();
        assertEquals(HostMatrix.Layout.ROW_SLIVERS, layout(backend.allocate(16, 5, MatrixUse.GEMM_LEFT)));
        assertEquals(HostMatrix.Layout.ROW_MAJOR, layout(backend.allocate(15, 5, MatrixUse.GEMM_LEFT)));
        assertEquals(HostMatrix.Layout.COLUMN_PANELS, layout(backend.allocate(5, 2 * nr, MatrixUse.GEMM_RIGHT)));
        assertEquals(HostMatrix.Layout.ROW_MAJOR, layout(backend.allocate(5, nr, MatrixUse.GEMM_RIGHT)));
        assertEquals(HostMatrix.Layout.ROW_MAJOR, layout(backend.allocate(5, 2 * nr + 1, MatrixUse.GEMM_RIGHT)));
        assertEquals(HostMatrix.Layout.ROW_MAJOR, layout(backend.allocate(16, 2 * nr)));
        assertEquals(HostMatrix.Layout.ROW_MAJOR, layout(TestBackends.naive().allocate(16, 64, MatrixUse.GEMM_RIGHT)));
    }

    private static HostMatrix.Layout layout(Matrix m) {
        return ((HostMatrix) m).layout();
    }
}
