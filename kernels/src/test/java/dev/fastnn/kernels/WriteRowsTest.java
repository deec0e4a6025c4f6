package dev.fastnn.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Backend#writeRows} against rows copied by hand: repeated and out-of-order row numbers, an offset into
 * them, every storage layout of the destination (slivers for the left of a product, panels for the right), batches
 * large enough that the vector backend splits the write over its threads and the OpenCL backend over several
 * staging arrays; and every bad argument refused with one message before anything is written.
 */
class WriteRowsTest {
    private static final List<MatrixUse> USES = List.of(MatrixUse.GENERAL, MatrixUse.GEMM_LEFT, MatrixUse.GEMM_RIGHT);
    private static final int SOURCE_ROWS = 300;

    @ParameterizedTest
    @MethodSource("dev.fastnn.kernels.TestBackends#names")
    void eachRowOfDstIsTheSourceRowItsNumberNames(String name) {
        Backend backend = TestBackends.get(name);
        SplittableRandom random = new SplittableRandom(11);
        int[][] shapes = {{128, 784}, {256, 784}, {16, 96}, {24, 5}, {7, 64}, {64, 64}, {40, 1024}, {8, 8}, {1, 1}, {9, 1}};
        for (int[] shape : shapes) {
            int count = shape[0];
            int cols = shape[1];
            float[] source = ActivationTest.mixed(SOURCE_ROWS * cols, 4);
            int[] numbers = new int[count + 13];
            for (int i = 0; i < numbers.length; i++) {
                numbers[i] = random.nextInt(SOURCE_ROWS);
            }
            numbers[numbers.length - 1] = numbers[numbers.length - 2];
            numbers[5] = SOURCE_ROWS - 1;
            int from = 5;
            float[] expected = new float[count * cols];
            for (int i = 0; i < count; i++) {
                System.arraycopy(source, numbers[from + i] * cols, expected, i * cols, cols);
            }
            for (MatrixUse use : USES) {
                try (Matrix d = backend.allocate(count, cols, use)) {
                    backend.writeRows(d, source, numbers, from);
                    assertArrayEquals(expected, backend.download(d), name + " " + d.shape() + " " + use + " from " + from);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.fastnn.kernels.TestBackends#names")
    void badArgumentsAreRefusedBeforeAnythingIsWritten(String name) {
        Backend backend = TestBackends.get(name);
        float[] source = ActivationTest.mixed(6 * 4, 2);
        float[] before = ActivationTest.mixed(8 * 4, 9);
        try (Matrix d = backend.upload(before, 8, 4, MatrixUse.GEMM_LEFT)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> backend.writeRows(d, source, new int[] {0, 1, 2, 3, 4, 5, 0, 1, 2}, 2));
            assertEquals("writeRows: dst 8x4 takes the row numbers at positions [2, 10) of rows, but rows has 9",
                    e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> backend.writeRows(d, source, new int[] {0, 1, 2, 3, 4, 5, 0, 1}, -1));
            assertEquals("writeRows: dst 8x4 takes the row numbers at positions [-1, 7) of rows, but rows has 8",
                    e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> backend.writeRows(d, source, new int[] {0, 1, 2, 3, 4, 5, 6, 1}, 0));
            assertEquals("writeRows: rows[6] = 6 is not a row of src, which holds 6 rows of 4 values", e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> backend.writeRows(d, source, new int[] {0, -1, 2, 3, 4, 5, 0, 1}, 0));
            assertEquals("writeRows: rows[1] = -1 is not a row of src, which holds 6 rows of 4 values", e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> backend.writeRows(d, new float[4 * 6 - 1], new int[] {0, 1, 2, 3, 4, 5, 0, 1}, 0));
            assertEquals("writeRows: rows[5] = 5 is not a row of src, which holds 5 rows of 4 values", e.getMessage());
            assertThrows(NullPointerException.class, () -> backend.writeRows(d, null, new int[8], 0));
            assertThrows(NullPointerException.class, () -> backend.writeRows(d, source, null, 0));
            assertArrayEquals(before, backend.download(d), name + ": a refused write changed dst");
        }
    }
}
