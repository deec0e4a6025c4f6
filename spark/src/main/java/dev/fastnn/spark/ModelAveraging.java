package dev.fastnn.spark;

import dev.fastnn.kernels.Backend;
import dev.fastnn.kernels.Backends;
import dev.fastnn.network.model.ClassLabels;
import dev.fastnn.network.model.LayerParameters;
import dev.fastnn.network.model.ModelParameters;
import dev.fastnn.network.model.Network;
import dev.fastnn.network.model.Preprocessing;
import dev.fastnn.network.train.EarlyStopping;
import dev.fastnn.network.train.EpochMetrics;
import dev.fastnn.network.train.Model;
import dev.fastnn.network.train.Seeds;
import dev.fastnn.network.train.Standardization;
import dev.fastnn.network.train.Trainer;
import dev.fastnn.network.train.TrainingDivergedException;
import dev.fastnn.network.train.TrainingListener;
import dev.fastnn.network.train.TrainingState;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * Data-parallel training by synchronous rounds of model averaging. Each partition of the DataFrame is read
 * once into float arrays ({@link PackedPartition}) and cached; one aggregation checks every row and takes
 * the standardization statistics ({@link DataSummary}); the features are then divided and standardized once
 * into a second cache (what {@link Trainer#fit} does to its data first). Then each round broadcasts the
 * training state (parameters, optimizer buffers and counters), every task trains {@code localEpochs} epochs
 * on its partition with {@link Trainer#trainEpochs} on its executor's backend, with all randomness drawn
 * from {@link Seeds#partition}{@code (run seed, partition)}, and a tree aggregation brings the
 * sample-weighted sums back to the driver, which averages them into the next state ({@link RoundResult}).
 * The driver computes nothing itself: its Trainer, on the naive backend, only draws the initial weights.
 *
 * <p>Tasks open no ports and keep nothing between rounds: a task's result is a function of the broadcast
 * state, its partition and its partition number alone, so a retried task (on any executor, with dynamic
 * allocation adding or removing executors between rounds) computes the same result. With one partition and
 * one local epoch per round, every round is exactly one epoch of a single-machine {@link Trainer#fit}, and
 * the model comes out bit for bit the same.
 *
 * <p>With a validation fraction, each partition holds out that share of its rows (stratified by class); after
 * each round the averaged model is scored on them, and early stopping, when set, judges that score.
 */
final class ModelAveraging {
    private static final System.Logger LOG = System.getLogger(ModelAveraging.class.getName());

    /** The trained model (raw-feature space, ready to save) and one entry per round. */
    record Outcome(ModelParameters model, List<EpochMetrics> history) {
    }

    private final TrainingSettings settings;
    /** The class weights of the whole training data, or null for none. */
    private final float[] classWeights;
    /** The partitions as training sees them: preprocessed when the features are divided or standardized. */
    private final JavaRDD<PackedPartition> partitions;
    /** The partitions as packed, cached until {@link #partitions} is; then null. */
    private JavaRDD<PackedPartition> packed;
    private final JavaSparkContext sc;

    private ModelAveraging(TrainingSettings settings, float[] classWeights, JavaRDD<PackedPartition> partitions,
                           JavaRDD<PackedPartition> packed) {
        this.settings = settings;
        this.classWeights = classWeights;
        this.partitions = partitions;
        this.packed = packed == partitions ? null : packed;
        this.sc = JavaSparkContext.fromSparkContext(partitions.context());
    }

    /**
     * Trains on {@code input}: its rows read by {@code features} and {@code labels}, repartitioned into
     * {@code numPartitions} when that is above 0 and differs. The model records {@code classLabels} (null
     * for regression) and {@code featureNames} (may be empty).
     *
     * @throws IllegalArgumentException for bad or missing data, naming the column, before training starts
     */
    static Outcome fit(Dataset<Row> input, FeatureColumn features, LabelColumn labels, ClassLabels classLabels,
                       List<String> featureNames, TrainingSettings settings, int numPartitions) {
        JavaRDD<Row> rows = input.toJavaRDD();
        if (numPartitions > 0 && rows.getNumPartitions() != numPartitions) {
            rows = rows.repartition(numPartitions);
        }
        PackedPartition.Packer packer = new PackedPartition.Packer(features, labels, settings.inputs(),
                settings.outputs(), settings.validationFraction, settings.seed);
        JavaRDD<PackedPartition> packed = rows
                .mapPartitionsWithIndex((p, it) -> List.of(packer.pack(p, it)).iterator(), false)
                .persist(StorageLevel.MEMORY_AND_DISK());
        JavaRDD<PackedPartition> training = packed;
        try {
            DataSummary summary = packed.treeAggregate(
                    new DataSummary(settings.standardize ? (float) settings.divisor : 0f,
                            classLabels == null ? 0 : settings.outputs()),
                    DataSummary::add, DataSummary::merge);
            check(summary, settings);
            Standardization st = settings.standardize ? summary.standardization() : null;
            if (st != null || settings.divisor != 1) {
                float divisor = (float) settings.divisor;
                float[] mean = st == null ? null : st.mean();
                float[] scale = st == null ? null : st.scale();
                training = packed.map(p -> p.preprocessed(divisor, mean, scale))
                        .persist(StorageLevel.MEMORY_AND_DISK());
            }
            float[] weights = classLabels == null ? null : settings.classWeights(summary.classCounts());
            return new ModelAveraging(settings, weights, training, packed).train(st, summary.validationRows > 0,
                    classLabels, featureNames);
        } finally {
            packed.unpersist(false);
            training.unpersist(false);
        }
    }

    private static void check(DataSummary summary, TrainingSettings settings) {
        if (summary.problem != null) {
            throw new IllegalArgumentException(summary.problem);
        }
        if (summary.trainRows == 0) {
            throw new IllegalArgumentException("the DataFrame is empty: there are no rows to train on");
        }
        if (settings.validationFraction > 0 && summary.validationRows == 0) {
            throw new IllegalArgumentException("validationFraction " + settings.validationFraction + " of "
                    + summary.trainRows + " rows held out none: each partition rounds its share to zero rows;"
                    + " use a larger fraction or fewer partitions");
        }
    }

    private Outcome train(Standardization standardization, boolean validate, ClassLabels classLabels,
                          List<String> featureNames) {
        TrainingState state = settings.localTrainer(Backends.get(Backends.NAIVE), classWeights).initialState(null);
        EarlyStopping earlyStopping = settings.earlyStopping();
        Judge judge = earlyStopping == null ? null : new Judge(earlyStopping);
        List<EpochMetrics> history = new ArrayList<>();
        boolean stoppedEarly = false;
        int rounds = 0;
        String trainer = null;
        String backend = null;
        while (state.epochsCompleted() < settings.epochs) {
            rounds++;
            int epochs = Math.min(settings.localEpochs, settings.epochs - state.epochsCompleted());
            long started = System.nanoTime();
            RoundResult result = round(state, epochs);
            if (result.problem() != null) {
                throw new IllegalStateException(result.problem());
            }
            state = result.mean(state, state.epochsCompleted() + epochs);
            trainer = result.trainer();
            backend = result.backend();
            if (packed != null) {
                packed.unpersist(false);
                packed = null;
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            ValidationResult v = validate ? validate(state.parameters()) : new ValidationResult();
            boolean meanLoss = settings.loss.isMean();
            EpochMetrics metrics = new EpochMetrics(state.epochsCompleted(), seconds, result.loss(meanLoss), Double.NaN,
                    v.loss(meanLoss), v.accuracy(), Double.NaN, v.meanAbsoluteError(), v.rootMeanSquaredError(), v.r2(),
                    Double.NaN, Double.NaN, Double.NaN);
            history.add(metrics);
            LOG.log(System.Logger.Level.DEBUG, () -> String.format(Locale.ROOT,
                    "round %d: %d epoch(s) done, %.2f s, loss %.5f, validation loss %.5f, validation accuracy %.4f",
                    history.size(), metrics.epoch(), metrics.seconds(), metrics.loss(), metrics.validationLoss(),
                    metrics.validationAccuracy()));
            if (judge != null && judge.stopAfter(metrics, state.parameters())) {
                stoppedEarly = state.epochsCompleted() < settings.epochs;
                break;
            }
        }
        ModelParameters trained = judge != null && judge.bestParameters != null ? judge.bestParameters
                : state.parameters();
        Map<String, String> metadata = new HashMap<>();
        metadata.put("trainer", trainer);
        metadata.put("backend", backend);
        metadata.put(Network.LOSS_KEY, settings.loss.id());
        metadata.put("epochsTrained", Integer.toString(state.epochsCompleted()));
        metadata.put("stopReason", stoppedEarly ? "early_stopped" : "completed");
        if (judge != null && judge.bestEpoch > 0) {
            metadata.put("bestEpoch", Integer.toString(judge.bestEpoch));
        }
        metadata.put("sparkPartitions", Integer.toString(partitions.getNumPartitions()));
        metadata.put("sparkRounds", Integer.toString(rounds));
        metadata.put("localEpochs", Integer.toString(settings.localEpochs));
        ModelParameters model = fold(trained, standardization).withClassLabels(classLabels)
                .withFeatureNames(featureNames).withMetadata(metadata);
        return new Outcome(model, history);
    }

    /** One round: every partition trains {@code epochs} epochs from {@code state}; returns the weighted sums. */
    private RoundResult round(TrainingState state, int epochs) {
        Broadcast<StateSnapshot> start = sc.broadcast(new StateSnapshot(state));
        try {
            return partitions.mapPartitionsWithIndex(new LocalTraining(settings, classWeights, start, epochs), false)
                    .treeAggregate(new RoundResult(), RoundResult::merge, RoundResult::merge);
        } finally {
            start.destroy();
        }
    }

    /** Scores {@code model} (in training space) on every partition's preprocessed validation rows. */
    private ValidationResult validate(ModelParameters model) {
        Broadcast<NetworkSnapshot> shared = sc.broadcast(NetworkSnapshot.of(model));
        TrainingSettings s = settings;
        try {
            return partitions.mapPartitions(it -> {
                PackedPartition part = it.next();
                if (part.validation == null || part.validation.rows == 0) {
                    return Collections.emptyIterator();
                }
                Backend backend = ExecutorBackends.forTask(s.backend, s.threads);
                try (Model m = Model.of(backend, shared.value().parameters())) {
                    return List.of(ValidationResult.of(m.evaluate(part.validation.samples(s.outputs())),
                            part.validation)).iterator();
                }
            }).treeAggregate(new ValidationResult(), ValidationResult::merge, ValidationResult::merge);
        } finally {
            shared.destroy();
        }
    }

    /**
     * The network in training space turned into one for raw features, as {@link Trainer#fit} does it: the
     * divisor and standardization folded into the first layer and recorded as the model's preprocessing.
     */
    private ModelParameters fold(ModelParameters trained, Standardization standardization) {
        float divisor = (float) settings.divisor;
        Preprocessing preprocessing = standardization == null ? Preprocessing.divisor(divisor)
                : Preprocessing.standardized(divisor, standardization.mean(), standardization.scale());
        List<LayerParameters> layers = new ArrayList<>(trained.layers());
        layers.set(0, preprocessing.foldInto(layers.get(0)));
        return trained.withLayers(layers).withPreprocessing(preprocessing);
    }

    /**
     * Early stopping on the driver, round by round, as the Trainer's own judges epoch by epoch: the best
     * monitored value, its epoch and (to restore them) its parameters, and the rounds since.
     */
    private static final class Judge {
        private final EarlyStopping settings;
        private double best = Double.NaN;
        private int bestEpoch;
        private ModelParameters bestParameters;
        private int withoutImprovement;

        Judge(EarlyStopping settings) {
            this.settings = settings;
        }

        /** Takes a round's validation result into account; returns whether patience has run out. */
        boolean stopAfter(EpochMetrics round, ModelParameters parameters) {
            double value = settings.monitor() == EarlyStopping.Monitor.VALIDATION_LOSS ? round.validationLoss()
                    : round.validationAccuracy();
            if (settings.improves(value, best)) {
                best = value;
                bestEpoch = round.epoch();
                bestParameters = settings.restoreBest() ? parameters : null;
                withoutImprovement = 0;
                return false;
            }
            return ++withoutImprovement >= settings.patience();
        }
    }

    /** What each task of a round runs on its partition. */
    private static final class LocalTraining
            implements Function2<Integer, Iterator<PackedPartition>, Iterator<RoundResult>> {
        private static final long serialVersionUID = 1L;

        private final TrainingSettings settings;
        private final float[] classWeights;
        private final Broadcast<StateSnapshot> start;
        private final int epochs;

        LocalTraining(TrainingSettings settings, float[] classWeights, Broadcast<StateSnapshot> start, int epochs) {
            this.settings = settings;
            this.classWeights = classWeights;
            this.start = start;
            this.epochs = epochs;
        }

        @Override
        public Iterator<RoundResult> call(Integer partition, Iterator<PackedPartition> it) {
            PackedPartition part = it.next();
            if (part.train.rows == 0) {
                return Collections.emptyIterator();
            }
            Backend backend = ExecutorBackends.forTask(settings.backend, settings.threads);
            Trainer trainer = settings.localTrainer(backend, classWeights);
            TrainingState from = start.value().state();
            double[] lastLoss = {Double.NaN};
            TrainingListener listener = new TrainingListener() {
                @Override
                public void epochFinished(EpochMetrics metrics) {
                    lastLoss[0] = metrics.loss();
                }
            };
            try {
                TrainingState end = trainer.trainEpochs(part.train.samples(settings.outputs()), from, epochs,
                        Seeds.partition(from.runSeed(), partition), listener);
                return List.of(RoundResult.of(partition, end, part.train.rows, lastLoss[0], backend.description(),
                        settings.trainer(backend).toString())).iterator();
            } catch (TrainingDivergedException e) {
                return List.of(RoundResult.failed(partition, "training diverged on partition " + partition + ": "
                        + e.getMessage() + "; try a lower learningRate")).iterator();
            }
        }
    }
}
