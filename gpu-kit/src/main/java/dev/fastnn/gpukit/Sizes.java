package dev.fastnn.gpukit;

import java.util.Locale;

/**
 * How large the check's problems are. {@code full} is the GPU run the issue asks for (gemm at n = 1024,
 * 2048, 4096; 784-256-10 epochs over 60000 samples); {@code quick} keeps the same cases at sizes a CPU
 * OpenCL device such as PoCL finishes in about a minute, so CI can run the whole kit.
 *
 * @param gemmShapes (m, n, k) triples checked for every transpose case: odd sizes around tile and vector
 *     widths, thin and tall products, and large ones
 * @param elementwiseShapes (rows, cols) of the elementwise checks
 * @param gemmSpeedSizes n of the timed square products
 * @param trainingRows samples of the generated training set
 * @param timedEpochs epochs timed after one warm-up epoch
 * @param timedRepetitions timed repetitions of each gemm, after warm-up
 */
record Sizes(String name, int[][] gemmShapes, int[][] elementwiseShapes, int[] gemmSpeedSizes,
             int trainingRows, int timedEpochs, int timedRepetitions) {

    static final int[] BATCH_SIZES = {128, 4096};

    private static final int[][] COMMON_GEMM = {
        {1, 1, 1}, {3, 7, 5}, {17, 33, 31}, {64, 64, 64}, {65, 63, 129}, {1000, 3, 20}, {2, 1000, 9},
        {4, 5, 1000}, {127, 129, 255}};
    private static final int[][] LARGE_GEMM = {{1023, 1025, 1027}, {2049, 513, 1537}, {4097, 31, 2049}, {33, 4099, 517}};
    private static final int[][] COMMON_ELEMENTWISE = {
        {1, 1}, {1, 3}, {3, 1}, {1, 17}, {17, 1}, {3, 17}, {1, 1000}, {1000, 1}, {7, 143}, {33, 31}, {1031, 1021}};

    static Sizes quick() {
        return new Sizes("quick", COMMON_GEMM, COMMON_ELEMENTWISE, new int[] {256, 512}, 6144, 2, 3);
    }

    static Sizes full() {
        int[][] gemm = new int[COMMON_GEMM.length + LARGE_GEMM.length][];
        System.arraycopy(COMMON_GEMM, 0, gemm, 0, COMMON_GEMM.length);
        System.arraycopy(LARGE_GEMM, 0, gemm, COMMON_GEMM.length, LARGE_GEMM.length);
        int[][] elementwise = new int[COMMON_ELEMENTWISE.length + 1][];
        System.arraycopy(COMMON_ELEMENTWISE, 0, elementwise, 0, COMMON_ELEMENTWISE.length);
        elementwise[COMMON_ELEMENTWISE.length] = new int[] {4099, 2053};
        return new Sizes("full", gemm, elementwise, new int[] {1024, 2048, 4096}, 60000, 5, 7);
    }

    /** {@code quick} or {@code full}; anything else names the valid values. */
    static Sizes named(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "quick" -> quick();
            case "full" -> full();
            default -> throw new IllegalArgumentException("unknown sizes '" + name + "'; valid: auto, quick, full");
        };
    }
}
