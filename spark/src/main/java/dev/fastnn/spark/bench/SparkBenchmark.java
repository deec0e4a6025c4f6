package dev.fastnn.spark.bench;

import dev.fastnn.kernels.Activation;
import dev.fastnn.kernels.Backends;
import dev.fastnn.network.data.FashionMnist;
import dev.fastnn.network.model.Initializer;
import dev.fastnn.network.train.EpochMetrics;
import dev.fastnn.network.train.Model;
import dev.fastnn.network.train.Optimizer;
import dev.fastnn.network.train.Samples;
import dev.fastnn.network.train.Trainer;
import dev.fastnn.spark.FastnnClassificationModel;
import dev.fastnn.spark.FastnnClassifier;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code ./fastnn bench spark}: Spark MLlib's {@code MultilayerPerceptronClassifier} against fastnn's
 * {@link FastnnClassifier} on the same Fashion-MNIST DataFrame, and fastnn's epoch on Spark against the same
 * epoch on one machine.
 *
 * <p>MLlib trains 784-256-10 with L-BFGS (its only full-batch solver for this network) once per maximum
 * iteration count in {@code --mllib-iterations}; L-BFGS is deterministic from its seed, so the run with
 * {@code maxIter k} is the first k iterations of a longer one, and the best test accuracy within the largest
 * count, with the fit time of the run that reached it, comes out of these runs. fastnn trains the same
 * layers with its recipe. Each fit's wall time is measured around {@code fit} alone, on cached data.
 */
public final class SparkBenchmark {
    /** What one run measured. */
    public record Report(int trainRows, int testRows, List<MllibRun> mllib, double fastnnSeconds,
                         double fastnnAccuracy, List<EpochMetrics> fastnnRounds, List<EpochMetrics> singleMachineEpochs,
                         double singleMachineAccuracy) {

        /** The MLlib run with the best test accuracy (the fewest iterations among equals), or null without MLlib. */
        public MllibRun bestMllib() {
            MllibRun best = null;
            for (MllibRun r : mllib) {
                if (best == null || r.accuracy() > best.accuracy()) {
                    best = r;
                }
            }
            return best;
        }
    }

    /** One MLlib fit: its maximum iteration count, the iterations it ran, its wall time and test accuracy. */
    public record MllibRun(int maxIter, int iterations, double seconds, double accuracy) {
    }

    /** The settings of a run, defaults first; see {@link #usage()}. */
    public static final class Config {
        Path dataDir = FashionMnist.DEFAULT_DIR;
        int trainRows = FashionMnist.TRAIN_SIZE;
        int testRows = FashionMnist.TEST_SIZE;
        String master = "local[2]";
        int partitions = 2;
        int[] mllibIterations = {25, 50, 75, 100};
        int epochs = 5;
        int localEpochs = 1;
        int batchSize = 128;
        double learningRate = 0.002;
        double decay = 0.7;
        String backend = "auto";
        int threads = 2;
    }

    private SparkBenchmark() {
    }

    public static void main(String[] args) {
        Config config;
        try {
            config = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("fastnn bench spark: " + e.getMessage());
            System.err.println(usage());
            System.exit(2);
            return;
        }
        try {
            print(config, run(config, System.out), System.out);
        } catch (IOException | RuntimeException e) {
            System.err.println("fastnn bench spark: " + e.getMessage());
            System.exit(1);
        }
    }

    static String usage() {
        return """
                usage: ./fastnn bench spark [--data-dir DIR] [--train N] [--test N] [--master URL] [--partitions N]
                                            [--mllib-iterations K,K,...] [--epochs E] [--local-epochs L] [--batch B]
                                            [--lr R] [--decay D] [--backend NAME] [--threads T]
                  --mllib-iterations none skips MLlib. Defaults: all of Fashion-MNIST, local[2], 2 partitions,
                  MLlib at 25,50,75,100 iterations; fastnn 784-256-10 relu, Adam, lr 0.002 decaying by 0.7 per epoch,
                  batch 128, 5 epochs, one epoch per averaging round; 2 threads for the single-machine epoch.""";
    }

    static Config parse(String[] args) {
        Config c = new Config();
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            String v = args[++i];
            switch (option) {
                case "--data-dir" -> c.dataDir = Path.of(v);
                case "--train" -> c.trainRows = positive(option, v);
                case "--test" -> c.testRows = positive(option, v);
                case "--master" -> c.master = v;
                case "--partitions" -> c.partitions = positive(option, v);
                case "--mllib-iterations" -> c.mllibIterations = v.equals("none") ? new int[0]
                        : Arrays.stream(v.split(",")).mapToInt(k -> positive(option, k)).sorted().toArray();
                case "--epochs" -> c.epochs = positive(option, v);
                case "--local-epochs" -> c.localEpochs = positive(option, v);
                case "--batch" -> c.batchSize = positive(option, v);
                case "--lr" -> c.learningRate = number(option, v);
                case "--decay" -> c.decay = number(option, v);
                case "--backend" -> c.backend = v;
                case "--threads" -> c.threads = positive(option, v);
                default -> throw new IllegalArgumentException("unknown option " + option);
            }
        }
        return c;
    }

    private static double number(String option, String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a number, got '" + value + "'");
        }
    }

    private static int positive(String option, String value) {
        int n;
        try {
            n = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a whole number, got '" + value + "'");
        }
        if (n < 1) {
            throw new IllegalArgumentException(option + " must be at least 1, got " + n);
        }
        return n;
    }

    /** Runs every fit of {@code config} in a new SparkSession, saying on {@code progress} what it is doing. */
    public static Report run(Config config, PrintStream progress) throws IOException {
        FashionMnist data = FashionMnist.load(config.dataDir);
        FashionMnist used = new FashionMnist(data.train().first(config.trainRows), data.test().first(config.testRows));
        SparkSession spark = SparkSession.builder().master(config.master).appName("fastnn bench spark")
                .config("spark.ui.enabled", false).config("spark.ui.showConsoleProgress", false)
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                .getOrCreate();
        try {
            Dataset<Row> train = frame(spark, used.train(), config.partitions).cache();
            Dataset<Row> test = frame(spark, used.test(), config.partitions).cache();
            progress.printf(Locale.ROOT, "data: %d training and %d test rows cached in %d partitions on %s%n",
                    train.count(), test.count(), config.partitions, config.master);

            List<MllibRun> mllib = new ArrayList<>();
            for (int maxIter : config.mllibIterations) {
                MultilayerPerceptronClassifier mlp = new MultilayerPerceptronClassifier()
                        .setLayers(new int[] {784, 256, 10}).setSolver("l-bfgs").setMaxIter(maxIter).setSeed(1L);
                long started = System.nanoTime();
                MultilayerPerceptronClassificationModel model = mlp.fit(train);
                double seconds = (System.nanoTime() - started) / 1e9;
                int iterations = model.summary().totalIterations();
                MllibRun r = new MllibRun(maxIter, iterations, seconds, accuracy(model.transform(test)));
                mllib.add(r);
                progress.printf(Locale.ROOT, "MLlib maxIter %d: %d iterations, fit %.1f s, test accuracy %.2f %%%n",
                        maxIter, iterations, seconds, 100 * r.accuracy());
            }

            FastnnClassifier fastnn = new FastnnClassifier().setLayers(784, 256, 10).setHiddenActivation("relu")
                    .setInitializer("he").setOptimizer("adam").setLearningRate(config.learningRate)
                    .setSchedule(config.decay == 1 ? "constant" : "exponential").setScheduleFactor(config.decay)
                    .setBatchSize(config.batchSize).setEpochs(config.epochs).setLocalEpochs(config.localEpochs)
                    .setStandardize(true).setSeed(1).setBackend(config.backend);
            long started = System.nanoTime();
            FastnnClassificationModel model = fastnn.fit(train);
            double fastnnSeconds = (System.nanoTime() - started) / 1e9;
            double fastnnAccuracy = accuracy(model.transform(test));
            progress.printf(Locale.ROOT, "fastnn on Spark: fit %.1f s, test accuracy %.2f %%%n", fastnnSeconds,
                    100 * fastnnAccuracy);

            Trainer single = Trainer.builder().layers(784, 256, 10).hiddenActivation(Activation.RELU)
                    .initializer(Initializer.HE).optimizer(new Optimizer.Adam((float) config.learningRate))
                    .learningRateDecay((float) config.decay).batchSize(config.batchSize).epochs(config.epochs)
                    .standardize(true).seed(1).backend(Backends.create(config.backend, config.threads)).build();
            Samples testSamples = Samples.of(used.test(), FashionMnist.CLASSES);
            try (Model m = single.fit(Samples.of(used.train(), FashionMnist.CLASSES), testSamples)) {
                double singleAccuracy = m.evaluate(testSamples).accuracy();
                progress.printf(Locale.ROOT, "fastnn on one machine (%d threads): test accuracy %.2f %%%n",
                        config.threads, 100 * singleAccuracy);
                return new Report(used.train().rows(), used.test().rows(), mllib, fastnnSeconds, fastnnAccuracy,
                        model.history(), m.history(), singleAccuracy);
            }
        } finally {
            spark.stop();
        }
    }

    /**
     * {@code features} (a dense Vector of the pixels in [0, 1]) and {@code label} (a double), as MLlib takes
     * them, in {@code partitions} partitions of consecutive rows. The rows are made in the tasks from a
     * broadcast of the arrays, so that no task carries its rows with it (as a parallelized collection's do).
     */
    public static Dataset<Row> frame(SparkSession spark, dev.fastnn.network.data.Dataset data, int partitions) {
        StructType schema = new StructType().add("features", SQLDataTypes.VectorType(), false)
                .add("label", DataTypes.DoubleType, false);
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<float[]> features = sc.broadcast(data.features());
        Broadcast<int[]> labels = sc.broadcast(data.labels());
        int cols = data.cols();
        JavaRDD<Row> rows = spark.range(0, data.rows(), 1, partitions).toJavaRDD().map(i -> {
            float[] x = features.value();
            double[] d = new double[cols];
            int from = (int) (long) i * cols;
            for (int k = 0; k < cols; k++) {
                d[k] = x[from + k];
            }
            return RowFactory.create(Vectors.dense(d), (double) labels.value()[(int) (long) i]);
        });
        return spark.createDataFrame(rows, schema);
    }

    private static double accuracy(Dataset<Row> predictions) {
        return new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(predictions);
    }

    /**
     * The median of the entries' seconds per epoch, each entry covering {@code epochsPerEntry} epochs (the
     * last round may cover fewer, which the median shrugs off): the first epoch also warms the JIT up.
     */
    private static double medianEpoch(List<EpochMetrics> entries, int epochsPerEntry) {
        double[] s = entries.stream().mapToDouble(m -> m.seconds() / epochsPerEntry).sorted().toArray();
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    static void print(Config config, Report r, PrintStream out) {
        out.println();
        out.printf(Locale.ROOT, "Fashion-MNIST, %d training / %d test rows, %s, %d partitions%n", r.trainRows(),
                r.testRows(), config.master, config.partitions);
        MllibRun best = r.bestMllib();
        if (best != null) {
            out.printf(Locale.ROOT, "MLlib MultilayerPerceptronClassifier 784-256-10, L-BFGS: best test accuracy"
                    + " %.2f %% at maxIter %d (%d iterations), fit %.1f s%n", 100 * best.accuracy(), best.maxIter(),
                    best.iterations(), best.seconds());
        }
        out.printf(Locale.ROOT, "fastnn FastnnClassifier 784-256-10 relu, Adam %s, batch %d, %d epochs (%d per round):"
                + " test accuracy %.2f %%, fit %.1f s%n", config.learningRate, config.batchSize, config.epochs,
                config.localEpochs, 100 * r.fastnnAccuracy(), r.fastnnSeconds());
        double sparkEpoch = medianEpoch(r.fastnnRounds(), config.localEpochs);
        double singleEpoch = medianEpoch(r.singleMachineEpochs(), 1);
        out.printf(Locale.ROOT, "median epoch: %.2f s on Spark (a round's wall time per epoch), %.2f s on one machine"
                + " with %d threads (%.2f %% test accuracy): Spark costs %.2fx%n", sparkEpoch, singleEpoch, config.threads,
                100 * r.singleMachineAccuracy(), sparkEpoch / singleEpoch);
        if (best != null) {
            out.printf(Locale.ROOT, "speed-up: fastnn's fit took %.1fx less time than MLlib's fit to its best accuracy"
                    + " (goal: >= 30x, with fastnn at >= 88 %%)%n", best.seconds() / r.fastnnSeconds());
        }
    }
}
