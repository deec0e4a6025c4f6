package dev.fastnn.benchmarks;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What is this machine's float32 multiply-add peak, in GFLOP/s, on 1 and 2 threads: the ceiling every gemm
 * number is a fraction of. Each thread runs {@value #STEPS} steps of {@value #CHAINS} independent fused
 * multiply-add chains on the preferred (widest) vectors, in registers, touching no memory: enough chains to
 * cover the FMA latency on every pipe (4 cycles x 2 pipes needs 8), few enough that they and the two operands
 * stay in AVX2's 16 registers. Each chain accumulates as the gemm kernels do, {@code acc = x y + acc}, which is
 * one {@code vfmadd231ps} in place; the former {@code acc = acc x + y} made C2 copy {@code y} into a fresh
 * register for every step, and 16 such chains spilled: on AMD EPYC Zen 3 (AVX2) it reported 54 GFLOP/s on one
 * thread where this form reaches 99 and a C loop of 12 chains of {@code _mm256_fmadd_ps} 91-97.
 *
 * <p>One operation is {@code threads x STEPS x CHAINS} vector FMAs, {@link #flops} in all; the report divides that by
 * the time. With {@code threads=2} the second thread's chains run on a pool thread started in setup, so an
 * operation (about a millisecond) hardly sees the hand-off. {@code bits} must be the preferred width (the suite
 * passes it): it is recorded with the result so that the report can count the lanes.
 */
public class FmaPeakBenchmark extends FastnnBenchmark {
    static final int CHAINS = 12;
    static final int STEPS = 100_000;

    @Param({"1", "2"})
    public int threads;

    @Param({"512"})
    public int bits;

    private ExecutorService pool;

    /** Floating-point operations of one benchmark operation: two per lane of every multiply-add. */
    static double flops(int threads, int bits) {
        return 2.0 * threads * STEPS * CHAINS * (bits / Float.SIZE);
    }

    @Setup
    public void setUp() {
        if (threads < 1 || threads > 2) {
            throw new IllegalArgumentException("threads must be 1 or 2, got " + threads);
        }
        if (bits != Lanes.SPECIES.vectorBitSize()) {
            throw new IllegalArgumentException("bits must be this CPU's preferred width, "
                    + Lanes.SPECIES.vectorBitSize() + ", got " + bits);
        }
        pool = threads == 2 ? Executors.newSingleThreadExecutor() : null;
    }

    @TearDown
    public void tearDown() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    @Benchmark
    public float fma() throws ExecutionException, InterruptedException {
        if (pool == null) {
            return chains(1.0000001f);
        }
        Future<Float> other = pool.submit(() -> chains(0.9999999f));
        return chains(1.0000001f) + other.get();
    }

    /**
     * {@value #CHAINS} chains {@code acc = m 1e-7 + acc}; with m close to 1 the values stay finite and
     * normal (no subnormal slows a step down). Returns a sum of them, so that the JIT cannot drop the work.
     */
    private static float chains(float m) {
        VectorSpecies<Float> species = Lanes.SPECIES;
        FloatVector x = FloatVector.broadcast(species, m);
        FloatVector y = FloatVector.broadcast(species, 1e-7f);
        FloatVector c0 = FloatVector.broadcast(species, 0.1f);
        FloatVector c1 = FloatVector.broadcast(species, 0.2f);
        FloatVector c2 = FloatVector.broadcast(species, 0.3f);
        FloatVector c3 = FloatVector.broadcast(species, 0.4f);
        FloatVector c4 = FloatVector.broadcast(species, 0.5f);
        FloatVector c5 = FloatVector.broadcast(species, 0.6f);
        FloatVector c6 = FloatVector.broadcast(species, 0.7f);
        FloatVector c7 = FloatVector.broadcast(species, 0.8f);
        FloatVector c8 = FloatVector.broadcast(species, 0.9f);
        FloatVector c9 = FloatVector.broadcast(species, 1.0f);
        FloatVector c10 = FloatVector.broadcast(species, 1.1f);
        FloatVector c11 = FloatVector.broadcast(species, 1.2f);
        for (int s = 0; s < STEPS; s++) {
            c0 = x.fma(y, c0);
            c1 = x.fma(y, c1);
            c2 = x.fma(y, c2);
            c3 = x.fma(y, c3);
            c4 = x.fma(y, c4);
            c5 = x.fma(y, c5);
            c6 = x.fma(y, c6);
            c7 = x.fma(y, c7);
            c8 = x.fma(y, c8);
            c9 = x.fma(y, c9);
            c10 = x.fma(y, c10);
            c11 = x.fma(y, c11);
        }
        FloatVector sum = c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7)
                .add(c8).add(c9).add(c10).add(c11);
        return sum.lane(0);
    }

    /**
     * The species in a class of its own, so that {@link #flops} (which the report calls, in a JVM that may not
     * have the vector module) does not load the Vector API; as a {@code static final} it is a constant to C2.
     */
    private static final class Lanes {
        static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    }
}
