package dev.fastnn.network.train;

import dev.fastnn.kernels.Activation;
import dev.fastnn.kernels.Backend;
import dev.fastnn.kernels.Backends;
import dev.fastnn.network.model.Initializer;
import dev.fastnn.network.model.LayerParameters;
import dev.fastnn.network.model.LayerSpec;
import dev.fastnn.network.model.Loss;
import dev.fastnn.network.model.ModelParameters;
import dev.fastnn.network.model.Network;
import dev.fastnn.network.model.Preprocessing;
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
    /** Factor applied to the learning rate after each epoch: epoch {@code e} (from 1) uses {@code lr decay^(e-1)}. */
    private final float learningRateDecay;
    /** Samples per step; the last batch of an epoch holds the remainder. */
    private final int batchSize;
    /**
     * Features are divided by this before training (e.g. 255 for raw pixels); the returned model has the
     * division folded into its first layer and takes raw features.
     */
    private final float divisor;
    /**
     * Whether to train on standardized features (per-feature mean and deviation of the training set, after
     * the divisor); folded into the first layer like the divisor.
     */
    private final boolean standardize;
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
        this.learningRateDecay = b.learningRateDecay;
        this.batchSize = b.batchSize;
        this.divisor = b.divisor;
        this.standardize = b.standardize;
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

    /** {@link #fit(Samples, Samples, Samples, TrainingListener)} on {@code train} alone. */
    public Model fit(Samples train) {
        return fit(train, null, null, TrainingListener.NONE);
    }

    /** {@link #fit(Samples, Samples, Samples, TrainingListener)} with test data (may be null), no listener. */
    public Model fit(Samples train, Samples test) {
        return fit(train, null, test, TrainingListener.NONE);
    }

    /** {@link #fit(Samples, Samples, Samples, TrainingListener)} with test data (may be null), no validation set. */
    public Model fit(Samples train, Samples test, TrainingListener listener) {
        return fit(train, null, test, listener);
    }

    /**
     * Trains a new network on {@code train} for {@link Builder#epochs} epochs and reports to {@code listener}.
     * After each epoch the network is scored on {@code validation} (loss and accuracy) and {@code test}
     * (accuracy), either of which may be {@code null}; without both, the training accuracy is counted from
     * the epoch's forward passes instead. Preprocessing statistics come from {@code train} alone.
     *
     * @throws TrainingDivergedException when a batch's loss, or a weight at the end, is NaN or infinite
     */
    public Model fit(Samples train, Samples validation, Samples test, TrainingListener listener) {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(listener, "listener");
        if (standardize && !biases) {
            throw new IllegalArgumentException("standardize needs biases: it is folded into the first layer's");
        }
        if (train.features() != layers[0] || train.outputs() != layers[layers.length - 1]) {
            throw new IllegalArgumentException("training data has " + train.features() + " features and "
                    + train.outputs() + " outputs but the layers are " + layersText());
        }
        if (validation != null) {
            train.checkCompatible(validation, "validation");
        }
        if (test != null) {
            train.checkCompatible(test, "test");
        }
        SplittableRandom run;
        synchronized (random) {
            run = random.split();
        }
        SplittableRandom initRandom = run.split();
        SplittableRandom shuffleRandom = run.split();
        Preprocessing preprocessing = Standardization.of(train, divisor, standardize);
        Network network = Network.initialize(backend, architecture(), loss, initializer, initRandom);
        try {
            List<EpochMetrics> history;
            try (Epochs epochs = new Epochs(network, preprocessed(train, preprocessing),
                    preprocessed(validation, preprocessing), preprocessed(test, preprocessing), shuffleRandom)) {
                history = epochs.run(listener);
            }
            ModelParameters trained = network.parameters(metadata());
            checkFinite(trained, history.size(), epochsBatches(train.rows()));
            List<LayerParameters> folded = new ArrayList<>(trained.layers());
            folded.set(0, preprocessing.foldInto(folded.get(0)));
            ModelParameters model = new ModelParameters(folded, train.classLabels(), train.featureNames(),
                    preprocessing, trained.metadata());
            if (!preprocessing.isIdentity()) {
                network.close();
                network = Network.fromParameters(backend, model);
            }
            return new Model(network, history, model);
        } catch (RuntimeException | Error e) {
            network.close();
            throw e;
        }
    }

    private Map<String, String> metadata() {
        Map<String, String> metadata = new HashMap<>();
        metadata.put("trainer", toString());
        metadata.put("backend", backend.description());
        return metadata;
    }

    private static Samples preprocessed(Samples samples, Preprocessing preprocessing) {
        if (samples == null || preprocessing.isIdentity()) {
            return samples;
        }
        return samples.withInputs(preprocessing.apply(samples.inputs(), samples.rows(), samples.features()));
    }

    /** A step's loss being finite does not make its update finite: the last update is checked here. */
    private static void checkFinite(ModelParameters trained, int epoch, int batch) {
        for (int l = 0; l < trained.layers().size(); l++) {
            LayerParameters layer = trained.layers().get(l);
            if (!allFinite(layer.weights()) || layer.hasBiases() && !allFinite(layer.biases())) {
                throw new TrainingDivergedException(epoch, batch, l);
            }
        }
    }

    private static boolean allFinite(float[] values) {
        for (float v : values) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    private int epochsBatches(int rows) {
        int full = Math.min(batchSize, rows);
        return (rows + full - 1) / full;
    }

    /**
     * One training run's buffers (steps for full and tail batches, optimizer state, evaluators, the shuffle
     * order), allocated once, and the epoch loop over them.
     */
    private final class Epochs implements AutoCloseable {
        private final Network network;
        private final Samples train;
        private final Samples validation;
        private final Samples test;
        private final SplittableRandom shuffleRandom;
        private final int fullRows;
        private final int batches;
        private final int[] order;
        private final float[] hostX;
        private final float[] hostY;
        /** The outputs of a batch, read back only to count training accuracy. */
        private final float[] hostOut;
        private final Optimizer.LayerUpdater[] updaters;
        private TrainingStep full;
        private TrainingStep tail;
        private Evaluator validationEvaluator;
        private Evaluator testEvaluator;

        Epochs(Network network, Samples train, Samples validation, Samples test, SplittableRandom shuffleRandom) {
            this.network = network;
            this.train = train;
            this.validation = validation;
            this.test = test;
            this.shuffleRandom = shuffleRandom;
            int n = train.rows();
            this.fullRows = Math.min(batchSize, n);
            int tailRows = n % fullRows;
            this.batches = n / fullRows + (tailRows == 0 ? 0 : 1);
            this.order = new int[n];
            Arrays.setAll(order, i -> i);
            this.hostX = new float[fullRows * train.features()];
            this.hostY = new float[fullRows * train.outputs()];
            boolean countTraining = validation == null && test == null && train.isClassification();
            this.hostOut = countTraining ? new float[fullRows * train.outputs()] : null;
            this.updaters = new Optimizer.LayerUpdater[network.layers().size()];
            try {
                for (int l = 0; l < updaters.length; l++) {
                    updaters[l] = optimizer.updater(backend, network.layers().get(l));
                }
                full = new TrainingStep(network, fullRows);
                tail = tailRows == 0 ? null : new TrainingStep(network, tailRows);
                validationEvaluator = validation == null ? null : new Evaluator(network, validation.rows());
                testEvaluator = test != null && test.isClassification() ? new Evaluator(network, test.rows()) : null;
            } catch (RuntimeException | Error e) {
                close();
                throw e;
            }
        }

        List<EpochMetrics> run(TrainingListener listener) {
            List<EpochMetrics> history = new ArrayList<>();
            for (int epoch = 1; epoch <= epochs; epoch++) {
                EpochMetrics metrics = epoch(epoch, listener);
                history.add(metrics);
                listener.epochFinished(metrics);
            }
            return history;
        }

        /** One pass over the training data, then the scores on validation and test data. */
        EpochMetrics epoch(int epoch, TrainingListener listener) {
            if (shuffle) {
                shuffle(order, shuffleRandom);
            }
            float rate = (float) Math.pow(learningRateDecay, epoch - 1);
            listener.epochStarted(epoch, batches);
            long started = System.nanoTime();
            double lossSum = 0;
            long samples = 0;
            long correct = 0;
            for (int batch = 0; batch < batches; batch++) {
                int from = batch * fullRows;
                TrainingStep step = batch == batches - 1 && tail != null ? tail : full;
                int rows = step.rows();
                loadBatch(step, from, rows);
                double batchLoss = step.run(updaters, rate);
                if (!Double.isFinite(batchLoss)) {
                    throw new TrainingDivergedException(epoch, batch + 1, batches, batchLoss);
                }
                if (hostOut != null) {
                    correct += countCorrect(step, from, rows);
                }
                lossSum += loss.isMean() ? batchLoss * rows : batchLoss;
                samples += rows;
                listener.batchFinished(epoch, batch + 1, batches, samples, batchLoss);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            double trainingAccuracy = hostOut == null ? Double.NaN : (double) correct / train.rows();
            Evaluation v = validationEvaluator == null ? null : validationEvaluator.evaluate(validation);
            double testAccuracy = testEvaluator == null ? Double.NaN : testEvaluator.evaluate(test).accuracy();
            return new EpochMetrics(epoch, seconds, loss.isMean() ? lossSum / train.rows() : lossSum, trainingAccuracy,
                    v == null ? Double.NaN : v.loss(), v == null ? Double.NaN : v.accuracy(), testAccuracy);
        }

        /** Moves one batch into the step's input and target buffers; in order, straight from the data arrays. */
        private void loadBatch(TrainingStep step, int from, int rows) {
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

        /** How many rows of the batch just stepped the network classified right (before the batch's update). */
        private int countCorrect(TrainingStep step, int from, int rows) {
            backend.read(step.output(), hostOut);
            int k = train.outputs();
            int right = 0;
            for (int i = 0; i < rows; i++) {
                if (Evaluator.argmax(hostOut, i * k, k) == train.labels()[order[from + i]]) {
                    right++;
                }
            }
            return right;
        }

        @Override
        public void close() {
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
            if (validationEvaluator != null) {
                validationEvaluator.close();
            }
            if (testEvaluator != null) {
                testEvaluator.close();
            }
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
                + ", learningRateDecay=" + learningRateDecay
                + ", batchSize=" + batchSize
                + ", divisor=" + divisor
                + ", standardize=" + standardize
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
        private float learningRateDecay = 1f;
        private int batchSize = 128;
        private float divisor = 1f;
        private boolean standardize;
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

        /** Learning-rate factor per epoch, in (0, 1]; default 1 (a constant rate). */
        public Builder learningRateDecay(float decay) {
            if (!(decay > 0 && decay <= 1)) {
                throw new IllegalArgumentException("learning-rate decay must be in (0, 1], got " + decay);
            }
            this.learningRateDecay = decay;
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

        /**
         * Divide every feature by {@code divisor} before training (e.g. 255 for raw pixels), folded into the
         * first layer at the end, so the model takes undivided features; default 1.
         */
        public Builder divisor(double divisor) {
            float d = (float) divisor;
            if (!(Float.isFinite(d) && d != 0)) {
                throw new IllegalArgumentException("divisor must be finite and non-zero, got " + divisor);
            }
            this.divisor = d;
            return this;
        }

        /**
         * Train on standardized features (after the divisor), folded back into the first layer at the end;
         * default false.
         */
        public Builder standardize(boolean standardize) {
            this.standardize = standardize;
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
