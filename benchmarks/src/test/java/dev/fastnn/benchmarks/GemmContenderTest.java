package dev.fastnn.benchmarks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
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
            new GemmShape("wide", false, false, 3, 129, 64));

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
    }
}
