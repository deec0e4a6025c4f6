package dev.fastnn.benchmarks;

import dev.fastnn.kernels.Activation;
import dev.fastnn.kernels.Backend;
import dev.fastnn.kernels.Backends;
import dev.fastnn.network.data.Dataset;
import dev.fastnn.network.data.FashionMnist;
import dev.fastnn.network.model.Loss;
import dev.fastnn.network.train.Model;
import dev.fastnn.network.train.Optimizer;
import dev.fastnn.network.train.Samples;
import dev.fastnn.network.train.Trainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How long does one Fashion-MNIST epoch take, the one {@code benchmarks/numpy_epoch.py} times (784-256-10,
 * sigmoid hidden layer, softmax with cross-entropy, plain SGD at learning rate 0.1, shuffled batches of 128,
 * pixels divided by 255), and how much longer is the first, while the JIT compiles?
 *
 * <p>Each invocation is one {@code fit} of one epoch on the 60000 training images (its setup, a weight draw
 * and the step buffers, takes milliseconds); single-shot mode times each in turn with no warm-up, so a fork's
 * first iteration is the first epoch a fresh JVM trains and the later ones are steady epochs. The report
 * takes each fork's first iteration and the mean of the others from the JSON's raw data. With
 * {@code warmup=true} setup runs the backend's {@link Backend#warmUp} (what {@code -Dfastnn.warmup=true} does),
 * outside the timed epochs: the first epoch then shows what is left of the JIT's warm-up. It needs Debian's
 * {@value FashionMnist#DEBIAN_PACKAGE} package (or {@code -Dfastnn.bench.fashionMnist=DIR}); without it,
 * setup fails naming the package.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 5)
public class EpochBenchmark extends FastnnBenchmark {
    static final String DATA_PROPERTY = "fastnn.bench.fashionMnist";
    private static final float LEARNING_RATE = 0.1f;
    private static final int BATCH = 128;

    @Param({Backends.VECTOR})
    public String backend;

    @Param({"1", "2"})
    public int threads;

    @Param({"false", "true"})
    public boolean warmup;

    private Backend fastnn;
    private Trainer trainer;
    private Samples train;

    @Setup
    public void setUp() throws IOException {
        String dir = System.getProperty(DATA_PROPERTY);
        Dataset data = FashionMnist.loadTrain(dir == null ? FashionMnist.DEFAULT_DIR : Path.of(dir));
        float[] pixels = data.features().clone();
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] /= 255f;
        }
        train = Samples.of(data.withFeatures(pixels), FashionMnist.CLASSES);
        fastnn = BenchmarkBackends.create(backend, threads);
        if (warmup) {
            fastnn.warmUp();
        }
        trainer = Trainer.builder()
                .layers(data.cols(), 256, FashionMnist.CLASSES)
                .hiddenActivation(Activation.SIGMOID)
                .outputActivation(Activation.SOFTMAX)
                .loss(Loss.SOFTMAX_CROSS_ENTROPY)
                .optimizer(new Optimizer.Sgd(LEARNING_RATE))
                .batchSize(BATCH)
                .epochs(1)
                .seed(42)
                .backend(fastnn)
                .build();
    }

    @TearDown
    public void tearDown() {
        fastnn.close();
    }

    /** One epoch; returns its mean training loss. */
    @Benchmark
    public double epoch() {
        try (Model model = trainer.fit(train)) {
            return model.history().get(0).loss();
        }
    }
}
