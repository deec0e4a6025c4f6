package dev.fastnn.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.fastnn.kernels.naive.NaiveBackend;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * gemm on every backend against a float64 reference, for all four transpose cases and every (m, n, k) drawn
 * from sizes that straddle common vector widths and block sizes.
 *
 * <p>Tolerance: {@link ErrorBounds#gemm}, the classic bound for a float32 dot product of length k in any
 * summation order, {@code |err| <= gamma(k+2) * (|alpha| sum_p |a_ip b_pj| + |beta c_ij|)}. It holds for
 * blocked, FMA and split-k orders alike, so it is exact enough to catch an indexing bug (whose error is of
 * the order of the terms themselves) without depending on one particular order.
 */
public class GemmTest {
    private static final int[] SIZES = {1, 2, 3, 7, 15, 16, 17, 31, 33, 64, 100, 127, 129};
    /**
     * m, n, k: a long K over one 64x64 tile of C, which the OpenCL backend computes in slices of K when A is
     * transposed ({@code SplitGemmTest} checks that it does): a last slice shorter than the others, a K that is
     * not a multiple of the slices' steps of 16, a K of several slices.
     */
    public static final int[][] LONG_K_FEW_TILES = {{64, 64, 777}, {5, 10, 1000}, {1, 3, 4099}, {33, 17, 512}};

    /** One reference per (m, n, k): the product does not depend on how A and B are stored. */
    private static final Map<Long, Expected> EXPECTED = new ConcurrentHashMap<>();

    /** Row-major logical op(A) (m x k), op(B) (k x n), C before the call, and alpha beta for one shape. */
    record Problem(int m, int n, int k, float[] a, float[] b, float[] c, float alpha, float beta) {
    }

    record Expected(Problem problem, double[] value, double[] bound) {
    }

    static Stream<Arguments> backendsAndTransposes() {
        return TestBackends.names().flatMap(name -> Stream.of(
                Arguments.of(name, false, false), Arguments.of(name, false, true),
                Arguments.of(name, true, false), Arguments.of(name, true, true)));
    }

    @ParameterizedTest(name = "{0} transA={1} transB={2}")
    @MethodSource("backendsAndTransposes")
    void gemmMatchesFloat64ReferenceOnAllSizeCombinations(String name, boolean transA, boolean transB) {
        Backend backend = TestBackends.get(name);
        for (int m : SIZES) {
            for (int n : SIZES) {
                for (int k : SIZES) {
                    check(backend, transA, transB, expected(m, n, k));
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} transA={1} transB={2}")
    @MethodSource("backendsAndTransposes")
    void gemmWithBetaZeroIgnoresNaNInCAndMatchesFloat64(String name, boolean transA, boolean transB) {
        Backend backend = TestBackends.get(name);
        Problem p = problem(37, 29, 45, 1.5f, 0f, 99);
        check(backend, transA, transB, reference(p));
        Problem q = problem(3, 70, 1, -1f, 0f, 98);
        check(backend, transA, transB, reference(q));
    }

    @ParameterizedTest(name = "{0} transA={1} transB={2}")
    @MethodSource("backendsAndTransposes")
    void gemmTallAndWideMatchFloat64(String name, boolean transA, boolean transB) {
        Backend backend = TestBackends.get(name);
        check(backend, transA, transB, reference(problem(1000, 3, 20, 1f, 0f, 7)));
        check(backend, transA, transB, reference(problem(2, 1000, 9, 0.5f, 2f, 8)));
        check(backend, transA, transB, reference(problem(4, 5, 1000, 1f, -1f, 9)));
    }

    @ParameterizedTest(name = "{0} transA={1} transB={2}")
    @MethodSource("backendsAndTransposes")
    void gemmWithALongKOverFewTilesMatchesFloat64(String name, boolean transA, boolean transB) {
        Backend backend = TestBackends.get(name);
        int seed = 60;
        for (int[] s : LONG_K_FEW_TILES) {
            check(backend, transA, transB, reference(problem(s[0], s[1], s[2], -0.75f, 0.5f, ++seed)));
            check(backend, transA, transB, reference(problem(s[0], s[1], s[2], 1f, 0f, ++seed)));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.fastnn.kernels.TestBackends#names")
    void gemmOfAMatrixWithItselfMatchesFloat64(String name) {
        Backend backend = TestBackends.get(name);
        // X^T X and X X^T, as a Gram matrix or a weight-decay term would compute them: A and B are one matrix.
        Problem x = problem(45, 45, 45, 1f, 0f, 77);
        float[] xt = transpose(x.a(), 45, 45);
        Problem gram = new Problem(45, 45, 45, xt, x.a(), x.c(), 1f, 0f);
        Problem outer = new Problem(45, 45, 45, x.a(), xt, x.c(), 1f, 0f);
        Expected gramRef = reference(gram);
        Expected outerRef = reference(outer);
        try (Matrix xm = backend.upload(x.a(), 45, 45); Matrix c = backend.allocate(45, 45)) {
            backend.gemm(true, false, 1f, xm, xm, 0f, c);
            checkAgainst(backend, "X^T X", backend.download(c), gramRef);
            backend.gemm(false, true, 1f, xm, xm, 0f, c);
            checkAgainst(backend, "X X^T", backend.download(c), outerRef);
        }
    }

    private static void checkAgainst(Backend backend, String what, float[] got, Expected e) {
        for (int i = 0; i < got.length; i++) {
            if (!(Math.abs(got[i] - e.value()[i]) <= e.bound()[i])) {
                fail(backend.name() + " " + what + " at " + i + ": " + got[i] + ", float64 " + e.value()[i]);
            }
        }
    }

    /** Runs one problem with A and B stored as the transpose flags say and checks every element of C. */
    static void check(Backend backend, boolean transA, boolean transB, Expected e) {
        Problem p = e.problem();
        try (Matrix a = transA ? backend.upload(transpose(p.a(), p.m(), p.k()), p.k(), p.m()) : backend.upload(p.a(), p.m(), p.k());
             Matrix b = transB ? backend.upload(transpose(p.b(), p.k(), p.n()), p.n(), p.k()) : backend.upload(p.b(), p.k(), p.n());
             Matrix c = backend.upload(p.c(), p.m(), p.n())) {
            backend.gemm(transA, transB, p.alpha(), a, b, p.beta(), c);
            float[] got = backend.download(c);
            for (int i = 0; i < got.length; i++) {
                double err = Math.abs(got[i] - e.value()[i]);
                if (!(err <= e.bound()[i])) {
                    fail(backend.name() + " gemm transA=" + transA + " transB=" + transB + " m=" + p.m() + " n=" + p.n()
                            + " k=" + p.k() + " alpha=" + p.alpha() + " beta=" + p.beta() + ": C[" + i / p.n() + "][" + i % p.n()
                            + "] = " + got[i] + ", float64 reference " + e.value()[i] + ", allowed error " + e.bound()[i]);
                }
            }
        }
    }

    private static Expected expected(int m, int n, int k) {
        long key = ((long) m << 40) | ((long) n << 20) | k;
        return EXPECTED.computeIfAbsent(key, x -> {
            int variant = (m + 3 * n + 7 * k) % 4;
            float alpha = new float[] {1f, -0.75f, 2f, 1f}[variant];
            // beta = 0 comes with NaN garbage in C: BLAS semantics say it must not leak through.
            float beta = new float[] {0f, 1f, -0.5f, 0f}[variant];
            return reference(problem(m, n, k, alpha, beta, key));
        });
    }

    static Problem problem(int m, int n, int k, float alpha, float beta, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] a = uniform(random, m * k);
        float[] b = uniform(random, k * n);
        float[] c = uniform(random, m * n);
        if (beta == 0f) {
            for (int i = 0; i < c.length; i += 2) {
                c[i] = Float.NaN;
            }
            if (c.length > 1) {
                c[1] = Float.POSITIVE_INFINITY;
            }
        }
        return new Problem(m, n, k, a, b, c, alpha, beta);
    }

    static Expected reference(Problem p) {
        int m = p.m();
        int n = p.n();
        int k = p.k();
        double[] value = new double[m * n];
        double[] bound = new double[m * n];
        double[] sum = new double[n];
        double[] abs = new double[n];
        for (int i = 0; i < m; i++) {
            Arrays.fill(sum, 0);
            Arrays.fill(abs, 0);
            for (int q = 0; q < k; q++) {
                double aiq = p.a()[i * k + q];
                for (int j = 0; j < n; j++) {
                    double t = aiq * p.b()[q * n + j];
                    sum[j] += t;
                    abs[j] += Math.abs(t);
                }
            }
            for (int j = 0; j < n; j++) {
                double cij = p.beta() == 0f ? 0 : (double) p.beta() * p.c()[i * n + j];
                value[i * n + j] = p.alpha() * sum[j] + cij;
                bound[i * n + j] = ErrorBounds.gemm(k, Math.abs(p.alpha()) * abs[j], Math.abs(cij));
            }
        }
        return new Expected(p, value, bound);
    }

    static float[] uniform(SplittableRandom random, int size) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return v;
    }

    static float[] transpose(float[] x, int rows, int cols) {
        float[] t = new float[x.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = x[i * cols + j];
            }
        }
        return t;
    }

    // ---------------------------------------------------------------- bad input

    @ParameterizedTest
    @MethodSource("dev.fastnn.kernels.TestBackends#names")
    void gemmShapeMismatchNamesBothShapes(String name) {
        Backend backend = TestBackends.get(name);
        try (Matrix a = backend.allocate(3, 4); Matrix b = backend.allocate(5, 6); Matrix c = backend.allocate(3, 6)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> backend.gemm(false, false, 1f, a, b, 0f, c));
            assertTrue(e.getMessage().contains("3x4") && e.getMessage().contains("5x6"), e.getMessage());
            IllegalArgumentException t = assertThrows(IllegalArgumentException.class,
                    () -> backend.gemm(true, false, 1f, a, b, 0f, c));
            assertTrue(t.getMessage().contains("4x3") && t.getMessage().contains("5x6"), t.getMessage());
        }
        try (Matrix a = backend.allocate(3, 4); Matrix b = backend.allocate(4, 6); Matrix c = backend.allocate(6, 3)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> backend.gemm(false, false, 1f, a, b, 0f, c));
            assertTrue(e.getMessage().contains("6x3") && e.getMessage().contains("3x6"), e.getMessage());
        }
    }

    @ParameterizedTest
    @MethodSource("dev.fastnn.kernels.TestBackends#names")
    void gemmRejectsCAliasingAOrB(String name) {
        Backend backend = TestBackends.get(name);
        try (Matrix a = backend.allocate(4, 4); Matrix b = backend.allocate(4, 4)) {
            IllegalArgumentException ea = assertThrows(IllegalArgumentException.class,
                    () -> backend.gemm(false, false, 1f, a, b, 0f, a));
            assertTrue(ea.getMessage().contains("same matrix as A"), ea.getMessage());
            IllegalArgumentException eb = assertThrows(IllegalArgumentException.class,
                    () -> backend.gemm(false, false, 1f, a, b, 0f, b));
            assertTrue(eb.getMessage().contains("same matrix as B"), eb.getMessage());
        }
    }

    @ParameterizedTest
    @MethodSource("dev.fastnn.kernels.TestBackends#names")
    void gemmRejectsMatricesOfAnotherBackend(String name) {
        Backend backend = TestBackends.get(name);
        Backend other = new NaiveBackend();
        try (Matrix a = other.allocate(2, 2); Matrix b = backend.allocate(2, 2); Matrix c = backend.allocate(2, 2)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> backend.gemm(false, false, 1f, a, b, 0f, c));
            assertTrue(e.getMessage().startsWith("A 2x2 belongs to backend"), e.getMessage());
            IllegalArgumentException ec = assertThrows(IllegalArgumentException.class,
                    () -> backend.gemm(false, false, 1f, b, c, 0f, a));
            assertTrue(ec.getMessage().startsWith("C 2x2 belongs to backend"), ec.getMessage());
        }
    }

    @ParameterizedTest
    @MethodSource("dev.fastnn.kernels.TestBackends#names")
    void gemmRejectsReleasedMatrices(String name) {
        Backend backend = TestBackends.get(name);
        Matrix a = backend.allocate(2, 3);
        try (Matrix b = backend.allocate(3, 2); Matrix c = backend.allocate(2, 2)) {
            a.close();
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> backend.gemm(false, false, 1f, a, b, 0f, c));
            assertEquals("A 2x3 has been released", e.getMessage());
        }
    }
}
