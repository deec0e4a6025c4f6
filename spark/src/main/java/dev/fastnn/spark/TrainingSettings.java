package dev.fastnn.spark;

import dev.fastnn.kernels.Activation;
import dev.fastnn.kernels.Backend;
import dev.fastnn.network.model.Initializer;
import dev.fastnn.network.model.Loss;
import dev.fastnn.network.train.ClassWeights;
import dev.fastnn.network.train.EarlyStopping;
import dev.fastnn.network.train.LearningRateSchedule;
import dev.fastnn.network.train.Optimizer;
import dev.fastnn.network.train.Regularization;
import dev.fastnn.network.train.Trainer;
import java.io.Serializable;
import java.util.List;
import java.util.Locale;

/**
 * The values of an Estimator's params at {@code fit}, in the form the tasks need: serializable, so that each
 * task builds the same {@link Trainer} on its executor's backend. One place maps Spark params to the Trainer
 * builder ({@link #trainer}).
 */
final class TrainingSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    static final List<String> OPTIMIZERS = Optimizer.NAMES;
    static final List<String> SCHEDULES = LearningRateSchedule.NAMES;
    static final String CLASS_WEIGHTS_NONE = "none";

    final int[] layers;
    final Activation hiddenActivation;
    final Activation outputActivation;
    final boolean biases;
    final Loss loss;
    final Initializer initializer;
    final String optimizer;
    final float learningRate;
    final float momentum;
    final String schedule;
    final double scheduleFactor;
    final int scheduleEvery;
    final int warmupEpochs;
    final float l2;
    final float weightDecay;
    final float dropout;
    /** {@code none}, {@code balanced} or one weight per class, comma-separated (classifiers only). */
    final String classWeights;
    final int batchSize;
    final double divisor;
    final boolean standardize;
    final int epochs;
    final boolean shuffle;
    final long seed;
    final int localEpochs;
    final double validationFraction;
    final int earlyStoppingPatience;
    final EarlyStopping.Monitor earlyStoppingMonitor;
    final double earlyStoppingMinDelta;
    final boolean restoreBestWeights;
    final String backend;
    final int threads;

    TrainingSettings(FastnnEstimator<?, ?> p) {
        layers = p.getLayers();
        hiddenActivation = Activation.parse(p.getHiddenActivation());
        outputActivation = Activation.parse(p.getOutputActivation());
        biases = p.getBiases();
        loss = Loss.parse(p.getLoss());
        initializer = Initializer.parse(p.getInitializer());
        optimizer = p.getOptimizer().toLowerCase(Locale.ROOT);
        learningRate = (float) p.getLearningRate();
        momentum = (float) p.getMomentum();
        schedule = p.getSchedule().toLowerCase(Locale.ROOT);
        scheduleFactor = p.getScheduleFactor();
        scheduleEvery = p.getScheduleEvery();
        warmupEpochs = p.getWarmupEpochs();
        l2 = (float) p.getL2();
        weightDecay = (float) p.getWeightDecay();
        dropout = (float) p.getDropout();
        classWeights = p instanceof FastnnClassifier c ? c.getClassWeights() : CLASS_WEIGHTS_NONE;
        batchSize = p.getBatchSize();
        divisor = p.getDivisor();
        standardize = p.getStandardize();
        epochs = p.getEpochs();
        shuffle = p.getShuffle();
        seed = p.getSeed();
        localEpochs = p.getLocalEpochs();
        validationFraction = p.getValidationFraction();
        earlyStoppingPatience = p.getEarlyStoppingPatience();
        earlyStoppingMonitor = EarlyStopping.Monitor.parse(p.getEarlyStoppingMonitor());
        earlyStoppingMinDelta = p.getEarlyStoppingMinDelta();
        restoreBestWeights = p.getRestoreBestWeights();
        backend = p.getBackend();
        threads = p.getThreads();
        if (warmupEpochs >= epochs) {
            throw new IllegalArgumentException("warmupEpochs (" + warmupEpochs + ") must be fewer than epochs ("
                    + epochs + ")");
        }
        if (earlyStoppingPatience > 0 && validationFraction == 0) {
            throw new IllegalArgumentException("early stopping (earlyStoppingPatience " + earlyStoppingPatience
                    + ") judges a validation set: set validationFraction above 0");
        }
    }

    int inputs() {
        return layers[0];
    }

    int outputs() {
        return layers[layers.length - 1];
    }

    /** Early stopping as the params set it, or null when it is off. */
    EarlyStopping earlyStopping() {
        return earlyStoppingPatience == 0 ? null
                : new EarlyStopping(earlyStoppingMonitor, earlyStoppingPatience, earlyStoppingMinDelta, restoreBestWeights);
    }

    /**
     * The Trainer of these settings on {@code backend}: the same on the driver and in every task. Early
     * stopping is left out: the driver judges the averaged model after each round.
     */
    Trainer trainer(Backend backend) {
        Trainer.Builder b = builder().divisor(divisor).standardize(standardize).backend(backend);
        ClassWeights weights = weighting();
        if (weights != null) {
            b.classWeights(weights);
        }
        return b.build();
    }

    /**
     * The Trainer the tasks run: these settings for features that are divided and standardized already
     * (each partition is preprocessed once, not in every round), with the class weights {@code weights}
     * resolved over the whole data (null for none): balanced weights from one partition's classes would
     * weigh each partition differently. Its states are those of {@link #trainer} without the
     * standardization statistics, drawn alike from the same seed.
     */
    Trainer localTrainer(Backend backend, float[] weights) {
        Trainer.Builder b = builder().backend(backend);
        if (weights != null) {
            b.classWeights(ClassWeights.of(weights));
        }
        return b.build();
    }

    /**
     * The weight of each class given the training rows of each, {@code counts}, or null for none: balanced
     * weights by {@link ClassWeights#resolve(long[])}, the single machine's rule, so that one partition weighs
     * exactly as a single-machine fit.
     */
    float[] classWeights(long[] counts) {
        ClassWeights weights = weighting();
        return weights == null ? null : weights.resolve(counts);
    }

    /** The class weights the param names; null for none. */
    private ClassWeights weighting() {
        return classWeights.equals(CLASS_WEIGHTS_NONE) ? null : ClassWeights.parse(classWeights);
    }

    private Trainer.Builder builder() {
        return Trainer.builder()
                .layers(layers)
                .hiddenActivation(hiddenActivation)
                .outputActivation(outputActivation)
                .biases(biases)
                .loss(loss)
                .initializer(initializer)
                .optimizer(optimizer())
                .schedule(schedule())
                .regularization(new Regularization(l2, weightDecay))
                .dropout(dropout)
                .batchSize(batchSize)
                .epochs(epochs)
                .shuffle(shuffle)
                .seed(seed);
    }

    private Optimizer optimizer() {
        return switch (optimizer) {
            case Optimizer.Sgd.ID -> new Optimizer.Sgd(learningRate);
            case Optimizer.Momentum.ID -> new Optimizer.Momentum(learningRate, momentum);
            case Optimizer.Adam.ID -> new Optimizer.Adam(learningRate);
            default -> throw new IllegalArgumentException("unknown optimizer '" + optimizer + "'; valid: " + OPTIMIZERS);
        };
    }

    private LearningRateSchedule schedule() {
        return LearningRateSchedule.parse(schedule, (float) scheduleFactor, scheduleEvery, warmupEpochs);
    }
}
