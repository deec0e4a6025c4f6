package dev.fastnn.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Backend#addArgmaxMatches} on every backend against a host count, exactly: a count is an integer, so
 * it must be the same number wherever it is taken. The reference finds a row's first maximum in two passes
 * (the largest non-NaN value, then the first column holding it; column 0 when the row starts with NaN), a
 * different route to what {@link Argmax}'s one scan defines; hand-written rows pin ties, NaNs, infinities
 * and signed zeros to the columns the definition names.
 */
class ArgmaxMatchesTest {
    /** Rows around the OpenCL work-group's 256 work-items, one column, and wide rows. */
    private static final int[][] SHAPES = {{1, 1}, {1, 3}, {3, 1}, {3, 17}, {7, 143}, {255, 10}, {256, 10},
        {257, 10}, {1000, 1}, {1031, 10}, {33, 31}, {600, 257}};

    private static final float NAN = Float.NaN;
    private static final float INF = Float.POSITIVE_INFINITY;
    /** Rows of four scores and the column of each one's first maximum, written by hand from the definition. */
    private static final float[][] SPECIAL_ROWS = {
        {1, 3, 3, 0}, {3, 1, 3, 3}, {2, 2, 2, 2}, {-0f, 0f, -1, -1}, {0f, -0f, -1, -1},
        {NAN, 5, 1, 9}, {1, NAN, 5, 2}, {5, NAN, 1, NAN}, {NAN, NAN, NAN, NAN}, {-INF, NAN, -INF, -INF},
        {1, INF, INF, NAN}, {-INF, -INF, -INF, -3}, {-1e-30f, -1e-31f, -1e-31f, -2}, {Float.MAX_VALUE, INF, 0, 0}};
    private static final int[] SPECIAL_ARGMAX = {1, 0, 0, 0, 0, 0, 2, 0, 0, 0, 1, 3, 1, 1};

    /** The first maximum by another route than {@link Argmax#of}: the largest non-NaN value, then where it first is. */
    private static int firstMaximum(float[] v, int offset, int k) {
        if (Float.isNaN(v[offset])) {
            return 0;
        }
        double largest = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) {
            if (!Float.isNaN(v[offset + j])) {
                largest = Math.max(largest, v[offset + j]);
            }
        }
        for (int j = 0; j < k; j++) {
            // == makes -0 and +0 one value, as every comparison of the scan does.
            if (v[offset + j] == largest) {
                return j;
            }
        }
        throw new AssertionError("no maximum");
    }

    private static int matches(float[] scores, float[] targets, int rows, int cols) {
        int matches = 0;
        for (int i = 0; i < rows; i++) {
            if (firstMaximum(scores, i * cols, cols) == firstMaximum(targets, i * cols, cols)) {
                matches++;
            }
        }
        return matches;
    }

    /** Scores on a coarse grid, so that many rows tie, with a NaN or an infinity in every seventh row. */
    private static float[] scores(int rows, int cols, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = random.nextInt(-3, 4) * 0.5f;
        }
        for (int r = 3; r < rows; r += 7) {
            v[r * cols + random.nextInt(cols)] = r % 2 == 0 ? Float.NaN : (r % 3 == 0 ? INF : -INF);
        }
        return v;
    }

    /** One-hot rows, as training writes them, except every fifth row, which holds scores (ties and all) too. */
    private static float[] targets(int rows, int cols, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] other = scores(rows, cols, seed + 1);
        float[] v = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            if (r % 5 == 4) {
                System.arraycopy(other, r * cols, v, r * cols, cols);
            } else {
                v[r * cols + random.nextInt(cols)] = 1f;
            }
        }
        return v;
    }

    @Test
    void argmaxIsTheFirstMaximumOfTheHandWrittenRows() {
        for (int r = 0; r < SPECIAL_ROWS.length; r++) {
            assertEquals(SPECIAL_ARGMAX[r], Argmax.of(SPECIAL_ROWS[r], 0, 4), "row " + r);
            assertEquals(SPECIAL_ARGMAX[r], firstMaximum(SPECIAL_ROWS[r], 0, 4), "reference, row " + r);
        }
        float[] padded = {9, 9, 1, 2, 2, 9};
        assertEquals(1, Argmax.of(padded, 2, 3), "only the given slice counts");
    }

    /**
     * Each hand-written row twice: against the one-hot target of the column the definition names (a match) and
     * against the next column (none), so the count is the number of rows exactly when every backend picks
     * those columns.
     */
    @ParameterizedTest
    @MethodSource("dev.fastnn.kernels.TestBackends#names")
    void tiesNaNsAndInfinitiesPickTheColumnsTheDefinitionNames(String name) {
        Backend backend = TestBackends.get(name);
        int n = SPECIAL_ROWS.length;
        float[] scores = new float[2 * n * 4];
        float[] targets = new float[2 * n * 4];
        for (int r = 0; r < n; r++) {
            System.arraycopy(SPECIAL_ROWS[r], 0, scores, 2 * r * 4, 4);
            System.arraycopy(SPECIAL_ROWS[r], 0, scores, (2 * r + 1) * 4, 4);
            targets[2 * r * 4 + SPECIAL_ARGMAX[r]] = 1f;
            targets[(2 * r + 1) * 4 + (SPECIAL_ARGMAX[r] + 1) % 4] = 1f;
        }
        try (Matrix s = backend.upload(scores, 2 * n, 4); Matrix t = backend.upload(targets, 2 * n, 4);
             Matrix count = backend.allocate(1, 1)) {
            backend.addArgmaxMatches(s, t, count);
            assertEquals(n, backend.download(count)[0], name);
            for (int r = 0; r < n; r++) {
                try (Matrix row = backend.upload(SPECIAL_ROWS[r], 1, 4);
                     Matrix hit = backend.upload(Arrays.copyOfRange(targets, 2 * r * 4, 2 * r * 4 + 4), 1, 4)) {
                    backend.fill(count, 0f);
                    backend.addArgmaxMatches(row, hit, count);
                    assertEquals(1f, backend.download(count)[0], name + " row " + r);
                }
            }
        }
    }

    /** Counting moves nothing between host and backend: only reading the count does, when the caller asks. */
    @ParameterizedTest
    @MethodSource("dev.fastnn.kernels.TestBackends#names")
    void countingMovesNothingAcrossTheBus(String name) {
        Backend backend = TestBackends.get(name);
        float[] scores = scores(1031, 10, 3);
        try (Matrix s = backend.upload(scores, 1031, 10); Matrix t = backend.upload(targets(1031, 10, 4), 1031, 10);
             Matrix count = backend.allocate(1, 1)) {
            long in = backend.transfers().bytesToBackend();
            long out = backend.transfers().bytesFromBackend();
            for (int i = 0; i < 5; i++) {
                backend.addArgmaxMatches(s, t, count);
            }
            assertEquals(in, backend.transfers().bytesToBackend(), name + ": bytes in");
            assertEquals(out, backend.transfers().bytesFromBackend(), name + ": bytes out");
            assertEquals(5f * matches(scores, targets(1031, 10, 4), 1031, 10), backend.download(count)[0], name);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.fastnn.kernels.TestBackends#names")
    void countAddsTheMatchesOfTheHostReferenceExactly(String name) {
        Backend backend = TestBackends.get(name);
        for (int[] shape : SHAPES) {
            int rows = shape[0];
            int cols = shape[1];
            String where = name + " " + rows + "x" + cols;
            float[] scores = scores(rows, cols, 31L * rows + cols);
            float[] targets = targets(rows, cols, 17L * rows + cols);
            int expected = matches(scores, targets, rows, cols);
            if (rows >= 255 && cols > 1) {
                assertTrue(expected > 0 && expected < rows, where + ": the data must have both hits and misses");
            }
            try (Matrix s = backend.upload(scores, rows, cols); Matrix t = backend.upload(targets, rows, cols);
                 Matrix count = backend.upload(new float[] {5}, 1, 1)) {
                backend.addArgmaxMatches(s, t, count);
                assertEquals(5f + expected, backend.download(count)[0], where);
                backend.addArgmaxMatches(s, t, count);
                assertEquals(5f + 2f * expected, backend.download(count)[0], where + ", added twice");
                backend.addArgmaxMatches(s, s, count);
                assertEquals(5f + 2f * expected + rows, backend.download(count)[0], where + ", every row matches itself");
            }
        }
    }

    /** The count is exact up to {@link Backend#EXACT_COUNT}, the first integer after which a float misses some. */
    @ParameterizedTest
    @MethodSource("dev.fastnn.kernels.TestBackends#names")
    void countIsExactUpToTheExactCount(String name) {
        Backend backend = TestBackends.get(name);
        int rows = 1031;
        float[] scores = scores(rows, 10, 7);
        try (Matrix s = backend.upload(scores, rows, 10);
             Matrix count = backend.upload(new float[] {Backend.EXACT_COUNT - rows}, 1, 1)) {
            backend.addArgmaxMatches(s, s, count);
            assertEquals(Backend.EXACT_COUNT, (int) backend.download(count)[0], name);
        }
        assertEquals((float) Backend.EXACT_COUNT, (float) (Backend.EXACT_COUNT + 1), "the next integer has no float");
    }

    @Test
    void badArgumentsAreRejectedNamingTheShapes() {
        Backend backend = TestBackends.naive();
        try (Matrix a = backend.allocate(3, 4); Matrix b = backend.allocate(4, 3); Matrix wide = backend.allocate(1, 2);
             Matrix one = backend.allocate(1, 1); Matrix count = backend.allocate(1, 1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> backend.addArgmaxMatches(a, b, count));
            assertTrue(e.getMessage().contains("addArgmaxMatches") && e.getMessage().contains("3x4")
                    && e.getMessage().contains("4x3"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> backend.addArgmaxMatches(a, a, wide));
            assertTrue(e.getMessage().contains("1x1") && e.getMessage().contains("1x2"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> backend.addArgmaxMatches(one, count, one));
            assertTrue(e.getMessage().contains("an operand"), e.getMessage());
            assertThrows(NullPointerException.class, () -> backend.addArgmaxMatches(a, a, null));
            try (Matrix tall = backend.allocate(Backend.EXACT_COUNT + 1, 1)) {
                e = assertThrows(IllegalArgumentException.class, () -> backend.addArgmaxMatches(tall, tall, count));
                assertTrue(e.getMessage().contains("16777217x1") && e.getMessage().contains("16777216"), e.getMessage());
            }
        }
    }
}
