package dev.fastnn.benchmarks;

import dev.fastnn.kernels.Activation;
import dev.fastnn.kernels.Backend;
import dev.fastnn.kernels.Backends;
import dev.fastnn.network.article.XorExample;
import dev.fastnn.network.model.Loss;
import dev.fastnn.network.train.EpochMetrics;
import dev.fastnn.network.train.Model;
import dev.fastnn.network.train.Optimizer;
import dev.fastnn.network.train.Samples;
import dev.fastnn.network.train.Trainer;
import java.util.List;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * How long does one training step of fastnn's {@link Trainer} take on each backend: the article's 3-4-1
 * network on its 4-row table, and a 784-256-10 MLP (sigmoid hidden layer, softmax with cross-entropy,
 * plain SGD) on shuffled batches of 128?
 *
 * <p>Each invocation is a real {@code fit}: the article's whole 1500-iteration run, or {@value #MLP_EPOCHS}
 * epochs of {@value #MLP_BATCHES} MLP batches; JMH divides by the step count, so the score is the time of one
 * step (batch gathered and written in, forward, backward, update, loss out) with the trainer's per-fit setup
 * (initial weights, buffers, about a megabyte) and per-epoch bookkeeping spread over the steps. The MLP data are synthetic (noise and a stripe that
 * encodes the label): the step's arithmetic is that of a Fashion-MNIST step, and {@code 60000 / 128} steps make the
 * epoch that {@code benchmarks/numpy_epoch.py} times. {@code threads=2} is meaningful for vector only
 * ({@link BenchmarkBackends}).
 */
public class TrainStepBenchmark extends FastnnBenchmark {
    static final int MLP_BATCH = 128;
    static final int MLP_BATCHES = 32;
    static final int MLP_EPOCHS = 4;
    static final int MLP_STEPS = MLP_BATCHES * MLP_EPOCHS;

    @Param({Backends.NAIVE, Backends.VECTOR})
    public String backend;

    @Param({"1"})
    public int threads;

    private Backend fastnn;
    private Trainer article;
    private Trainer mlp;
    private Samples mlpData;

    @Setup
    public void setUp() {
        fastnn = BenchmarkBackends.create(backend, threads);
        article = XorExample.trainer(fastnn, XorExample.ITERATIONS, 0);
        mlp = Trainer.builder()
                .layers(784, 256, 10)
                .hiddenActivation(Activation.SIGMOID)
                .outputActivation(Activation.SOFTMAX)
                .loss(Loss.SOFTMAX_CROSS_ENTROPY)
                .optimizer(new Optimizer.Sgd(0.1f))
                .batchSize(MLP_BATCH)
                .epochs(MLP_EPOCHS)
                .seed(42)
                .backend(fastnn)
                .build();
        int rows = MLP_BATCH * MLP_BATCHES;
        SplittableRandom random = new SplittableRandom(42);
        int[] labels = random.ints(rows, 0, 10).toArray();
        float[] pixels = new float[rows * 784];
        for (int i = 0; i < pixels.length; i++) {
            // Noise plus a stripe that says the label, so the loss falls as on real data.
            boolean stripe = i % 784 % 10 == labels[i / 784];
            pixels[i] = (float) random.nextDouble() * 0.5f + (stripe ? 0.5f : 0f);
        }
        mlpData = Samples.classification(pixels, rows, 784, labels, 10);
    }

    @TearDown
    public void tearDown() {
        fastnn.close();
    }

    /** One step of the article's run; returns the final loss. */
    @Benchmark
    @OperationsPerInvocation(XorExample.ITERATIONS)
    public double article() {
        return lastLoss(article, XorExample.data());
    }

    /** One MLP step at batch 128; returns the epoch's mean loss. */
    @Benchmark
    @OperationsPerInvocation(MLP_STEPS)
    public double mlp() {
        return lastLoss(mlp, mlpData);
    }

    private static double lastLoss(Trainer trainer, Samples data) {
        try (Model model = trainer.fit(data)) {
            List<EpochMetrics> history = model.history();
            return history.get(history.size() - 1).loss();
        }
    }
}
