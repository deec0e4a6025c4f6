package dev.fastnn.benchmarks;

import dev.fastnn.kernels.Activation;
import dev.fastnn.kernels.Backend;
import dev.fastnn.kernels.Backends;
import dev.fastnn.kernels.Matrix;
import dev.fastnn.kernels.MatrixUse;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Does fusing pay? The hidden layer of a 784-256-10 step at batch 128, as one fused call or as the separate
 * calls it replaces, with the same bits either way: {@code forward} is {@code sigmoid(X W1 + b1)}
 * ({@link Backend#gemmBiasActivation} against gemm, addRowVector and activation), {@code backward} is
 * {@code (dY W2^T) * s'(H)} ({@link Backend#gemmActivationGradient} against gemm and activationGradient),
 * {@code biasStep} is SGD's step of {@code b1} ({@link Backend#addColumnSums} against columnSums and axpy),
 * {@code lossAndDelta} the output layer's softmax cross-entropy and {@code P - Y} ({@link Backend#crossEntropyAndDelta}
 * against crossEntropy and subtract); the last two are one launch instead of two on aparapi and the same calls
 * on the CPU backends.
 * Operands are allocated as the trainer allocates them.
 */
public class FusedLayerBenchmark extends FastnnBenchmark {
    private static final int BATCH = 128;
    private static final int INPUTS = 784;
    private static final int HIDDEN = 256;
    private static final int CLASSES = 10;

    @Param({Backends.VECTOR})
    public String backend;

    @Param({"1", "2"})
    public int threads;

    @Param({"true", "false"})
    public boolean fused;

    private Backend fastnn;
    private Matrix x;
    private Matrix w1;
    private Matrix b1;
    private Matrix h;
    private Matrix w2;
    private Matrix dy;
    private Matrix dh;
    private Matrix gb1;
    private Matrix p;
    private Matrix y;

    @Setup
    public void setUp() {
        fastnn = BenchmarkBackends.create(backend, threads);
        SplittableRandom random = new SplittableRandom(42);
        x = fastnn.upload(values(random, BATCH * INPUTS, 1), BATCH, INPUTS, MatrixUse.GEMM_LEFT);
        w1 = fastnn.upload(values(random, INPUTS * HIDDEN, 0.05), INPUTS, HIDDEN, MatrixUse.GEMM_RIGHT);
        b1 = fastnn.upload(values(random, HIDDEN, 0.1), 1, HIDDEN);
        w2 = fastnn.upload(values(random, HIDDEN * CLASSES, 0.1), HIDDEN, CLASSES, MatrixUse.GEMM_RIGHT);
        dy = fastnn.upload(values(random, BATCH * CLASSES, 0.1), BATCH, CLASSES);
        h = fastnn.allocate(BATCH, HIDDEN);
        dh = fastnn.allocate(BATCH, HIDDEN);
        gb1 = fastnn.allocate(1, HIDDEN);
        float[] targets = new float[BATCH * CLASSES];
        for (int r = 0; r < BATCH; r++) {
            targets[r * CLASSES + r % CLASSES] = 1f;
        }
        y = fastnn.upload(targets, BATCH, CLASSES);
        p = fastnn.allocate(BATCH, CLASSES);
        fastnn.activation(Activation.SOFTMAX, dy, p);
        forward();
        backward();
    }

    private static float[] values(SplittableRandom random, int size, double scale) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = (float) (random.nextDouble() * scale);
        }
        return v;
    }

    @TearDown
    public void tearDown() {
        fastnn.close();
    }

    @Benchmark
    public Matrix forward() {
        if (fused) {
            fastnn.gemmBiasActivation(false, false, x, w1, b1, Activation.SIGMOID, h);
        } else {
            fastnn.gemm(false, false, 1f, x, w1, 0f, h);
            fastnn.addRowVector(h, b1);
            fastnn.activation(Activation.SIGMOID, h, h);
        }
        return h;
    }

    @Benchmark
    public Matrix backward() {
        if (fused) {
            fastnn.gemmActivationGradient(false, true, 1f, dy, w2, Activation.SIGMOID, h, dh);
        } else {
            fastnn.gemm(false, true, 1f, dy, w2, 0f, dh);
            fastnn.activationGradient(Activation.SIGMOID, h, dh, dh);
        }
        return dh;
    }

    @Benchmark
    public double lossAndDelta() {
        if (fused) {
            return fastnn.crossEntropyAndDelta(p, y, dy);
        }
        double loss = fastnn.crossEntropy(p, y);
        fastnn.subtract(p, y, dy);
        return loss;
    }

    /** A tiny step, so that b1 stays near its start over the many calls of a measurement. */
    @Benchmark
    public Matrix biasStep() {
        float step = -1e-7f;
        if (fused) {
            fastnn.addColumnSums(step, dh, gb1, b1);
        } else {
            fastnn.columnSums(dh, gb1);
            fastnn.axpy(step, gb1, b1);
        }
        return b1;
    }
}
