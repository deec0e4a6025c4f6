package dev.fastnn.network.train;

import dev.fastnn.kernels.Activation;
import dev.fastnn.kernels.Backend;
import dev.fastnn.kernels.Backends;
import dev.fastnn.network.model.Initializer;
import dev.fastnn.network.model.LayerSpec;
import dev.fastnn.network.model.Loss;
import dev.fastnn.network.model.Network;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * Trains multilayer perceptrons with mini-batch gradient descent; built with {@link #builder()} and meant
 * to be embedded: no global state, nothing printed (progress goes to a {@link TrainingListener}), no
 * {@code System.exit}.
 *
 * <p>Reproducibility: each {@link #fit} splits its own random source from the trainer's
 * ({@link SplittableRandom#split()}), and from that one for the initial weights and one for shuffling. So
 * the n-th fit of trainers built with the same settings gives a bit-identical model on the same backend
 * with the same thread count, and several fits may run at once, on one trainer or many, sharing a backend.
 */
public final class Trainer {
    /** Layer sizes, inputs first: {@code [784, 256, 10]} is one hidden layer of 256. */
    private final int[] layers;
    /** Activation of every layer but the last. */
    private final Activation hiddenActivation;
    /** Activation of the last layer; softmax for cross-entropy. */
    private final Activation outputActivation;
    /** Whether layers have biases (the article's network has none). */
    private final boolean biases;
    /** What training minimizes. */
    private final Loss loss;
    /** How the weights start. */
    private final Initializer initializer;
    /** How parameters move: plain steps, momentum or Adam, each with its learning rate. */
    private final Optimizer optimizer;
    /** Samples per step; the last batch of an epoch holds the remainder. */
    private final int batchSize;
    /** Passes over the training data. */
    private final int epochs;
    /** Whether each epoch visits the samples in a new random order. */
    private final boolean shuffle;
    /** Seed of the trainer's random source. */
    private final long seed;
    /** Where the computation runs; shared safely with other trainers. */
    private final Backend backend;

    private final SplittableRandom random;

    private Trainer(Builder b) {
        this.layers = b.layers.clone();
        this.loss = b.loss;
        this.hiddenActivation = b.hiddenActivation;
        this.outputActivation = b.outputActivation != null ? b.outputActivation
                : loss == Loss.SOFTMAX_CROSS_ENTROPY ? Activation.SOFTMAX : Activation.SIGMOID;
        this.biases = b.biases;
        this.initializer = b.initializer;
        this.optimizer = b.optimizer;
        this.batchSize = b.batchSize;
        this.epochs = b.epochs;
        this.shuffle = b.shuffle;
        this.seed = b.seed;
        this.backend = b.backend != null ? b.backend : Backends.fromSystemProperty();
        loss.checkOutputActivation(outputActivation);
        this.random = new SplittableRandom(seed);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Backend backend() {
        return backend;
    }

    public int epochs() {
        return epochs;
    }

    /** The layers this trainer builds. */
    public List<LayerSpec> architecture() {
        return LayerSpec.stack(layers, hiddenActivation, outputActivation, biases);
    }

    /** {@link #fit(Samples, Samples, TrainingListener)} without test data or listener. */
    public Model fit(Samples train) {
        return fit(train, null, TrainingListener.NONE);
    }

    /**
     * Trains a new network on {@code train} for {@link Builder#epochs} epochs, evaluating test accuracy on
     * {@code test} (may be {@code null}) after each epoch, and reports to {@code listener}.
     */
    public Model fit(Samples train, Samples test, TrainingListener listener) {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(listener, "listener");
        if (train.features() != layers[0] || train.outputs() != layers[layers.length - 1]) {
            throw new IllegalArgumentException("training data has " + train.features() + " features and "
                    + train.outputs() + " outputs but the layers are " + layersText());
        }
        SplittableRandom run;
        synchronized (random) {
            run = random.split();
        }
        SplittableRandom initRandom = run.split();
        SplittableRandom shuffleRandom = run.split();
        Network network = Network.initialize(backend, architecture(), loss, initializer, initRandom);
        try {
            List<EpochMetrics> history = train(network, train, test, listener, shuffleRandom);
            Map<String, String> metadata = new HashMap<>();
            metadata.put("trainer", toString());
            metadata.put("backend", backend.description());
            return new Model(network, history, metadata);
        } catch (RuntimeException | Error e) {
            network.close();
            throw e;
        }
    }

    private List<EpochMetrics> train(Network network, Samples train, Samples test, TrainingListener listener,
                                     SplittableRandom shuffleRandom) {
        int n = train.rows();
        int fullRows = Math.min(batchSize, n);
        int tailRows = n % fullRows;
        int batches = n / fullRows + (tailRows == 0 ? 0 : 1);
        int[] order = new int[n];
        Arrays.setAll(order, i -> i);
        float[] hostX = new float[fullRows * train.features()];
        float[] hostY = new float[fullRows * train.outputs()];
        List<EpochMetrics> history = new ArrayList<>();
        Optimizer.LayerUpdater[] updaters = new Optimizer.LayerUpdater[network.layers().size()];
        TrainingStep full = null;
        TrainingStep tail = null;
        Evaluator evaluator = null;
        try {
            for (int l = 0; l < updaters.length; l++) {
                updaters[l] = optimizer.updater(backend, network.layers().get(l));
            }
            full = new TrainingStep(network, fullRows);
            tail = tailRows == 0 ? null : new TrainingStep(network, tailRows);
            evaluator = test != null && test.isClassification() ? new Evaluator(network, test.rows()) : null;
            if (test != null) {
                Evaluator.checkShape(network, test);
            }
            for (int epoch = 1; epoch <= epochs; epoch++) {
                if (shuffle) {
                    shuffle(order, shuffleRandom);
                }
                listener.epochStarted(epoch, batches);
                long started = System.nanoTime();
                double lossSum = 0;
                long samples = 0;
                for (int batch = 0; batch < batches; batch++) {
                    int from = batch * fullRows;
                    TrainingStep step = batch == batches - 1 && tail != null ? tail : full;
                    int rows = step.rows();
                    loadBatch(step, train, order, from, rows, hostX, hostY);
                    double batchLoss = step.run(updaters);
                    lossSum += loss.isMean() ? batchLoss * rows : batchLoss;
                    samples += rows;
                    listener.batchFinished(epoch, batch + 1, batches, samples, batchLoss);
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                double accuracy = evaluator == null ? Double.NaN : evaluator.evaluate(test).accuracy();
                EpochMetrics metrics = new EpochMetrics(epoch, seconds, loss.isMean() ? lossSum / n : lossSum, accuracy);
                history.add(metrics);
                listener.epochFinished(metrics);
            }
            return history;
        } finally {
            for (Optimizer.LayerUpdater u : updaters) {
                if (u != null) {
                    u.close();
                }
            }
            if (full != null) {
                full.close();
            }
            if (tail != null) {
                tail.close();
            }
            if (evaluator != null) {
                evaluator.close();
            }
        }
    }

    /** Moves one batch into the step's input and target buffers; in order, straight from the data arrays. */
    private void loadBatch(TrainingStep step, Samples train, int[] order, int from, int rows, float[] hostX, float[] hostY) {
        if (shuffle) {
            train.gatherInputs(order, from, rows, hostX);
            backend.write(step.x(), hostX, 0);
        } else {
            backend.write(step.x(), train.inputs(), from * train.features());
        }
        if (train.isClassification() || shuffle) {
            train.gatherTargets(order, from, rows, hostY);
            backend.write(step.y(), hostY, 0);
        } else {
            backend.write(step.y(), train.targets(), from * train.outputs());
        }
    }

    /** Fisher-Yates, in place. */
    private static void shuffle(int[] order, SplittableRandom random) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    private String layersText() {
        return Arrays.stream(layers).mapToObj(Integer::toString).collect(Collectors.joining(","));
    }

    /** Every setting, e.g. for a log line or a model file's metadata. */
    @Override
    public String toString() {
        return "Trainer[layers=" + layersText()
                + ", hiddenActivation=" + hiddenActivation.name().toLowerCase(Locale.ROOT)
                + ", outputActivation=" + outputActivation.name().toLowerCase(Locale.ROOT)
                + ", biases=" + biases
                + ", loss=" + loss.id()
                + ", initializer=" + initializer.id()
                + ", optimizer=" + optimizer
                + ", batchSize=" + batchSize
                + ", epochs=" + epochs
                + ", shuffle=" + shuffle
                + ", seed=" + seed
                + ", backend=" + backend.description() + "]";
    }

    /** Settings for a {@link Trainer}; every one has a default, except {@link #layers}. */
    public static final class Builder {
        private int[] layers;
        private Activation hiddenActivation = Activation.SIGMOID;
        private Activation outputActivation;
        private boolean biases = true;
        private Loss loss = Loss.SOFTMAX_CROSS_ENTROPY;
        private Initializer initializer = Initializer.XAVIER;
        private Optimizer optimizer = new Optimizer.Sgd(0.5f);
        private int batchSize = 128;
        private int epochs = 10;
        private boolean shuffle = true;
        private long seed = 1;
        private Backend backend;

        private Builder() {
        }

        /** Layer sizes, inputs first, outputs last; at least two numbers, all positive. Required. */
        public Builder layers(int... sizes) {
            if (sizes.length < 2) {
                throw new IllegalArgumentException("layers need at least inputs and outputs, got " + Arrays.toString(sizes));
            }
            for (int s : sizes) {
                if (s <= 0) {
                    throw new IllegalArgumentException("layer sizes must be positive, got " + Arrays.toString(sizes));
                }
            }
            this.layers = sizes.clone();
            return this;
        }

        /** Activation of the hidden layers; default sigmoid. */
        public Builder hiddenActivation(Activation activation) {
            this.hiddenActivation = Objects.requireNonNull(activation);
            return this;
        }

        /** Activation of the output layer; default softmax for cross-entropy, else sigmoid. */
        public Builder outputActivation(Activation activation) {
            this.outputActivation = Objects.requireNonNull(activation);
            return this;
        }

        /** Whether layers have biases; default true. */
        public Builder biases(boolean biases) {
            this.biases = biases;
            return this;
        }

        /** Default softmax cross-entropy. */
        public Builder loss(Loss loss) {
            this.loss = Objects.requireNonNull(loss);
            return this;
        }

        /** Default Xavier/Glorot. */
        public Builder initializer(Initializer initializer) {
            this.initializer = Objects.requireNonNull(initializer);
            return this;
        }

        /** Default plain steps with learning rate 0.5. */
        public Builder optimizer(Optimizer optimizer) {
            this.optimizer = Objects.requireNonNull(optimizer);
            return this;
        }

        /** Samples per step; default 128. */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /** Default 10. */
        public Builder epochs(int epochs) {
            if (epochs < 1) {
                throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
            }
            this.epochs = epochs;
            return this;
        }

        /** Default true; false visits samples in their order (full-batch training, the article). */
        public Builder shuffle(boolean shuffle) {
            this.shuffle = shuffle;
            return this;
        }

        /** Default 1. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Default: the backend named by the system property {@code fastnn.backend} ({@code auto} if unset). */
        public Builder backend(Backend backend) {
            this.backend = Objects.requireNonNull(backend);
            return this;
        }

        public Trainer build() {
            if (layers == null) {
                throw new IllegalStateException("layers(...) is required");
            }
            return new Trainer(this);
        }
    }
}
