package dev.fastnn.benchmarks;

import dev.fastnn.kernels.Backend;
import dev.fastnn.kernels.Backends;
import dev.fastnn.kernels.Matrix;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * How many elements per second does each backend's sigmoid, and its derivative from the sigmoid's
 * output, process on 1K (L1-resident), 64K (L2) and 1M (memory-bound) floats, as rows of 1024?
 *
 * <p>Inputs are uniform in [-8, 8), where the sigmoid is neither saturated nor linear. The report gives
 * G elements/s ({@code size / time}); {@code threads} matters only for a vector backend whose elementwise
 * kernels use its pool (threads=2 throws for naive and aparapi: {@link BenchmarkBackends}).
 */
public class SigmoidBenchmark extends FastnnBenchmark {
    /** Rows of 1024, like a batch of wide activations; the sizes are whole rows. */
    private static final int COLUMNS = 1024;

    @Param({Backends.NAIVE, Backends.VECTOR})
    public String backend;

    @Param({"1024", "65536", "1048576"})
    public int size;

    @Param({"1"})
    public int threads;

    private Backend fastnn;
    private Matrix x;
    private Matrix s;
    private Matrix out;

    @Setup
    public void setUp() {
        if (size % COLUMNS != 0) {
            throw new IllegalArgumentException("size must be a multiple of " + COLUMNS + ", got " + size);
        }
        fastnn = BenchmarkBackends.create(backend, threads);
        float[] values = new float[size];
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < size; i++) {
            values[i] = (float) (random.nextDouble() * 16 - 8);
        }
        x = fastnn.upload(values, size / COLUMNS, COLUMNS);
        s = fastnn.allocate(size / COLUMNS, COLUMNS);
        out = fastnn.allocate(size / COLUMNS, COLUMNS);
        fastnn.sigmoid(x, s);
    }

    @TearDown
    public void tearDown() {
        x.close();
        s.close();
        out.close();
        fastnn.close();
    }

    @Benchmark
    public Matrix sigmoid() {
        fastnn.sigmoid(x, out);
        return out;
    }

    @Benchmark
    public Matrix sigmoidDerivative() {
        fastnn.sigmoidDerivative(s, out);
        return out;
    }
}
