package dev.fastnn.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Backend#gatherRows} against rows copied by hand on the host: repeated and out-of-order row numbers,
 * an offset into the row numbers, every storage layout for the source and the destination (the vector backend
 * keeps a batch for the left of a product in slivers), and a row of NaN, never a stray read, for every row
 * number that names no row.
 */
class GatherRowsTest {
    private static final List<MatrixUse> USES = List.of(MatrixUse.GENERAL, MatrixUse.GEMM_LEFT, MatrixUse.GEMM_RIGHT);

    @ParameterizedTest
    @MethodSource("dev.fastnn.kernels.TestBackends#names")
    void eachRowOfDstIsTheSourceRowItsNumberNames(String name) {
        Backend backend = TestBackends.get(name);
        SplittableRandom random = new SplittableRandom(5);
        for (int[] shape : new int[][] {{40, 96}, {37, 5}, {1, 1}, {300, 1}}) {
            int sourceRows = shape[0];
            int cols = shape[1];
            float[] source = ActivationTest.mixed(sourceRows * cols, 3);
            float[] numbers = new float[64];
            for (int i = 0; i < numbers.length; i++) {
                numbers[i] = random.nextInt(sourceRows);
            }
            numbers[10] = numbers[11];
            for (MatrixUse sourceUse : USES) {
                for (MatrixUse dstUse : USES) {
                    for (int count : new int[] {16, 1, 24}) {
                        int from = 64 - count - 7;
                        try (Matrix s = backend.upload(source, sourceRows, cols, sourceUse);
                             Matrix r = backend.upload(numbers, 1, numbers.length);
                             Matrix d = backend.allocate(count, cols, dstUse)) {
                            backend.gatherRows(s, r, from, d);
                            float[] expected = new float[count * cols];
                            for (int i = 0; i < count; i++) {
                                System.arraycopy(source, (int) numbers[from + i] * cols, expected, i * cols, cols);
                            }
                            assertArrayEquals(expected, backend.download(d), name + " " + s.shape() + " " + sourceUse
                                    + " into " + d.shape() + " " + dstUse + " from " + from);
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.fastnn.kernels.TestBackends#names")
    void aRowNumberThatNamesNoRowGivesARowOfNaNAndTheOthersTheirRows(String name) {
        Backend backend = TestBackends.get(name);
        int cols = 3;
        float[] source = ActivationTest.mixed(4 * cols, 2);
        float[] numbers = {2f, -1f, 4f, 1.5f, Float.NaN, Float.POSITIVE_INFINITY, 3e9f, 0f, -0f};
        try (Matrix s = backend.upload(source, 4, cols);
             Matrix r = backend.upload(numbers, numbers.length, 1);
             Matrix d = backend.allocate(numbers.length, cols)) {
            backend.gatherRows(s, r, 0, d);
            float[] got = backend.download(d);
            for (int i = 0; i < numbers.length; i++) {
                boolean names = i == 0 || i == 7 || i == 8;
                for (int c = 0; c < cols; c++) {
                    float v = got[i * cols + c];
                    if (names) {
                        assertEquals(source[(int) numbers[i] * cols + c], v, name + " row " + i);
                    } else {
                        assertTrue(Float.isNaN(v), name + " row number " + numbers[i] + " gave " + v);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.fastnn.kernels.TestBackends#names")
    void badArgumentsAreRefusedWithTheShapes(String name) {
        Backend backend = TestBackends.get(name);
        try (Matrix s = backend.allocate(6, 4); Matrix r = backend.allocate(1, 5); Matrix d = backend.allocate(3, 4);
             Matrix narrow = backend.allocate(3, 2)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> backend.gatherRows(s, r, 0, narrow));
            assertEquals("gatherRows: dst 3x2 must have source's 4 columns (source is 6x4)", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> backend.gatherRows(s, r, 3, d));
            assertEquals("gatherRows: dst 3x4 takes the row numbers at positions [3, 6) of rows, but rows 1x5 has 5",
                    e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> backend.gatherRows(s, r, -1, d));
            assertEquals("gatherRows: dst 3x4 takes the row numbers at positions [-1, 2) of rows, but rows 1x5 has 5",
                    e.getMessage());
        }
        try (Matrix s = backend.allocate(6, 4); Matrix r = backend.allocate(2, 4)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> backend.gatherRows(s, r, 0, s));
            assertEquals("gatherRows: dst must be a matrix other than source and rows", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> backend.gatherRows(s, r, 0, r));
            assertEquals("gatherRows: dst must be a matrix other than source and rows", e.getMessage());
        }
    }

    @Test
    void aSourceWithMoreRowsThanAFloatNumbersExactlyIsRefused() {
        Backend backend = TestBackends.naive();
        try (Matrix s = backend.allocate(Backend.EXACT_COUNT + 1, 1); Matrix r = backend.allocate(1, 1);
             Matrix d = backend.allocate(1, 1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> backend.gatherRows(s, r, 0, d));
            assertEquals("gatherRows: source 16777217x1 has more rows than the 16777216 a float row number holds exactly",
                    e.getMessage());
        }
    }
}
