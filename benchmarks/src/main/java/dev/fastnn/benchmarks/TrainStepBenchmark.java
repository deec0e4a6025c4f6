package dev.fastnn.benchmarks;

import dev.fastnn.kernels.Activation;
import dev.fastnn.kernels.Backend;
import dev.fastnn.kernels.Matrix;
import java.util.SplittableRandom;
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
 * How long does one whole training step (batch in, forward, backward, weight update, loss out) take on
 * each backend, for the article's 3-4-1 network on its 4-row table and for a 784-256-10 MLP (sigmoid
 * hidden layer, softmax with cross-entropy, plain SGD) on a batch of 128?
 *
 * <p>The steps are written with {@link Backend} calls, the same sequence of operations a trainer runs,
 * so the time is the kernels' and the calls' and nothing else. The MLP's batches are synthetic
 * (uniform pixels, random one-hot labels), eight of them in turn, so the step needs no data set and
 * does the arithmetic of {@code benchmarks/numpy_epoch.py}'s steps; 60000 / 128 steps make a
 * Fashion-MNIST epoch. {@code threads=2} is meaningful for vector only, as in {@link GemmBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Dcom.aparapi.logLevel=SEVERE"})
public class TrainStepBenchmark {

    @Param({"naive", "vector"})
    public String backend;

    @Param({"article", "mlp"})
    public String network;

    @Param({"1"})
    public int threads;

    private TrainingStep step;

    @Setup
    public void setUp() {
        Backend fastnn = BenchmarkBackends.create(backend, threads);
        switch (network) {
            case "article" -> step = new ArticleStep(fastnn);
            case "mlp" -> step = new MlpStep(fastnn, 42);
            default -> throw new IllegalArgumentException("unknown network '" + network + "'; valid: article, mlp");
        }
    }

    @TearDown
    public void tearDown() {
        step.close();
    }

    /** Returns the step's loss, which every step brings back from the backend as a trainer would. */
    @Benchmark
    public double step() {
        return step.run();
    }

    /** One training step on backend-owned matrices that live as long as the benchmark. */
    interface TrainingStep extends AutoCloseable {
        double run();

        @Override
        void close();
    }

    /**
     * The article's network exactly (DESIGN.md): X 4x3, y 4x1, W1 3x4, W2 4x1 uniform in [0, 1), no biases,
     * sum-of-squares loss, learning rate 1, the article's sign (it adds the gradient of -loss).
     */
    static final class ArticleStep implements TrainingStep {
        private final Backend b;
        private final Matrix x;
        private final Matrix y;
        private final Matrix w1;
        private final Matrix w2;
        private final Matrix layer1;
        private final Matrix out;
        private final Matrix delta2;
        private final Matrix slope2;
        private final Matrix delta1;
        private final Matrix slope1;
        private final Matrix d1;
        private final Matrix d2;

        ArticleStep(Backend backend) {
            b = backend;
            x = b.upload(new float[] {0, 0, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1}, 4, 3);
            y = b.upload(new float[] {0, 1, 1, 0}, 4, 1);
            SplittableRandom random = new SplittableRandom(0);
            w1 = b.upload(uniform(random, 12, 1), 3, 4);
            w2 = b.upload(uniform(random, 4, 1), 4, 1);
            layer1 = b.allocate(4, 4);
            out = b.allocate(4, 1);
            delta2 = b.allocate(4, 1);
            slope2 = b.allocate(4, 1);
            delta1 = b.allocate(4, 4);
            slope1 = b.allocate(4, 4);
            d1 = b.allocate(3, 4);
            d2 = b.allocate(4, 1);
        }

        @Override
        public double run() {
            b.gemm(false, false, 1f, x, w1, 0f, layer1);
            b.sigmoid(layer1, layer1);
            b.gemm(false, false, 1f, layer1, w2, 0f, out);
            b.sigmoid(out, out);
            double loss = b.sumSquaredError(out, y);
            // delta2 = 2 (y - out) * out (1 - out)
            b.subtract(y, out, delta2);
            b.sigmoidDerivative(out, slope2);
            b.hadamard(delta2, slope2, delta2);
            b.scale(2f, delta2);
            b.gemm(true, false, 1f, layer1, delta2, 0f, d2);
            // delta1 = (delta2 . W2^T) * layer1 (1 - layer1), with W2 before its update
            b.gemm(false, true, 1f, delta2, w2, 0f, delta1);
            b.sigmoidDerivative(layer1, slope1);
            b.hadamard(delta1, slope1, delta1);
            b.gemm(true, false, 1f, x, delta1, 0f, d1);
            b.axpy(1f, d1, w1);
            b.axpy(1f, d2, w2);
            return loss;
        }

        @Override
        public void close() {
            for (Matrix m : new Matrix[] {x, y, w1, w2, layer1, out, delta2, slope2, delta1, slope1, d1, d2}) {
                m.close();
            }
        }
    }

    /**
     * A 784-256-10 MLP step at batch 128: sigmoid hidden layer, softmax output, mean cross-entropy, SGD with
     * learning rate 0.1; weights uniform in +-1/sqrt(fan-in). The batch is written into the backend each step.
     */
    static final class MlpStep implements TrainingStep {
        static final int BATCH = 128;
        static final int INPUTS = 784;
        static final int HIDDEN = 256;
        static final int OUTPUTS = 10;
        private static final int BATCHES = 8;
        private static final float LEARNING_RATE = 0.1f;

        private final Backend b;
        private final float[][] images = new float[BATCHES][];
        private final float[][] labels = new float[BATCHES][];
        private final Matrix x;
        private final Matrix y;
        private final Matrix w1;
        private final Matrix b1;
        private final Matrix w2;
        private final Matrix b2;
        private final Matrix h;
        private final Matrix p;
        private final Matrix dz2;
        private final Matrix dh;
        private final Matrix dz1;
        private final Matrix dw1;
        private final Matrix db1;
        private final Matrix dw2;
        private final Matrix db2;
        private int next;

        MlpStep(Backend backend, long seed) {
            b = backend;
            SplittableRandom random = new SplittableRandom(seed);
            for (int i = 0; i < BATCHES; i++) {
                images[i] = uniform(random, BATCH * INPUTS, 1);
                labels[i] = new float[BATCH * OUTPUTS];
                for (int r = 0; r < BATCH; r++) {
                    labels[i][r * OUTPUTS + random.nextInt(OUTPUTS)] = 1f;
                }
            }
            x = b.allocate(BATCH, INPUTS);
            y = b.allocate(BATCH, OUTPUTS);
            w1 = b.upload(centered(random, INPUTS * HIDDEN, INPUTS), INPUTS, HIDDEN);
            b1 = b.allocate(1, HIDDEN);
            w2 = b.upload(centered(random, HIDDEN * OUTPUTS, HIDDEN), HIDDEN, OUTPUTS);
            b2 = b.allocate(1, OUTPUTS);
            h = b.allocate(BATCH, HIDDEN);
            p = b.allocate(BATCH, OUTPUTS);
            dz2 = b.allocate(BATCH, OUTPUTS);
            dh = b.allocate(BATCH, HIDDEN);
            dz1 = b.allocate(BATCH, HIDDEN);
            dw1 = b.allocate(INPUTS, HIDDEN);
            db1 = b.allocate(1, HIDDEN);
            dw2 = b.allocate(HIDDEN, OUTPUTS);
            db2 = b.allocate(1, OUTPUTS);
        }

        @Override
        public double run() {
            b.write(x, images[next], 0);
            b.write(y, labels[next], 0);
            next = (next + 1) % BATCHES;
            // forward
            b.gemm(false, false, 1f, x, w1, 0f, h);
            b.addRowVector(h, b1);
            b.activation(Activation.SIGMOID, h, h);
            b.gemm(false, false, 1f, h, w2, 0f, p);
            b.addRowVector(p, b2);
            b.activation(Activation.SOFTMAX, p, p);
            double loss = b.crossEntropy(p, y) / BATCH;
            // backward: softmax with cross-entropy gives dL/dz2 = (p - y) / batch
            b.subtract(p, y, dz2);
            b.scale(1f / BATCH, dz2);
            b.gemm(true, false, 1f, h, dz2, 0f, dw2);
            b.columnSums(dz2, db2);
            b.gemm(false, true, 1f, dz2, w2, 0f, dh);
            b.activationGradient(Activation.SIGMOID, h, dh, dz1);
            b.gemm(true, false, 1f, x, dz1, 0f, dw1);
            b.columnSums(dz1, db1);
            // SGD
            b.axpy(-LEARNING_RATE, dw1, w1);
            b.axpy(-LEARNING_RATE, db1, b1);
            b.axpy(-LEARNING_RATE, dw2, w2);
            b.axpy(-LEARNING_RATE, db2, b2);
            return loss;
        }

        @Override
        public void close() {
            for (Matrix m : new Matrix[] {x, y, w1, b1, w2, b2, h, p, dz2, dh, dz1, dw1, db1, dw2, db2}) {
                m.close();
            }
        }

        private static float[] centered(SplittableRandom random, int size, int fanIn) {
            float limit = (float) (1 / Math.sqrt(fanIn));
            float[] values = uniform(random, size, 2 * limit);
            for (int i = 0; i < size; i++) {
                values[i] -= limit;
            }
            return values;
        }
    }

    private static float[] uniform(SplittableRandom random, int size, float scale) {
        float[] values = new float[size];
        for (int i = 0; i < size; i++) {
            values[i] = (float) random.nextDouble() * scale;
        }
        return values;
    }
}
