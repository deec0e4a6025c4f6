package dev.fastnn.kernels.vector;

/**
 * The register-blocked gemm micro-kernels of one vector width, over raw arrays, arguments already checked:
 * each but {@link #multiplyTransposed} computes one {@link #MR} x {@link #nr()} tile of {@code C} from a packed
 * {@code kc x nr} panel of {@code op(B)} (row p at {@code b[bo + p nr]}, zero-padded past the matrix) and
 * {@code kc} columns of {@link #MR} rows of {@code op(A)}, then writes {@code C = alpha acc + beta C} (or
 * {@code alpha acc} when {@code beta = 0}) for the valid {@code rows x cols} corner. Every element's value is the
 * same fused multiply-add chain over {@code p = 0 .. kc-1} in all of them, so whether a tile ran packed or
 * strided, on which thread, never changes a result. {@link GemmDriver} does the blocking and packing around them.
 */
interface MicroKernels {
    /**
     * Rows of the register tile: 8 rows x 2 vectors are 16 accumulators plus two B vectors and a broadcast, which
     * fit the 32 vector registers of AVX-512 (with AVX2's 16 the kernels run each tile as two passes of 4 rows).
     * Batches of 128 and layers of 256 or 784 are multiples of 8, so no tile is wasted on a partial edge (with 6
     * rows, 128 = 21 x 6 + 2).
     */
    int MR = 8;

    /** Whether the tiles for {@code registers} vector registers run as two passes of half their rows: below 32. */
    static boolean halfTiles(int registers) {
        return registers < 32;
    }

    /**
     * One element of {@code C = alpha acc + beta C}, as every tile's edge writes it: {@code beta = 0} leaves C's
     * old value out, which may be NaN.
     */
    static float scaled(float acc, float alpha, float beta, float old) {
        return beta == 0f ? acc * alpha : Math.fma(acc, alpha, old * beta);
    }

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
     * A transposed and read where it lies in slivers of MR of its rows (a batch for the left of a product, as the
     * weight gradient {@code X^T dH} takes it): row r of step p at {@code a[ao + (p / MR) groupStride + r MR + p % MR]},
     * {@code kc} a multiple of MR and all {@link #MR} rows readable. Packing that A transposes every MR x MR block
     * on every call; reading it here costs only the loads.
     */
    void multiplyTransposedSlivers(int kc, float[] a, int ao, int groupStride, float[] b, int bo,
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
     * Rows of the {@link #multiplyTransposed} tile: 10 rows x 2 vectors are 20 accumulators plus two vectors of A
     * and a broadcast, within AVX-512's 32 registers (with 16, two passes of 5 rows). A 10-class output layer
     * (Fashion-MNIST's) fills the tile exactly; 12 rows ran the 256 x 10 x 128 weight gradient's tiles 1.2x
     * slower, with 2 rows of 12 wasted.
     */
    int MT = 10;

    /**
     * One {@link #MT} x {@link #nr()} tile of {@code C^T} for a thin product of a transposed row-major A,
     * {@code C = A^T op(B)} with C at most {@code 2 MT} columns wide (a weight gradient {@code H^T dY}):
     * {@code C^T = op(B)^T A}, so that A's rows are the vectors, read where they lie, and op(B) is broadcast.
     * Row r of step p of {@code op(B)^T} at {@code b[bo + p MT + r]} (packed and zero-padded past the matrix, or
     * a row-major B exactly MT wide where it lies),
     * column q of step p of A at {@code a[ao + p lda + q]}, all nr readable. The accumulators go to
     * {@code tile}, row r at {@code r nr}; the caller writes them to C transposed. Each element is the same
     * chain of fused multiply-adds as in the other kernels, its two factors swapped, which a fused
     * multiply-add does not notice. Against the one-vector tile it replaced (8 rows of C, 10 of 16 lanes used),
     * JMH {@code MlpGemmBenchmark -p shape=Ht.dY}, Intel Xeon with AVX-512, old and new jar in one session:
     * 13.6 to 6.4 us on one thread, 13.1 to 6.1 on two.
     */
    void multiplyTransposed(int kc, float[] b, int bo, float[] a, int ao, int lda, float[] tile);

    /** As {@link #multiplyNarrow} with A packed as for {@link #multiplyPacked}. */
    void multiplyNarrowPacked(int kc, float[] a, int ao, float[] b, int bo,
                              float[] c, int co, int ldc, int rows, int cols, float alpha, float beta, float[] tile);

    /**
     * Copies {@code rows} rows of {@link #nr()} floats, {@code stride} apart from {@code from}, to {@code out[to]} on:
     * the one part of {@link GemmPacking} that needs the species as a constant, so it lives with the micro-kernels.
     */
    void packPanel(float[] src, int from, int stride, int rows, float[] out, int to);
}
