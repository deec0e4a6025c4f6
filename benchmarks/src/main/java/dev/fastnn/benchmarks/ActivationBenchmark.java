package dev.fastnn.benchmarks;

import dev.fastnn.kernels.Activation;
import dev.fastnn.kernels.Backend;
import dev.fastnn.kernels.Backends;
import dev.fastnn.kernels.Matrix;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * How many elements per second does each backend's activation ({@code activation}: {@code y = f(x)}) and its
 * gradient from the output ({@code gradient}: {@code out = grad * f'(y)}, the step of backprop; for the
 * sigmoid {@code grad y (1 - y)}, the article's derivative) process on 1K (L1-resident), 64K (L2) and 1M
 * (memory-bound) floats, as rows of 1024? Run with {@code -prof gc}, it also says whether a kernel allocates.
 *
 * <p>Inputs are uniform in [-8, 8), where the sigmoid is neither saturated nor linear; softmax works row by
 * row. The report gives G elements/s ({@code size / time}); {@code threads} matters only for a vector backend
 * whose elementwise kernels use its pool (threads=2 throws for naive and aparapi: {@link BenchmarkBackends}).
 */
public class ActivationBenchmark extends FastnnBenchmark {
    /** Rows of 1024, like a batch of wide activations; the sizes are whole rows. */
    private static final int COLUMNS = 1024;

    @Param({Backends.NAIVE, Backends.VECTOR})
    public String backend;

    @Param({"sigmoid", "tanh", "relu", "softmax"})
    public String function;

    @Param({"1024", "65536", "1048576"})
    public int size;

    @Param({"1"})
    public int threads;

    private Backend fastnn;
    private Activation f;
    private Matrix x;
    private Matrix y;
    private Matrix grad;
    private Matrix out;

    @Setup
    public void setUp() {
        if (size % COLUMNS != 0) {
            throw new IllegalArgumentException("size must be a multiple of " + COLUMNS + ", got " + size);
        }
        fastnn = BenchmarkBackends.create(backend, threads);
        f = Activation.parse(function);
        int rows = size / COLUMNS;
        x = fastnn.upload(uniform(size, 42, 16), rows, COLUMNS);
        grad = fastnn.upload(uniform(size, 43, 2), rows, COLUMNS);
        y = fastnn.allocate(rows, COLUMNS);
        out = fastnn.allocate(rows, COLUMNS);
        fastnn.activation(f, x, y);
    }

    /** {@code size} values uniform in {@code [-width / 2, width / 2)}. */
    private static float[] uniform(int size, long seed, double width) {
        float[] values = new float[size];
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < size; i++) {
            values[i] = (float) ((random.nextDouble() - 0.5) * width);
        }
        return values;
    }

    @TearDown
    public void tearDown() {
        x.close();
        y.close();
        grad.close();
        out.close();
        fastnn.close();
    }

    @Benchmark
    public Matrix activation() {
        fastnn.activation(f, x, out);
        return out;
    }

    @Benchmark
    public Matrix gradient() {
        fastnn.activationGradient(f, y, grad, out);
        return out;
    }
}
