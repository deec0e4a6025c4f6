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
 * How fast is each backend, next to OpenBLAS and netlib, on the products a real training step runs:
 * the five gemm shapes of a 784-256-10 MLP step at batch 128 ({@link GemmShape#MLP_STEP}), which are
 * small, thin (k or n = 10) and transposed, unlike the square sizes of {@link GemmBenchmark}?
 *
 * <p>Parameter rules are those of {@link GemmBenchmark}: threads=2 only for vector and openblas.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Dcom.aparapi.logLevel=SEVERE"})
public class MlpGemmBenchmark {

    @Param({"naive", "vector", "openblas", "netlib"})
    public String backend;

    @Param({"X.W1", "H.W2", "Ht.dY", "dY.W2t", "Xt.dH"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    private GemmContender contender;

    @Setup
    public void setUp() {
        contender = GemmContender.create(backend, threads, GemmShape.mlpStep(shape), 42);
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
