package dev.fastnn.kernels.vector;

/**
 * The register-blocked gemm micro-kernels of one vector width, over raw arrays, arguments already checked:
 * each computes one {@link #MR} x {@link #nr()} tile of {@code C} from a packed {@code kc x nr} panel of
 * {@code op(B)} (row p at {@code b[bo + p nr]}, zero-padded past the matrix) and {@code kc} columns of {@link #MR}
 * rows of {@code op(A)}, then writes {@code C = alpha acc + beta C} (or {@code alpha acc} when {@code beta = 0})
 * for the valid {@code rows x cols} corner. Every element's value is the same fused multiply-add chain over
 * {@code p = 0 .. kc-1} in all of them, so whether a tile ran packed or strided, on which thread, never changes
 * a result. {@link GemmDriver} does the blocking and packing around them.
 */
interface MicroKernels {
    /**
     * Rows of the register tile: 8 rows x 2 vectors are 16 accumulators plus two B vectors and a broadcast, which
     * fit the 32 vector registers of AVX-512 (AVX2's 16 would spill). Batches of 128 and layers of 256 or 784 are
     * multiples of 8, so no tile is wasted on a partial edge (with 6 rows, 128 = 21 x 6 + 2).
     */
    int MR = 8;

    /** Float lanes per vector. */
    int lanes();

    /** Columns of the register tile: two vectors. */
    default int nr() {
        return 2 * lanes();
    }

    /** A packed: row r of step p at {@code a[ao + p MR + r]}, zero-padded past the matrix. */
    void multiplyPacked(int kc, float[] a, int ao, float[] b, int bo,
                        float[] c, int co, int ldc, int rows, int cols, float alpha, float beta, float[] tile);

    /**
     * A read where it lies, row-major: row r of step p at {@code a[ao + r lda + p]}; rows past {@code rows} are
     * never read (the last valid row is read again and its result dropped). Only unit steps: an index with a
     * variable step keeps C2 from hoisting its bounds check out of the k loop, one compare per load (seen in
     * the disassembly), so a transposed A is packed instead.
     */
    void multiplyStrided(int kc, float[] a, int ao, int lda, float[] b, int bo,
                         float[] c, int co, int ldc, int rows, int cols, float alpha, float beta, float[] tile);

    /**
     * As {@link #multiplyStrided} for products at most one vector wide: B's panel is {@link #lanes()} columns
     * ({@code b[bo + p lanes]}), so a 10-column output layer wastes 6 lanes of 16 instead of 22 of 32.
     */
    void multiplyNarrow(int kc, float[] a, int ao, int lda, float[] b, int bo,
                        float[] c, int co, int ldc, int rows, int cols, float alpha, float beta, float[] tile);

    /**
     * As {@link #multiplyNarrow} for a full tile ({@link #MR} rows) of a transposed row-major A: step p's rows are
     * the MR consecutive floats at {@code a[ao + p lda]}, so a thin weight gradient reads its batch where it lies.
     */
    void multiplyNarrowTransposed(int kc, float[] a, int ao, int lda, float[] b, int bo,
                                  float[] c, int co, int ldc, int cols, float alpha, float beta, float[] tile);

    /** As {@link #multiplyNarrow} with A packed as for {@link #multiplyPacked}. */
    void multiplyNarrowPacked(int kc, float[] a, int ao, float[] b, int bo,
                              float[] c, int co, int ldc, int rows, int cols, float alpha, float beta, float[] tile);

    /**
     * Copies {@code rows} rows of {@link #nr()} floats, {@code stride} apart from {@code from}, to {@code out[to]} on:
     * the one part of {@link GemmPacking} that needs the species as a constant, so it lives with the micro-kernels.
     */
    void packPanel(float[] src, int from, int stride, int rows, float[] out, int to);
}
