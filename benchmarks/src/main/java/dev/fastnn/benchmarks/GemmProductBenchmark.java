package dev.fastnn.benchmarks;

import dev.fastnn.kernels.Backends;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One gemm product per operation, for every {@link GemmContender}: what {@link GemmBenchmark} (square sizes) and
 * {@link MlpGemmBenchmark} (a training step's shapes) share. JMH names each benchmark after the subclass
 * ({@code GemmBenchmark.gemm}, {@code MlpGemmBenchmark.gemm}), which is what {@link Report} looks results up by.
 *
 * <p>The score is the time of one product; the report turns it into GFLOP/s ({@code 2 m n k} per product).
 * Not every combination of the parameters is meaningful: naive and netlib are single-threaded and aparapi uses
 * its OpenCL device, so {@code threads=2} throws for them ({@link BenchmarkBackends}). {@link Suite} runs only
 * the meaningful combinations; an explicit {@code -p backend=aparapi} without OpenCL fails in setup with the
 * reason, and so does {@code backend=openblas} in an environment that tunes OpenBLAS.
 */
public abstract class GemmProductBenchmark extends FastnnBenchmark {

    @Param({Backends.NAIVE, Backends.VECTOR, BenchmarkBackends.OPENBLAS, BenchmarkBackends.NETLIB})
    public String backend;

    @Param({"1", "2"})
    public int threads;

    private GemmContender contender;

    /** The product this benchmark's other parameters name. */
    abstract GemmShape shape();

    @Setup
    public void setUp() {
        GemmContender.requireMeasurable(backend);
        contender = GemmContender.create(backend, threads, shape(), 42);
        contender.verify();
        System.out.println("# measuring " + contender.description());
    }

    @TearDown
    public void tearDown() {
        contender.close();
    }

    @Benchmark
    public Object gemm() {
        contender.multiply();
        return contender;
    }
}
