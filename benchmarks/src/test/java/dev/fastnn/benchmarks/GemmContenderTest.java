package dev.fastnn.benchmarks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastnn.kernels.MatrixUse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The reference BLAS contenders must compute what fastnn computes: each is checked against a float64
 * dot product ({@link GemmContender#verify()}) and against the naive backend, on odd shapes in all four
 * transpose cases, where a wrong leading dimension or a swapped transpose would show.
 */
class GemmContenderTest {
    private static final List<GemmShape> SHAPES = List.of(
            new GemmShape("odd", false, false, 7, 5, 3),
            new GemmShape("tA", true, false, 17, 3, 33),
            new GemmShape("tB", false, true, 1, 31, 16),
            new GemmShape("tAB", true, true, 15, 17, 7),
            new GemmShape("wide", false, false, 3, 129, 64),
            new GemmShape("layouts", true, false, 96, 64, 16,
                    List.of(MatrixUse.GEMM_LEFT, MatrixUse.GEMM_RIGHT, MatrixUse.GEMM_RIGHT)));

    @ParameterizedTest
    @ValueSource(strings = {"openblas", "netlib", "vector"})
    void contendersMatchFloat64AndNaiveOnOddShapesAndTransposes(String name) {
        for (GemmShape shape : SHAPES) {
            try (GemmContender contender = GemmContender.create(name, 1, shape, 3);
                 GemmContender naive = GemmContender.create("naive", 1, shape, 3)) {
                contender.verify();
                naive.verify();
                assertArrayEquals(naive.result(), contender.result(), 1e-4f, name + " on " + shape.describe());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"naive", "netlib", "aparapi"})
    void singleThreadedContendersRejectTwoThreads(String name) {
        assertThrows(IllegalArgumentException.class, () -> GemmContender.create(name, 2, GemmShape.square(4), 1));
        assertFalse(BenchmarkBackends.takesThreads(name));
    }

    @Test
    void anEnvironmentThatTunesOpenBlasIsRefusedNamingTheVariablesAndTheFix() {
        assertNull(GemmContender.openBlasTuned(Map.of("PATH", "/bin")));
        String reason = GemmContender.openBlasTuned(Map.of("OPENBLAS_CORETYPE", "Haswell", "OPENBLAS_L2_SIZE", "1048576"));
        assertTrue(reason.startsWith("OPENBLAS_CORETYPE=Haswell and OPENBLAS_L2_SIZE=1048576 set"), reason);
        assertTrue(reason.contains("env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE") && reason.contains("./fastnn bench"), reason);
    }

    /** Timing is what a tuned environment spoils, not the products, which the test above checks in any environment. */
    @Test
    void onlyTimingOpenBlasIsRefusedInATunedEnvironment() {
        GemmContender.requireMeasurable("vector");
        GemmContender.requireMeasurable("netlib");
        String reason = GemmContender.openBlasTuned(System.getenv());
        if (reason == null) {
            GemmContender.requireMeasurable("openblas");
        } else {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> GemmContender.requireMeasurable("openblas"));
            assertEquals("the openblas contender refuses to run with " + reason, e.getMessage());
        }
    }

    @Test
    void theContendersAreFastnnsBackendsThenTheReferenceLibraries() {
        assertEquals(List.of("naive", "vector", "aparapi", "openblas", "netlib"), BenchmarkBackends.gemmContenders());
        assertTrue(BenchmarkBackends.takesThreads("vector") && BenchmarkBackends.takesThreads("openblas"));
    }
}
