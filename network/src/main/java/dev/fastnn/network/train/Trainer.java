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
 * <p>Reproducibility: each fresh {@link #fit} splits its own run seed from the trainer's random source
 * ({@link SplittableRandom#split()}), and every random choice of the run derives from that seed and counters
 * ({@link Seeds}). So the n-th fit of trainers built with the same settings gives a bit-identical model on the
 * same backend with the same thread count, several fits may run at once, on one trainer or many, sharing a
 * backend, and a run continued from a {@link TrainingState} (warm start, resume) is bit-identical to one that
 * never stopped.
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
    /** The learning-rate factor of each batch. */
    private final LearningRateSchedule schedule;
    /** L2 penalty and decoupled weight decay on the weights. */
    private final Regularization regularization;
    /** When to stop on the validation set, or null to train every epoch. */
    private final EarlyStopping earlyStopping;
    /** Probability of dropping each hidden unit in training (inverted dropout), 0 for none. */
    private final float dropout;
    /** How much each class counts in the loss, or null for all alike. */
    private final ClassWeights classWeights;
    /** Samples per step; the last batch of an epoch holds the remainder. */
    private final int batchSize;
    /**
     * Features are divided by this before training (e.g. 255 for raw pixels); the returned model has the
     * division folded into its first layer and takes undivided features.
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
        this.schedule = b.schedule;
        this.regularization = b.regularization;
        this.earlyStopping = b.earlyStopping;
        this.dropout = b.dropout;
        this.classWeights = b.classWeights;
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

    /** What training minimizes. */
    public Loss loss() {
        return loss;
    }

    Optimizer optimizer() {
        return optimizer;
    }

    Regularization regularization() {
        return regularization;
    }

    LearningRateSchedule schedule() {
        return schedule;
    }

    int batchSize() {
        return batchSize;
    }

    boolean shuffle() {
        return shuffle;
    }

    EarlyStopping earlyStopping() {
        return earlyStopping;
    }

    float dropout() {
        return dropout;
    }

    ClassWeights classWeights() {
        return classWeights;
    }

    /** The layers this trainer builds. */
    public List<LayerSpec> architecture() {
        return LayerSpec.stack(layers, hiddenActivation, outputActivation, biases);
    }

    /**
     * Whether training on {@code train} may keep the training set on this trainer's backend: on a backend with
     * memory of its own ({@link Backend#isDeviceMemory()}, an OpenCL device) for a set of at most
     * {@value TrainingRun#RESIDENT_FLOATS} floats of inputs and targets, a fit uploads it once, each epoch
     * moves only its shuffled order in (a float per sample) and each batch is gathered on the device;
     * otherwise every step writes its batch. Runs on one backend at the same time (Spark tasks sharing an
     * executor's) keep that many floats together at most: one that would exceed it writes its batches, with
     * the same result.
     */
    public boolean keepsTrainingSetOnBackend(Samples train) {
        return TrainingRun.keepsResident(backend, train);
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
     * After each epoch the network is scored on {@code validation} (loss and accuracy) and on {@code test}
     * (accuracy), either of which may be {@code null}; with neither, the training accuracy of a classifier is
     * counted from the epoch's forward passes instead (no extra pass; counted by the backend, where the outputs
     * are, and read back once an epoch). Standardization statistics come from {@code train} alone. The returned
     * model's {@link Model#trainingState()} continues the run.
     *
     * @throws TrainingDivergedException when a batch's loss, or a weight at the end, is NaN or infinite
     */
    public Model fit(Samples train, Samples validation, Samples test, TrainingListener listener) {
        Objects.requireNonNull(train, "train");
        return fit(train, validation, test, listener,
                initialState(standardize ? Standardization.of(train, divisor) : null));
    }

    /** Warm start without a validation set: {@link #fit(Samples, Samples, Samples, TrainingListener, TrainingState)}. */
    public Model fit(Samples train, Samples test, TrainingListener listener, TrainingState from) {
        return fit(train, null, test, listener, from);
    }

    /**
     * Warm start: continues the run {@code from} describes (its parameters, optimizer state, epoch count,
     * run seed and early-stopping progress) up to {@link Builder#epochs} epochs in all, as if it had never
     * stopped: training 4 epochs in one fit, or 2 and then 2 more from the first fit's
     * {@link Model#trainingState()}, gives bit-identical models on the same backend and thread count. The
     * trainer's settings must describe the same network and optimizer as the state. The model keeps the class
     * labels and feature names of {@code train}.
     *
     * @throws TrainingDivergedException when a batch's loss, or a weight at the end, is NaN or infinite
     */
    public Model fit(Samples train, Samples validation, Samples test, TrainingListener listener, TrainingState from) {
        Objects.requireNonNull(listener, "listener");
        if (earlyStopping != null && validation == null) {
            throw new IllegalArgumentException("early stopping watches the validation set: give validation data");
        }
        if (earlyStopping != null && earlyStopping.monitor() == EarlyStopping.Monitor.VALIDATION_ACCURACY
                && !validation.isClassification()) {
            throw new IllegalArgumentException("early stopping on validationAccuracy needs class labels; "
                    + "for regression watch validationLoss");
        }
        List<EpochMetrics> history = new ArrayList<>();
        TrainingRun run = start(train, validation, test, from);
        try {
            StopReason reason = run.train(epochs, from.runSeed(), listener, history);
            TrainingState end = run.state();
            ModelParameters best = earlyStopping != null && earlyStopping.restoreBest() && end.earlyStopping() != null
                    && end.earlyStopping().bestParameters() != null ? end.earlyStopping().bestParameters() : null;
            ModelParameters trained = best != null ? best : end.parameters();
            checkFinite(trained, end.epochsCompleted(), run.batches());
            Preprocessing preprocessing = end.standardization() == null ? Preprocessing.divisor(divisor)
                    : end.standardization().preprocessing(divisor);
            List<LayerParameters> folded = new ArrayList<>(trained.layers());
            folded.set(0, preprocessing.foldInto(folded.get(0)));
            ModelParameters model = new ModelParameters(folded, train.classLabels(), train.featureNames(),
                    preprocessing, metadata(end, reason));
            Network network = run.releaseNetwork();
            if (best != null || !preprocessing.isIdentity()) {
                network.close();
                network = Network.fromParameters(backend, withLoss(model));
            }
            listener.trainingFinished(end.epochsCompleted(), reason);
            return new Model(network, history, model, end);
        } finally {
            run.close();
        }
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

    /**
     * A fresh run's starting point: a run seed split from this trainer's random source (so the n-th call on
     * trainers built alike returns the same state), weights drawn from it, zeroed optimizer buffers, no
     * epochs done. {@code standardization} is the statistics the inputs will be standardized with, or null
     * to train on raw inputs; it must be given exactly when the trainer standardizes.
     */
    public TrainingState initialState(Standardization standardization) {
        if (standardize && !biases) {
            throw new IllegalArgumentException("standardize needs biases: it is folded into the first layer's");
        }
        if (standardize != (standardization != null)) {
            throw new IllegalArgumentException(standardize ? "this trainer standardizes: give the statistics"
                    : "this trainer does not standardize, but statistics were given");
        }
        long runSeed;
        synchronized (random) {
            runSeed = Seeds.freshRunSeed(random);
        }
        ModelParameters parameters = withLoss(new ModelParameters(
                initializer.layers(architecture(), Seeds.initialization(runSeed)), Map.of()));
        List<float[]> buffers = new ArrayList<>();
        for (LayerSpec spec : architecture()) {
            for (int[] shape : optimizer.stateShapes(spec)) {
                buffers.add(new float[shape[0] * shape[1]]);
            }
        }
        return new TrainingState(parameters, standardization, new OptimizerState(optimizer.id(), 0, buffers), 0, 0,
                runSeed, earlyStopping == null ? null : EarlyStopping.Progress.START);
    }

    /**
     * {@code epochs} more epochs from {@code from}, with every random choice (shuffles, dropout) drawn from
     * {@code seed} instead of the state's run seed, and no evaluation or early stopping: the local work of
     * one partition in a data-parallel round (see {@link Seeds#partition}). {@code train} holds raw inputs;
     * the state's standardization is applied here. The learning-rate schedule runs over this trainer's
     * {@link Builder#epochs} in all, so the state may not go beyond them. Returns the state after those
     * epochs, with the run seed of {@code from}.
     */
    public TrainingState trainEpochs(Samples train, TrainingState from, int epochs, long seed, TrainingListener listener) {
        Objects.requireNonNull(listener, "listener");
        if (epochs < 1 || from.epochsCompleted() + (long) epochs > this.epochs) {
            throw new IllegalArgumentException("cannot train " + epochs + " epoch(s) from epoch " + from.epochsCompleted()
                    + ": the trainer's schedule covers epochs 1.." + this.epochs);
        }
        try (TrainingRun run = start(train, null, null, from)) {
            StopReason reason = run.train(from.epochsCompleted() + epochs, seed, listener, new ArrayList<>());
            TrainingState end = run.state();
            listener.trainingFinished(end.epochsCompleted(), reason);
            return end;
        }
    }

    /** Checks data and state against the settings and sets up the network and buffers of a run from {@code from}. */
    private TrainingRun start(Samples train, Samples validation, Samples test, TrainingState from) {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(from, "from");
        if (train.features() != layers[0] || train.outputs() != layers[layers.length - 1]) {
            throw new IllegalArgumentException("training data has " + train.features() + " features and "
                    + train.outputs() + " outputs but the layers are " + layersText());
        }
        if (classWeights != null && !train.isClassification()) {
            throw new IllegalArgumentException("class weights need class labels; the training data has real targets");
        }
        if (validation != null) {
            train.checkCompatible(validation, "validation");
        }
        if (test != null) {
            train.checkCompatible(test, "test");
        }
        checkContinues(from);
        Standardization st = from.standardization();
        Preprocessing preprocessing = st == null ? Preprocessing.divisor(divisor) : st.preprocessing(divisor);
        Network network = Network.fromParameters(backend, withLoss(from.parameters()));
        try {
            return new TrainingRun(this, network, preprocessed(train, preprocessing),
                    preprocessed(validation, preprocessing), preprocessed(test, preprocessing), from);
        } catch (RuntimeException | Error e) {
            network.close();
            throw e;
        }
    }

    private static Samples preprocessed(Samples samples, Preprocessing preprocessing) {
        if (samples == null || preprocessing.isIdentity()) {
            return samples;
        }
        return samples.withInputs(preprocessing.apply(samples.inputs(), samples.rows(), samples.features()));
    }

    /**
     * Throws {@link IllegalArgumentException}, naming the difference in one line, unless {@code state} can
     * continue with this trainer: the same network and optimizer, standardized or not alike, and no more epochs
     * done than this trainer trains. Every fit from a state checks this; a caller may check first.
     */
    public void checkContinues(TrainingState state) {
        List<LayerSpec> specs = state.parameters().architecture();
        if (!specs.equals(architecture())) {
            throw new IllegalArgumentException("the training state holds a " + LayerSpec.describe(specs)
                    + " network, not the " + LayerSpec.describe(architecture()) + " this trainer trains");
        }
        if (!state.optimizer().optimizer().equals(optimizer.id())) {
            throw new IllegalArgumentException("the training state is of optimizer " + state.optimizer().optimizer()
                    + " but this trainer uses " + optimizer.id());
        }
        List<int[]> shapes = new ArrayList<>();
        for (LayerSpec layer : specs) {
            shapes.addAll(optimizer.stateShapes(layer));
        }
        List<float[]> buffers = state.optimizer().buffers();
        if (buffers.size() != shapes.size()) {
            throw new IllegalArgumentException("the training state has " + buffers.size() + " optimizer buffers, "
                    + optimizer.id() + " on this network needs " + shapes.size());
        }
        for (int i = 0; i < shapes.size(); i++) {
            if (buffers.get(i).length != shapes.get(i)[0] * shapes.get(i)[1]) {
                throw new IllegalArgumentException("optimizer buffer " + i + " of the training state has "
                        + buffers.get(i).length + " values, not " + shapes.get(i)[0] + "x" + shapes.get(i)[1]);
            }
        }
        if (standardize != (state.standardization() != null)) {
            throw new IllegalArgumentException("the training state " + (standardize
                    ? "has no standardization but this trainer standardizes"
                    : "is standardized but this trainer does not standardize"));
        }
        if (state.epochsCompleted() > epochs) {
            throw new IllegalArgumentException("the training state has " + state.epochsCompleted()
                    + " epochs done, more than the trainer's " + epochs);
        }
    }

    private ModelParameters withLoss(ModelParameters p) {
        Map<String, String> metadata = new HashMap<>(p.metadata());
        metadata.put(Network.LOSS_KEY, loss.id());
        return p.withMetadata(metadata);
    }

    private Map<String, String> metadata(TrainingState end, StopReason reason) {
        Map<String, String> metadata = new HashMap<>();
        metadata.put("trainer", toString());
        metadata.put("backend", backend.description());
        metadata.put("epochsTrained", Integer.toString(end.epochsCompleted()));
        metadata.put("stopReason", reason.name().toLowerCase(Locale.ROOT));
        if (end.earlyStopping() != null && end.earlyStopping().bestEpoch() > 0) {
            metadata.put("bestEpoch", Integer.toString(end.earlyStopping().bestEpoch()));
        }
        return metadata;
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
                + ", schedule=" + schedule
                + ", " + regularization
                + ", earlyStopping=" + (earlyStopping == null ? "none" : earlyStopping)
                + ", dropout=" + dropout
                + ", classWeights=" + (classWeights == null ? "none" : classWeights)
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
        private Optimizer optimizer = new Optimizer.Sgd(Optimizer.Sgd.DEFAULT_LEARNING_RATE);
        private LearningRateSchedule schedule = new LearningRateSchedule.Constant(0);
        private Regularization regularization = Regularization.NONE;
        private EarlyStopping earlyStopping;
        private float dropout;
        private ClassWeights classWeights;
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

        /** Default: plain steps at their default rate, {@value Optimizer.Sgd#DEFAULT_LEARNING_RATE}. */
        public Builder optimizer(Optimizer optimizer) {
            this.optimizer = Objects.requireNonNull(optimizer);
            return this;
        }

        /** How the learning rate moves batch by batch; default constant, no warm-up. */
        public Builder schedule(LearningRateSchedule schedule) {
            this.schedule = Objects.requireNonNull(schedule);
            return this;
        }

        /**
         * Shorthand for {@code schedule(new LearningRateSchedule.Exponential(decay, 0))}: the rate falls by
         * {@code decay} in (0, 1] per epoch, continuously over its batches.
         */
        public Builder learningRateDecay(float decay) {
            return schedule(new LearningRateSchedule.Exponential(decay, 0));
        }

        /** L2 penalty and decoupled weight decay on the weights (not the biases); default none. */
        public Builder regularization(Regularization regularization) {
            this.regularization = Objects.requireNonNull(regularization);
            return this;
        }

        /**
         * Inverted dropout on every hidden layer: in training each hidden unit is zeroed with probability
         * {@code rate} and the rest scaled by {@code 1 / (1 - rate)}; evaluation and prediction never drop.
         * The mask of each layer and batch derives from the run seed and the step ({@link Seeds#dropout}).
         * In [0, 1); default 0.
         */
        public Builder dropout(float rate) {
            if (!(rate >= 0 && rate < 1)) {
                throw new IllegalArgumentException("dropout rate must be in [0, 1), got " + rate);
            }
            this.dropout = rate;
            return this;
        }

        /** Weights of each class's samples in the loss and its gradient; default none (all 1). */
        public Builder classWeights(ClassWeights weights) {
            this.classWeights = Objects.requireNonNull(weights);
            return this;
        }

        /** Stop when the validation metric stops improving; default none (train every epoch). */
        public Builder earlyStopping(EarlyStopping earlyStopping) {
            this.earlyStopping = Objects.requireNonNull(earlyStopping);
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
