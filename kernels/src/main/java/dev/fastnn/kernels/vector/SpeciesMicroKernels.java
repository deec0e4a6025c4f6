package dev.fastnn.kernels.vector;

import java.lang.constant.ConstantDescs;
import java.lang.invoke.MethodHandles;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The gemm micro-kernels of {@link MicroKernels} for one vector width: the template {@link KernelsByWidth} defines
 * once per width and register file as a hidden class whose class data is the species and the register count,
 * never loaded by name. That makes {@link #SPECIES} a {@code static final} constant in each copy: C2 turns Vector
 * API calls into SIMD instructions only where it can see the species as a constant, and otherwise leaves vectors
 * as heap objects; {@link #HALF_TILES} is one too, so each copy compiles only its own tile shape. One copy per
 * width is what lets the tests run the 128-, 256- and 512-bit loops, and both tile shapes, in one JVM. Hence,
 * too, no nested classes or lambdas here: they would name this class and load the template itself.
 *
 * <p>Accumulators live in locals, never in arrays or fields, and leave the k loop by unconditional stores
 * (see {@link #finish}).
 *
 * <p>The packed and the strided kernel differ only in how they address A: one base and MR-float steps, or a
 * base per row. One kernel could do both (packed slivers are strides {@code (1, MR)}), with two more integer
 * registers live in the k loop and no more loads; both are kept until JMH shows the merge costs nothing, by
 * {@code GemmBenchmark} and {@code MlpGemmBenchmark} with {@code -p backend=vector,openblas}, 1 and 2 threads,
 * before and after, in one run.
 */
final class SpeciesMicroKernels implements MicroKernels {
    @SuppressWarnings("unchecked")
    private static final VectorSpecies<Float> SPECIES = classData(0, VectorSpecies.class);
    private static final int L = SPECIES.length();
    private static final int NR = 2 * L;
    /**
     * With 16 vector registers (x86 below AVX-512) the 8 x 2-vector tile's 16 accumulators, two B vectors and a
     * broadcast do not fit, and C2 spills accumulators in the k loop; there each tile runs as two passes of
     * {@link #HALF} rows over the same B panel, which stays in L1 (8 accumulators each, enough to keep both fused
     * multiply-add pipes busy). Same chain per element, so the same bits. AMD EPYC Zen 3 (AVX2), kc = 256, panel
     * in L1: 8 rows at once 53, two 4-row passes 87 GFLOP/s, FMA peak 97 (a standalone copy of the kernels).
     */
    private static final boolean HALF_TILES = MicroKernels.halfTiles(classData(1, Integer.class));
    private static final int HALF = MR / 2;
    private static final int HALF_T = MT / 2;

    /** Each template reads its own class data (the twin is in SpeciesElementwiseKernels): here a list. */
    private static <T> T classData(int index, Class<T> type) {
        try {
            return MethodHandles.classDataAt(MethodHandles.lookup(), ConstantDescs.DEFAULT_NAME, type, index);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("SpeciesMicroKernels must be defined as a hidden class with its species and register count as class data", e);
        }
    }

    @Override
    public int lanes() {
        return L;
    }

    @Override
    public void multiplyPacked(int kc, float[] a, int ao, float[] b, int bo,
                               float[] c, int co, int ldc, int rows, int cols, float alpha, float beta, float[] tile) {
        if (!HALF_TILES) {
            packed(kc, a, ao, b, bo, tile);
        } else {
            packedHalf(kc, a, ao, b, bo, tile, 0);
            if (rows > HALF) {
                packedHalf(kc, a, ao, b, bo, tile, HALF);
            }
        }
        finish(tile, c, co, ldc, rows, cols, alpha, beta);
    }

    private static void packed(int kc, float[] a, int ao, float[] b, int bo, float[] tile) {
        FloatVector c00 = FloatVector.zero(SPECIES);
        FloatVector c01 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c30 = c00;
        FloatVector c31 = c00;
        FloatVector c40 = c00;
        FloatVector c41 = c00;
        FloatVector c50 = c00;
        FloatVector c51 = c00;
        FloatVector c60 = c00;
        FloatVector c61 = c00;
        FloatVector c70 = c00;
        FloatVector c71 = c00;
        // Indices written as linear functions of p, so that C2 hoists the bounds checks out of the loop.
        for (int p = 0; p < kc; p++) {
            int ai = ao + p * MR;
            int bi = bo + p * NR;
            FloatVector b0 = FloatVector.fromArray(SPECIES, b, bi);
            FloatVector b1 = FloatVector.fromArray(SPECIES, b, bi + L);
            FloatVector x = FloatVector.broadcast(SPECIES, a[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(SPECIES, a[ai + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(SPECIES, a[ai + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(SPECIES, a[ai + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(SPECIES, a[ai + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(SPECIES, a[ai + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(SPECIES, a[ai + 6]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(SPECIES, a[ai + 7]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR);
        c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR);
        c51.intoArray(tile, 5 * NR + L);
        c60.intoArray(tile, 6 * NR);
        c61.intoArray(tile, 6 * NR + L);
        c70.intoArray(tile, 7 * NR);
        c71.intoArray(tile, 7 * NR + L);
    }

    /** Tile rows {@code first .. first + HALF - 1}, from those rows of A's packed sliver. */
    private static void packedHalf(int kc, float[] a, int ao, float[] b, int bo, float[] tile, int first) {
        FloatVector c00 = FloatVector.zero(SPECIES);
        FloatVector c01 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c30 = c00;
        FloatVector c31 = c00;
        for (int p = 0; p < kc; p++) {
            int ai = ao + p * MR + first;
            int bi = bo + p * NR;
            FloatVector b0 = FloatVector.fromArray(SPECIES, b, bi);
            FloatVector b1 = FloatVector.fromArray(SPECIES, b, bi + L);
            FloatVector x = FloatVector.broadcast(SPECIES, a[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(SPECIES, a[ai + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(SPECIES, a[ai + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(SPECIES, a[ai + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        int t = first * NR;
        c00.intoArray(tile, t);
        c01.intoArray(tile, t + L);
        c10.intoArray(tile, t + NR);
        c11.intoArray(tile, t + NR + L);
        c20.intoArray(tile, t + 2 * NR);
        c21.intoArray(tile, t + 2 * NR + L);
        c30.intoArray(tile, t + 3 * NR);
        c31.intoArray(tile, t + 3 * NR + L);
    }

    @Override
    public void multiplyTransposedSlivers(int kc, float[] a, int ao, int groupStride, float[] b, int bo,
                                          float[] c, int co, int ldc, int rows, int cols, float alpha, float beta,
                                          float[] tile) {
        if (!HALF_TILES) {
            transposedSlivers(kc, a, ao, groupStride, b, bo, tile);
        } else {
            transposedSliversHalf(kc, a, ao, groupStride, b, bo, tile, 0);
            if (rows > HALF) {
                transposedSliversHalf(kc, a, ao, groupStride, b, bo, tile, HALF);
            }
        }
        finish(tile, c, co, ldc, rows, cols, alpha, beta);
    }

    /**
     * Groups of MR steps, each an MR x MR block of A's sliver: the index steps by the group's stride between groups
     * and by constants inside one, so C2 checks the bounds once per group rather than once per load.
     */
    private static void transposedSlivers(int kc, float[] a, int ao, int groupStride, float[] b, int bo, float[] tile) {
        FloatVector c00 = FloatVector.zero(SPECIES);
        FloatVector c01 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c30 = c00;
        FloatVector c31 = c00;
        FloatVector c40 = c00;
        FloatVector c41 = c00;
        FloatVector c50 = c00;
        FloatVector c51 = c00;
        FloatVector c60 = c00;
        FloatVector c61 = c00;
        FloatVector c70 = c00;
        FloatVector c71 = c00;
        for (int g = 0; g < kc; g += MR) {
            int ag = ao + g / MR * groupStride;
            for (int q = 0; q < MR; q++) {
                int ai = ag + q;
                int bi = bo + (g + q) * NR;
                FloatVector b0 = FloatVector.fromArray(SPECIES, b, bi);
                FloatVector b1 = FloatVector.fromArray(SPECIES, b, bi + L);
                FloatVector x = FloatVector.broadcast(SPECIES, a[ai]);
                c00 = x.fma(b0, c00);
                c01 = x.fma(b1, c01);
                x = FloatVector.broadcast(SPECIES, a[ai + MR]);
                c10 = x.fma(b0, c10);
                c11 = x.fma(b1, c11);
                x = FloatVector.broadcast(SPECIES, a[ai + 2 * MR]);
                c20 = x.fma(b0, c20);
                c21 = x.fma(b1, c21);
                x = FloatVector.broadcast(SPECIES, a[ai + 3 * MR]);
                c30 = x.fma(b0, c30);
                c31 = x.fma(b1, c31);
                x = FloatVector.broadcast(SPECIES, a[ai + 4 * MR]);
                c40 = x.fma(b0, c40);
                c41 = x.fma(b1, c41);
                x = FloatVector.broadcast(SPECIES, a[ai + 5 * MR]);
                c50 = x.fma(b0, c50);
                c51 = x.fma(b1, c51);
                x = FloatVector.broadcast(SPECIES, a[ai + 6 * MR]);
                c60 = x.fma(b0, c60);
                c61 = x.fma(b1, c61);
                x = FloatVector.broadcast(SPECIES, a[ai + 7 * MR]);
                c70 = x.fma(b0, c70);
                c71 = x.fma(b1, c71);
            }
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR);
        c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR);
        c51.intoArray(tile, 5 * NR + L);
        c60.intoArray(tile, 6 * NR);
        c61.intoArray(tile, 6 * NR + L);
        c70.intoArray(tile, 7 * NR);
        c71.intoArray(tile, 7 * NR + L);
    }

    /** Tile rows {@code first .. first + HALF - 1} of {@link #transposedSlivers}. */
    private static void transposedSliversHalf(int kc, float[] a, int ao, int groupStride, float[] b, int bo, float[] tile,
                                              int first) {
        FloatVector c00 = FloatVector.zero(SPECIES);
        FloatVector c01 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c30 = c00;
        FloatVector c31 = c00;
        for (int g = 0; g < kc; g += MR) {
            int ag = ao + g / MR * groupStride + first * MR;
            for (int q = 0; q < MR; q++) {
                int ai = ag + q;
                int bi = bo + (g + q) * NR;
                FloatVector b0 = FloatVector.fromArray(SPECIES, b, bi);
                FloatVector b1 = FloatVector.fromArray(SPECIES, b, bi + L);
                FloatVector x = FloatVector.broadcast(SPECIES, a[ai]);
                c00 = x.fma(b0, c00);
                c01 = x.fma(b1, c01);
                x = FloatVector.broadcast(SPECIES, a[ai + MR]);
                c10 = x.fma(b0, c10);
                c11 = x.fma(b1, c11);
                x = FloatVector.broadcast(SPECIES, a[ai + 2 * MR]);
                c20 = x.fma(b0, c20);
                c21 = x.fma(b1, c21);
                x = FloatVector.broadcast(SPECIES, a[ai + 3 * MR]);
                c30 = x.fma(b0, c30);
                c31 = x.fma(b1, c31);
            }
        }
        int t = first * NR;
        c00.intoArray(tile, t);
        c01.intoArray(tile, t + L);
        c10.intoArray(tile, t + NR);
        c11.intoArray(tile, t + NR + L);
        c20.intoArray(tile, t + 2 * NR);
        c21.intoArray(tile, t + 2 * NR + L);
        c30.intoArray(tile, t + 3 * NR);
        c31.intoArray(tile, t + 3 * NR + L);
    }

    @Override
    public void multiplyStrided(int kc, float[] a, int ao, int lda, float[] b, int bo,
                                float[] c, int co, int ldc, int rows, int cols, float alpha, float beta, float[] tile) {
        if (!HALF_TILES) {
            strided(kc, a, ao, lda, rows - 1, b, bo, tile);
        } else {
            stridedHalf(kc, a, ao, lda, 0, rows - 1, b, bo, tile);
            if (rows > HALF) {
                stridedHalf(kc, a, ao, lda, HALF, rows - 1, b, bo, tile);
            }
        }
        finish(tile, c, co, ldc, rows, cols, alpha, beta);
    }

    /** Rows past {@code last} read row {@code last} again. */
    private static void strided(int kc, float[] a, int ao, int lda, int last, float[] b, int bo, float[] tile) {
        int a0 = ao;
        int a1 = ao + Math.min(1, last) * lda;
        int a2 = ao + Math.min(2, last) * lda;
        int a3 = ao + Math.min(3, last) * lda;
        int a4 = ao + Math.min(4, last) * lda;
        int a5 = ao + Math.min(5, last) * lda;
        int a6 = ao + Math.min(6, last) * lda;
        int a7 = ao + Math.min(7, last) * lda;
        FloatVector c00 = FloatVector.zero(SPECIES);
        FloatVector c01 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c30 = c00;
        FloatVector c31 = c00;
        FloatVector c40 = c00;
        FloatVector c41 = c00;
        FloatVector c50 = c00;
        FloatVector c51 = c00;
        FloatVector c60 = c00;
        FloatVector c61 = c00;
        FloatVector c70 = c00;
        FloatVector c71 = c00;
        // Every index linear in p with a constant step, so that C2 hoists all bounds checks out of the loop.
        for (int p = 0; p < kc; p++) {
            int bi = bo + p * NR;
            FloatVector b0 = FloatVector.fromArray(SPECIES, b, bi);
            FloatVector b1 = FloatVector.fromArray(SPECIES, b, bi + L);
            FloatVector x = FloatVector.broadcast(SPECIES, a[a0 + p]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(SPECIES, a[a1 + p]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(SPECIES, a[a2 + p]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(SPECIES, a[a3 + p]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(SPECIES, a[a4 + p]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(SPECIES, a[a5 + p]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(SPECIES, a[a6 + p]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(SPECIES, a[a7 + p]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR);
        c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR);
        c51.intoArray(tile, 5 * NR + L);
        c60.intoArray(tile, 6 * NR);
        c61.intoArray(tile, 6 * NR + L);
        c70.intoArray(tile, 7 * NR);
        c71.intoArray(tile, 7 * NR + L);
    }

    /** Tile rows {@code first .. first + HALF - 1}, read from A's rows of those numbers (at most {@code last}). */
    private static void stridedHalf(int kc, float[] a, int ao, int lda, int first, int last, float[] b, int bo, float[] tile) {
        int a0 = ao + Math.min(first, last) * lda;
        int a1 = ao + Math.min(first + 1, last) * lda;
        int a2 = ao + Math.min(first + 2, last) * lda;
        int a3 = ao + Math.min(first + 3, last) * lda;
        FloatVector c00 = FloatVector.zero(SPECIES);
        FloatVector c01 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c30 = c00;
        FloatVector c31 = c00;
        for (int p = 0; p < kc; p++) {
            int bi = bo + p * NR;
            FloatVector b0 = FloatVector.fromArray(SPECIES, b, bi);
            FloatVector b1 = FloatVector.fromArray(SPECIES, b, bi + L);
            FloatVector x = FloatVector.broadcast(SPECIES, a[a0 + p]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(SPECIES, a[a1 + p]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(SPECIES, a[a2 + p]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(SPECIES, a[a3 + p]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        int t = first * NR;
        c00.intoArray(tile, t);
        c01.intoArray(tile, t + L);
        c10.intoArray(tile, t + NR);
        c11.intoArray(tile, t + NR + L);
        c20.intoArray(tile, t + 2 * NR);
        c21.intoArray(tile, t + 2 * NR + L);
        c30.intoArray(tile, t + 3 * NR);
        c31.intoArray(tile, t + 3 * NR + L);
    }

    @Override
    public void multiplyNarrow(int kc, float[] a, int ao, int lda, float[] b, int bo,
                               float[] c, int co, int ldc, int rows, int cols, float alpha, float beta, float[] tile) {
        int last = rows - 1;
        int a0 = ao;
        int a1 = ao + Math.min(1, last) * lda;
        int a2 = ao + Math.min(2, last) * lda;
        int a3 = ao + Math.min(3, last) * lda;
        int a4 = ao + Math.min(4, last) * lda;
        int a5 = ao + Math.min(5, last) * lda;
        int a6 = ao + Math.min(6, last) * lda;
        int a7 = ao + Math.min(7, last) * lda;
        FloatVector c0 = FloatVector.zero(SPECIES);
        FloatVector c1 = c0;
        FloatVector c2 = c0;
        FloatVector c3 = c0;
        FloatVector c4 = c0;
        FloatVector c5 = c0;
        FloatVector c6 = c0;
        FloatVector c7 = c0;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(SPECIES, b, bo + p * L);
            c0 = FloatVector.broadcast(SPECIES, a[a0 + p]).fma(b0, c0);
            c1 = FloatVector.broadcast(SPECIES, a[a1 + p]).fma(b0, c1);
            c2 = FloatVector.broadcast(SPECIES, a[a2 + p]).fma(b0, c2);
            c3 = FloatVector.broadcast(SPECIES, a[a3 + p]).fma(b0, c3);
            c4 = FloatVector.broadcast(SPECIES, a[a4 + p]).fma(b0, c4);
            c5 = FloatVector.broadcast(SPECIES, a[a5 + p]).fma(b0, c5);
            c6 = FloatVector.broadcast(SPECIES, a[a6 + p]).fma(b0, c6);
            c7 = FloatVector.broadcast(SPECIES, a[a7 + p]).fma(b0, c7);
        }
        c0.intoArray(tile, 0);
        c1.intoArray(tile, NR);
        c2.intoArray(tile, 2 * NR);
        c3.intoArray(tile, 3 * NR);
        c4.intoArray(tile, 4 * NR);
        c5.intoArray(tile, 5 * NR);
        c6.intoArray(tile, 6 * NR);
        c7.intoArray(tile, 7 * NR);
        finish(tile, c, co, ldc, rows, cols, alpha, beta);
    }

    @Override
    public void multiplyTransposed(int kc, float[] b, int bo, float[] a, int ao, int lda, float[] tile) {
        if (!HALF_TILES) {
            transposed(kc, b, bo, a, ao, lda, tile);
        } else {
            transposedHalf(kc, b, bo, a, ao, lda, tile, 0);
            transposedHalf(kc, b, bo, a, ao, lda, tile, HALF_T);
        }
    }

    private static void transposed(int kc, float[] b, int bo, float[] a, int ao, int lda, float[] tile) {
        FloatVector c00 = FloatVector.zero(SPECIES);
        FloatVector c01 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c30 = c00;
        FloatVector c31 = c00;
        FloatVector c40 = c00;
        FloatVector c41 = c00;
        FloatVector c50 = c00;
        FloatVector c51 = c00;
        FloatVector c60 = c00;
        FloatVector c61 = c00;
        FloatVector c70 = c00;
        FloatVector c71 = c00;
        FloatVector c80 = c00;
        FloatVector c81 = c00;
        FloatVector c90 = c00;
        FloatVector c91 = c00;
        // Ten broadcasts at constant offsets from one index, two loads from another: no per-row address arithmetic.
        for (int p = 0, bi = bo, ai = ao; p < kc; p++, bi += MT, ai += lda) {
            FloatVector a0 = FloatVector.fromArray(SPECIES, a, ai);
            FloatVector a1 = FloatVector.fromArray(SPECIES, a, ai + L);
            FloatVector x = FloatVector.broadcast(SPECIES, b[bi]);
            c00 = x.fma(a0, c00);
            c01 = x.fma(a1, c01);
            x = FloatVector.broadcast(SPECIES, b[bi + 1]);
            c10 = x.fma(a0, c10);
            c11 = x.fma(a1, c11);
            x = FloatVector.broadcast(SPECIES, b[bi + 2]);
            c20 = x.fma(a0, c20);
            c21 = x.fma(a1, c21);
            x = FloatVector.broadcast(SPECIES, b[bi + 3]);
            c30 = x.fma(a0, c30);
            c31 = x.fma(a1, c31);
            x = FloatVector.broadcast(SPECIES, b[bi + 4]);
            c40 = x.fma(a0, c40);
            c41 = x.fma(a1, c41);
            x = FloatVector.broadcast(SPECIES, b[bi + 5]);
            c50 = x.fma(a0, c50);
            c51 = x.fma(a1, c51);
            x = FloatVector.broadcast(SPECIES, b[bi + 6]);
            c60 = x.fma(a0, c60);
            c61 = x.fma(a1, c61);
            x = FloatVector.broadcast(SPECIES, b[bi + 7]);
            c70 = x.fma(a0, c70);
            c71 = x.fma(a1, c71);
            x = FloatVector.broadcast(SPECIES, b[bi + 8]);
            c80 = x.fma(a0, c80);
            c81 = x.fma(a1, c81);
            x = FloatVector.broadcast(SPECIES, b[bi + 9]);
            c90 = x.fma(a0, c90);
            c91 = x.fma(a1, c91);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR);
        c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR);
        c51.intoArray(tile, 5 * NR + L);
        c60.intoArray(tile, 6 * NR);
        c61.intoArray(tile, 6 * NR + L);
        c70.intoArray(tile, 7 * NR);
        c71.intoArray(tile, 7 * NR + L);
        c80.intoArray(tile, 8 * NR);
        c81.intoArray(tile, 8 * NR + L);
        c90.intoArray(tile, 9 * NR);
        c91.intoArray(tile, 9 * NR + L);
    }

    /** Rows {@code first .. first + HALF_T - 1} of the {@code C^T} tile. */
    private static void transposedHalf(int kc, float[] b, int bo, float[] a, int ao, int lda, float[] tile, int first) {
        FloatVector c00 = FloatVector.zero(SPECIES);
        FloatVector c01 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c30 = c00;
        FloatVector c31 = c00;
        FloatVector c40 = c00;
        FloatVector c41 = c00;
        for (int p = 0, bi = bo + first, ai = ao; p < kc; p++, bi += MT, ai += lda) {
            FloatVector a0 = FloatVector.fromArray(SPECIES, a, ai);
            FloatVector a1 = FloatVector.fromArray(SPECIES, a, ai + L);
            FloatVector x = FloatVector.broadcast(SPECIES, b[bi]);
            c00 = x.fma(a0, c00);
            c01 = x.fma(a1, c01);
            x = FloatVector.broadcast(SPECIES, b[bi + 1]);
            c10 = x.fma(a0, c10);
            c11 = x.fma(a1, c11);
            x = FloatVector.broadcast(SPECIES, b[bi + 2]);
            c20 = x.fma(a0, c20);
            c21 = x.fma(a1, c21);
            x = FloatVector.broadcast(SPECIES, b[bi + 3]);
            c30 = x.fma(a0, c30);
            c31 = x.fma(a1, c31);
            x = FloatVector.broadcast(SPECIES, b[bi + 4]);
            c40 = x.fma(a0, c40);
            c41 = x.fma(a1, c41);
        }
        int t = first * NR;
        c00.intoArray(tile, t);
        c01.intoArray(tile, t + L);
        c10.intoArray(tile, t + NR);
        c11.intoArray(tile, t + NR + L);
        c20.intoArray(tile, t + 2 * NR);
        c21.intoArray(tile, t + 2 * NR + L);
        c30.intoArray(tile, t + 3 * NR);
        c31.intoArray(tile, t + 3 * NR + L);
        c40.intoArray(tile, t + 4 * NR);
        c41.intoArray(tile, t + 4 * NR + L);
    }

    @Override
    public void multiplyNarrowPacked(int kc, float[] a, int ao, float[] b, int bo,
                                     float[] c, int co, int ldc, int rows, int cols, float alpha, float beta, float[] tile) {
        FloatVector c0 = FloatVector.zero(SPECIES);
        FloatVector c1 = c0;
        FloatVector c2 = c0;
        FloatVector c3 = c0;
        FloatVector c4 = c0;
        FloatVector c5 = c0;
        FloatVector c6 = c0;
        FloatVector c7 = c0;
        for (int p = 0; p < kc; p++) {
            int ai = ao + p * MR;
            FloatVector b0 = FloatVector.fromArray(SPECIES, b, bo + p * L);
            c0 = FloatVector.broadcast(SPECIES, a[ai]).fma(b0, c0);
            c1 = FloatVector.broadcast(SPECIES, a[ai + 1]).fma(b0, c1);
            c2 = FloatVector.broadcast(SPECIES, a[ai + 2]).fma(b0, c2);
            c3 = FloatVector.broadcast(SPECIES, a[ai + 3]).fma(b0, c3);
            c4 = FloatVector.broadcast(SPECIES, a[ai + 4]).fma(b0, c4);
            c5 = FloatVector.broadcast(SPECIES, a[ai + 5]).fma(b0, c5);
            c6 = FloatVector.broadcast(SPECIES, a[ai + 6]).fma(b0, c6);
            c7 = FloatVector.broadcast(SPECIES, a[ai + 7]).fma(b0, c7);
        }
        c0.intoArray(tile, 0);
        c1.intoArray(tile, NR);
        c2.intoArray(tile, 2 * NR);
        c3.intoArray(tile, 3 * NR);
        c4.intoArray(tile, 4 * NR);
        c5.intoArray(tile, 5 * NR);
        c6.intoArray(tile, 6 * NR);
        c7.intoArray(tile, 7 * NR);
        finish(tile, c, co, ldc, rows, cols, alpha, beta);
    }

    @Override
    public void packPanel(float[] src, int from, int stride, int rows, float[] out, int to) {
        for (int q = 0; q < rows; q++) {
            int s = from + q * stride;
            int o = to + q * NR;
            FloatVector.fromArray(SPECIES, src, s).intoArray(out, o);
            FloatVector.fromArray(SPECIES, src, s + L).intoArray(out, o + L);
        }
    }

    /**
     * {@code C = alpha tile + beta C} for the valid corner of a tile. The accumulators reach this method
     * through {@code tile}, stored unconditionally: handing them over as arguments, or storing some only at
     * edges, makes C2 box them on every step of the k loop. {@code beta = 0} must not read C (it may hold NaN).
     */
    private static void finish(float[] tile, float[] c, int co, int ldc, int rows, int cols, float alpha, float beta) {
        if (rows == MR && cols == NR) {
            FloatVector av = FloatVector.broadcast(SPECIES, alpha);
            FloatVector bv = FloatVector.broadcast(SPECIES, beta);
            for (int r = 0, at = co; r < MR; r++, at += ldc) {
                FloatVector lo = FloatVector.fromArray(SPECIES, tile, r * NR);
                FloatVector hi = FloatVector.fromArray(SPECIES, tile, r * NR + L);
                if (beta == 0f) {
                    lo.mul(av).intoArray(c, at);
                    hi.mul(av).intoArray(c, at + L);
                } else {
                    lo.fma(av, FloatVector.fromArray(SPECIES, c, at).mul(bv)).intoArray(c, at);
                    hi.fma(av, FloatVector.fromArray(SPECIES, c, at + L).mul(bv)).intoArray(c, at + L);
                }
            }
            return;
        }
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                int at = co + r * ldc + j;
                c[at] = MicroKernels.scaled(tile[r * NR + j], alpha, beta, c[at]);
            }
        }
    }
}
