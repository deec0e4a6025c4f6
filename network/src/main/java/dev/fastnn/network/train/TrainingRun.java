package dev.fastnn.network.train;

import dev.fastnn.kernels.Backend;
import dev.fastnn.kernels.DropoutMask;
import dev.fastnn.kernels.Matrix;
import dev.fastnn.network.model.Loss;
import dev.fastnn.network.model.Network;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One run of a {@link Trainer}'s epoch loop, from a {@link TrainingState} to another: the network, the
 * optimizer's buffers, the step buffers and the evaluation buffers live here from the first epoch to the
 * last, allocated once, and {@link #state()} brings the run's state back to the host at the end.
 */
final class TrainingRun implements AutoCloseable {
    /**
     * The most training-set floats (inputs and targets) kept on a device-memory backend, by all the runs that
     * use it at once ({@link ResidentBudget}): 512 MiB.
     */
    static final long RESIDENT_FLOATS = 1L << 27;

    private final Trainer trainer;
    private final Backend backend;
    private final Loss loss;
    private Network network;
    /** Training data, already standardized when the run is. */
    private final Samples train;
    /** Validation data scored (loss and accuracy) after each epoch, preprocessed like the training data, or null. */
    private final Samples validation;
    /** Test data scored after each epoch (preprocessed like the training data), or null. */
    private final Samples test;
    private final Standardization standardization;
    private final long runSeed;
    private final Optimizer.LayerUpdater[] updaters;
    private final TrainingStep full;
    private final TrainingStep tail;
    private final Evaluator validationEvaluator;
    private final Evaluator testEvaluator;
    /** Early stopping of this run, or null (not configured, or a run without validation data such as trainEpochs). */
    private final EarlyStopper stopper;
    private final int[] order;
    /**
     * Targets gathered on the host and written; null where the training set stays on the backend. Inputs need
     * no such copy: {@link Backend#writeRows} draws them from the set.
     */
    private final float[] hostY;
    /**
     * The training set kept on a device-memory backend (inputs, targets, each sample's class weight when
     * weighted) and the epoch's order there; null otherwise.
     */
    private final Matrix residentX;
    private final Matrix residentY;
    private final Matrix residentW;
    private final Matrix residentOrder;
    /** The order as floats, for {@link #residentOrder}; null where it is not kept. */
    private final float[] hostOrder;
    /** What this run holds of the backend's {@link ResidentBudget}: 0 when it writes each batch, or once closed. */
    private long reservedFloats;
    /** Each class's loss weight, or null: then no row weights are written. */
    private final float[] classWeights;
    /** A batch's row weights on the host, or null. */
    private final float[] hostW;
    /** Each hidden layer's dropout mask key for the current batch (filled per batch), or null without dropout. */
    private final int[] dropoutKeys;
    /** Each hidden layer's dropout seed for the seed being trained with, or null without dropout. */
    private final int[] dropoutSeeds;
    /** The training accuracy's count when nothing else is scored, kept on the backend; else null. */
    private final CorrectPredictions correct;
    private final int batches;
    private int epochsCompleted;
    private long globalStep;
    private long optimizerSteps;
    /** The progress passed through unchanged when this run does no early stopping. */
    private final EarlyStopping.Progress earlyStopping;

    /**
     * Takes ownership of {@code network} (built from {@code from}'s parameters) and loads the optimizer state;
     * early stopping runs when the trainer has it and {@code validation} is given.
     */
    TrainingRun(Trainer trainer, Network network, Samples train, Samples validation, Samples test, TrainingState from) {
        this.trainer = trainer;
        this.backend = network.backend();
        this.loss = network.loss();
        this.network = network;
        this.train = train;
        this.validation = validation;
        this.test = test;
        this.standardization = from.standardization();
        this.runSeed = from.runSeed();
        this.epochsCompleted = from.epochsCompleted();
        this.globalStep = from.globalStep();
        this.optimizerSteps = from.optimizer().steps();
        this.earlyStopping = from.earlyStopping();
        int n = train.rows();
        int fullRows = Math.min(trainer.batchSize(), n);
        int tailRows = n % fullRows;
        this.batches = n / fullRows + (tailRows == 0 ? 0 : 1);
        this.order = new int[n];
        Arrays.setAll(order, i -> i);
        TrainingStep fullStep = null;
        TrainingStep tailStep = null;
        Evaluator validationEval = null;
        Evaluator testEval = null;
        EarlyStopper early = null;
        CorrectPredictions counted = null;
        Matrix x = null;
        Matrix y = null;
        Matrix w = null;
        Matrix orderThere = null;
        this.updaters = new Optimizer.LayerUpdater[network.layers().size()];
        long residentFloats = residentFloats(train);
        boolean resident = keepsResident(backend, train) && ResidentBudget.reserve(backend, residentFloats);
        this.reservedFloats = resident ? residentFloats : 0;
        try {
            this.hostY = resident ? null : new float[fullRows * train.outputs()];
            this.hostOrder = resident ? new float[n] : null;
            this.classWeights = trainer.classWeights() == null ? null
                    : trainer.classWeights().resolve(train.labels(), train.outputs());
            this.hostW = classWeights == null || resident ? null : new float[fullRows];
            float dropout = trainer.dropout();
            this.dropoutKeys = dropout > 0 ? new int[network.layers().size()] : null;
            this.dropoutSeeds = dropout > 0 ? new int[network.layers().size()] : null;
            boolean countTraining = validation == null && test == null && train.isClassification()
                    && fullRows <= Backend.EXACT_COUNT;
            if (resident) {
                x = backend.upload(train.inputs(), n, train.features());
                float[] targets = new float[n * train.outputs()];
                train.gatherTargets(order, 0, n, targets);
                y = backend.upload(targets, n, train.outputs());
                if (classWeights != null) {
                    float[] weights = new float[n];
                    for (int i = 0; i < n; i++) {
                        weights[i] = classWeights[train.labels()[i]];
                    }
                    w = backend.upload(weights, n, 1);
                }
                orderThere = backend.allocate(1, n);
                if (!trainer.shuffle()) {
                    writeOrder(orderThere);
                }
            }
            int buffer = 0;
            for (int l = 0; l < updaters.length; l++) {
                updaters[l] = trainer.optimizer().updater(backend, network.layers().get(l), trainer.regularization());
                for (Matrix m : updaters[l].state()) {
                    backend.write(m, from.optimizer().buffers().get(buffer++), 0);
                }
            }
            fullStep = new TrainingStep(network, fullRows, dropout, classWeights != null);
            tailStep = tailRows == 0 ? null : new TrainingStep(network, tailRows, dropout, classWeights != null);
            validationEval = validation == null ? null : new Evaluator(network, validation.rows(),
                    validation.isClassification() ? classWeights : null);
            testEval = test == null ? null : new Evaluator(network, test.rows());
            if (trainer.earlyStopping() != null && validation != null) {
                early = new EarlyStopper(trainer.earlyStopping(), network,
                        from.earlyStopping() == null ? EarlyStopping.Progress.START : from.earlyStopping());
            }
            counted = countTraining ? new CorrectPredictions(backend) : null;
        } catch (RuntimeException | Error e) {
            try {
                closeAll(fullStep, tailStep, validationEval, testEval, early, counted, x, y, w, orderThere);
            } finally {
                releaseResidentBudget();
            }
            throw e;
        }
        this.residentX = x;
        this.residentY = y;
        this.residentW = w;
        this.residentOrder = orderThere;
        this.full = fullStep;
        this.tail = tailStep;
        this.validationEvaluator = validationEval;
        this.testEvaluator = testEval;
        this.stopper = early;
        this.correct = counted;
    }

    /**
     * Trains epochs {@code epochsCompleted + 1 .. untilEpoch}, shuffling and drawing from {@code seed}, and
     * returns why it stopped; appends each epoch's metrics to {@code history}.
     */
    StopReason train(int untilEpoch, long seed, TrainingListener listener, List<EpochMetrics> history) {
        int totalEpochs = trainer.epochs();
        LearningRateSchedule schedule = trainer.schedule();
        int checkpointEvery = listener.checkpointEvery();
        if (dropoutSeeds != null) {
            for (int l = 0; l < dropoutSeeds.length; l++) {
                dropoutSeeds[l] = Seeds.dropout(seed, l);
            }
        }
        if (checkpointEvery < 0) {
            throw new IllegalArgumentException("checkpointEvery() must be >= 0, got " + checkpointEvery);
        }
        if (stopper != null && stopper.exhausted()) {
            return StopReason.EARLY_STOPPED;
        }
        while (epochsCompleted < untilEpoch) {
            int epoch = epochsCompleted + 1;
            if (trainer.shuffle()) {
                Arrays.setAll(order, i -> i);
                shuffle(order, Seeds.shuffle(seed, epoch));
            }
            if (residentOrder != null && trainer.shuffle()) {
                writeOrder(residentOrder);
            }
            listener.epochStarted(epoch, batches);
            long started = System.nanoTime();
            double lossSum = 0;
            long samples = 0;
            for (int batch = 0; batch < batches; batch++) {
                TrainingStep step = batch == batches - 1 && tail != null ? tail : full;
                int rows = step.rows();
                loadBatch(step, samples, rows);
                float rate = schedule.factor(epoch, batch, batches, totalEpochs);
                if (dropoutKeys != null) {
                    for (int l = 0; l < dropoutKeys.length; l++) {
                        dropoutKeys[l] = DropoutMask.key(dropoutSeeds[l], globalStep);
                    }
                }
                double batchLoss = step.run(updaters, rate, ++optimizerSteps, dropoutKeys);
                if (!Double.isFinite(batchLoss)) {
                    throw new TrainingDivergedException(epoch, batch + 1, batches, batchLoss);
                }
                globalStep++;
                if (correct != null) {
                    correct.add(step.output(), step.y());
                }
                lossSum += loss.isMean() ? batchLoss * rows : batchLoss;
                samples += rows;
                listener.batchFinished(epoch, batch + 1, batches, samples, batchLoss);
            }
            epochsCompleted = epoch;
            double seconds = (System.nanoTime() - started) / 1e9;
            double trainingAccuracy = correct == null ? Double.NaN : (double) correct.takeTotal() / samples;
            Evaluation v = validationEvaluator == null ? null : validationEvaluator.evaluate(validation);
            Evaluation t = testEvaluator == null ? null : testEvaluator.evaluate(test);
            boolean patienceOut = stopper != null && stopper.afterEpoch(epoch, v);
            EpochMetrics metrics = new EpochMetrics(epoch, seconds, loss.isMean() ? lossSum / samples : lossSum,
                    trainingAccuracy, v == null ? Double.NaN : v.loss(), v == null ? Double.NaN : v.accuracy(),
                    t == null ? Double.NaN : t.accuracy(), v == null ? Double.NaN : v.meanAbsoluteError(),
                    v == null ? Double.NaN : v.rootMeanSquaredError(), v == null ? Double.NaN : v.r2(),
                    t == null ? Double.NaN : t.meanAbsoluteError(), t == null ? Double.NaN : t.rootMeanSquaredError(),
                    t == null ? Double.NaN : t.r2());
            history.add(metrics);
            listener.epochFinished(metrics);
            boolean listenerStop = listener.shouldStop(metrics);
            boolean stopping = epochsCompleted < untilEpoch && (patienceOut || listenerStop);
            if (checkpointEvery > 0 && (epoch % checkpointEvery == 0 || stopping || epochsCompleted == untilEpoch)) {
                listener.checkpoint(state());
            }
            if (stopping) {
                return patienceOut ? StopReason.EARLY_STOPPED : StopReason.LISTENER_STOPPED;
            }
        }
        return StopReason.COMPLETED;
    }

    /**
     * The order, as floats, onto the backend: the one transfer in of an epoch whose data stays there (once a
     * run when it does not shuffle).
     */
    private void writeOrder(Matrix there) {
        for (int i = 0; i < order.length; i++) {
            hostOrder[i] = order[i];
        }
        backend.write(there, hostOrder, 0);
    }

    /**
     * Whether the run keeps the training set on the backend: where the backend's memory is its own (a GPU's),
     * so that a step moves nothing in but what {@link #loadBatch} gathers there, and the set is small enough
     * that its mirror in the Java heap (which the OpenCL backend keeps) does not crowd out the rest. A run then
     * keeps it if, beside the sets that other runs on the same backend keep at the time, it fits the
     * {@link ResidentBudget}: this says whether it may.
     */
    static boolean keepsResident(Backend backend, Samples train) {
        return backend.isDeviceMemory() && train.rows() <= Backend.EXACT_COUNT && residentFloats(train) <= RESIDENT_FLOATS;
    }

    private static long residentFloats(Samples train) {
        return (long) train.rows() * (train.features() + train.outputs());
    }

    /** Moves one batch, the samples {@code order[from..from+rows)}, into the step's input and target buffers. */
    private void loadBatch(TrainingStep step, long from, int rows) {
        int start = (int) from;
        if (residentX != null) {
            backend.gatherRows(residentX, residentOrder, start, step.x());
            backend.gatherRows(residentY, residentOrder, start, step.y());
            if (residentW != null) {
                backend.gatherRows(residentW, residentOrder, start, step.rowWeights());
            }
        } else {
            if (trainer.shuffle()) {
                backend.writeRows(step.x(), train.inputs(), order, start);
            } else {
                backend.write(step.x(), train.inputs(), start * train.features());
            }
            if (train.isClassification() || trainer.shuffle()) {
                train.gatherTargets(order, start, rows, hostY);
                backend.write(step.y(), hostY, 0);
            } else {
                backend.write(step.y(), train.targets(), start * train.outputs());
            }
        }
        if (hostW != null) {
            for (int i = 0; i < rows; i++) {
                hostW[i] = classWeights[train.labels()[order[start + i]]];
            }
            backend.write(step.rowWeights(), hostW, 0);
        }
    }

    /** Batches per epoch. */
    int batches() {
        return batches;
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

    /** The run's state now, on the host. */
    TrainingState state() {
        List<float[]> buffers = new ArrayList<>();
        for (Optimizer.LayerUpdater u : updaters) {
            for (Matrix m : u.state()) {
                buffers.add(backend.download(m));
            }
        }
        return new TrainingState(network.parameters(Map.of()), standardization,
                new OptimizerState(trainer.optimizer().id(), optimizerSteps, buffers), epochsCompleted, globalStep,
                runSeed, stopper != null ? stopper.progress() : earlyStopping);
    }

    /** Hands the network to the caller, who closes it from now on. */
    Network releaseNetwork() {
        Network n = network;
        network = null;
        return n;
    }

    @Override
    public void close() {
        try {
            closeAll(full, tail, validationEvaluator, testEvaluator, stopper, correct, residentX, residentY, residentW,
                    residentOrder);
        } finally {
            releaseResidentBudget();
        }
    }

    private void releaseResidentBudget() {
        if (reservedFloats > 0) {
            ResidentBudget.release(backend, reservedFloats);
            reservedFloats = 0;
        }
    }

    private void closeAll(TrainingStep fullStep, TrainingStep tailStep, Evaluator validationEval, Evaluator testEval,
                          EarlyStopper early, CorrectPredictions counted, Matrix... resident) {
        for (Matrix m : resident) {
            if (m != null) {
                m.close();
            }
        }
        for (Optimizer.LayerUpdater u : updaters) {
            if (u != null) {
                u.close();
            }
        }
        if (fullStep != null) {
            fullStep.close();
        }
        if (tailStep != null) {
            tailStep.close();
        }
        if (validationEval != null) {
            validationEval.close();
        }
        if (testEval != null) {
            testEval.close();
        }
        if (early != null) {
            early.close();
        }
        if (counted != null) {
            counted.close();
        }
        if (network != null) {
            network.close();
            network = null;
        }
    }
}
