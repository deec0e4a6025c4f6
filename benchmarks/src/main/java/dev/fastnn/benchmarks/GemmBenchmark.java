package dev.fastnn.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How fast is fastnn's square single-precision gemm ({@code n x n} times {@code n x n}) on each backend,
 * next to native OpenBLAS and netlib's Java BLAS on the same machine, with one and with two threads?
 *
 * <p>The score is the time of one product; the report turns it into GFLOP/s ({@code 2 n^3} per product).
 * Not every combination of the parameters is meaningful: naive and netlib are single-threaded and aparapi
 * uses its OpenCL device, so {@code threads=2} throws for them, and naive beyond {@code n=512} takes
 * seconds per product and says nothing new. {@link Suite} runs only the meaningful combinations
 * ({@code ./fastnn bench gemm}); aparapi is included there only when OpenCL is usable, and an explicit
 * {@code -p backend=aparapi} without OpenCL fails in setup with the reason.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Dcom.aparapi.logLevel=SEVERE"})
public class GemmBenchmark {

    @Param({"naive", "vector", "openblas", "netlib"})
    public String backend;

    @Param({"64", "128", "256", "512", "1024", "2048"})
    public int n;

    @Param({"1", "2"})
    public int threads;

    private GemmContender contender;

    @Setup
    public void setUp() {
        contender = GemmContender.create(backend, threads, GemmShape.square(n), 42);
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
