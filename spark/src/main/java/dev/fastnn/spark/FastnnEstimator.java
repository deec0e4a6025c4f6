package dev.fastnn.spark;

import dev.fastnn.kernels.Activation;
import dev.fastnn.kernels.Backends;
import dev.fastnn.network.model.ClassLabels;
import dev.fastnn.network.model.Initializer;
import dev.fastnn.network.model.Loss;
import dev.fastnn.network.model.ModelParameters;
import dev.fastnn.network.train.EarlyStopping;
import dev.fastnn.network.train.Optimizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Function1;

/**
 * What {@link FastnnClassifier} and {@link FastnnRegressor} share: a Spark ML param for every setting of
 * fastnn's {@code Trainer} builder, the data-parallel settings ({@code localEpochs}, {@code numPartitions})
 * and {@code fit}, which trains by model averaging over the DataFrame's partitions ({@link ModelAveraging}).
 *
 * <p>The defaults are a recipe that trains well on most data: ReLU hidden layers with He initialization,
 * Adam at 0.001, batches of 64, standardized features, 10 epochs. {@code layers} has no default: it gives
 * the inputs (the size of the feature vectors), the hidden layers and the outputs (one per class, or one
 * for regression).
 *
 * @param <E> the concrete Estimator, which the setters return
 * @param <M> the Model it fits
 */
public abstract class FastnnEstimator<E extends FastnnEstimator<E, M>, M extends FastnnModel<M>> extends Estimator<M>
        implements ScoringParams<E>, MLWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final Definitions scoringParams;
    private final Param<String> labelCol;
    private final IntArrayParam layers;
    private final Param<String> hiddenActivation;
    private final Param<String> outputActivation;
    private final BooleanParam biases;
    private final Param<String> loss;
    private final Param<String> initializer;
    private final Param<String> optimizer;
    private final DoubleParam learningRate;
    private final DoubleParam momentum;
    private final Param<String> schedule;
    private final DoubleParam scheduleFactor;
    private final IntParam scheduleEvery;
    private final IntParam warmupEpochs;
    private final DoubleParam l2;
    private final DoubleParam weightDecay;
    private final DoubleParam dropout;
    private final IntParam batchSize;
    private final DoubleParam divisor;
    private final BooleanParam standardize;
    private final IntParam epochs;
    private final BooleanParam shuffle;
    private final LongParam seed;
    private final IntParam localEpochs;
    private final IntParam numPartitions;
    private final DoubleParam validationFraction;
    private final IntParam earlyStoppingPatience;
    private final Param<String> earlyStoppingMonitor;
    private final DoubleParam earlyStoppingMinDelta;
    private final BooleanParam restoreBestWeights;

    /**
     * @param outputActivations the output activations this task allows, the first being the default
     * @param losses            the losses this task allows, the first being the default
     */
    FastnnEstimator(String uid, List<String> outputActivations, List<String> losses) {
        this.uid = uid;
        scoringParams = new Definitions(this);
        labelCol = new Param<>(this, "labelCol", "label column: class indices (0, 1, ...) or strings for a classifier,"
                + " numbers for a regressor");
        layers = new IntArrayParam(this, "layers", "layer sizes, inputs first, outputs last, e.g. [784, 256, 10]",
                validator(sizes -> sizes.length >= 2 && Arrays.stream(sizes).allMatch(s -> s > 0)));
        hiddenActivation = new Param<>(this, "hiddenActivation", "activation of the hidden layers: "
                + String.join(", ", ACTIVATIONS), ParamValidators.inArray(ACTIVATIONS));
        outputActivation = new Param<>(this, "outputActivation", "activation of the output layer: "
                + String.join(", ", outputActivations), ParamValidators.inArray(outputActivations));
        biases = new BooleanParam(this, "biases", "whether layers have biases");
        loss = new Param<>(this, "loss", "what training minimizes: " + String.join(", ", losses),
                ParamValidators.inArray(losses));
        initializer = new Param<>(this, "initializer", "how weights start: uniform, xavier, he",
                ParamValidators.inArray(List.of("uniform", "xavier", "he")));
        optimizer = new Param<>(this, "optimizer", "how parameters move: " + String.join(", ", TrainingSettings.OPTIMIZERS),
                ParamValidators.inArray(TrainingSettings.OPTIMIZERS));
        learningRate = new DoubleParam(this, "learningRate", "the optimizer's learning rate (> 0); unset, the optimizer's"
                + " own default: " + TrainingSettings.OPTIMIZERS.stream()
                        .map(o -> o + " " + Optimizer.defaultLearningRate(o)).collect(Collectors.joining(", ")),
                ParamValidators.gt(0));
        momentum = new DoubleParam(this, "momentum", "momentum of the momentum optimizer, in [0, 1)",
                ParamValidators.inRange(0, 1, true, false));
        schedule = new Param<>(this, "schedule", "learning-rate schedule, applied per batch: "
                + String.join(", ", TrainingSettings.SCHEDULES), ParamValidators.inArray(TrainingSettings.SCHEDULES));
        scheduleFactor = new DoubleParam(this, "scheduleFactor", "in (0, 1]: the step schedule's factor every"
                + " scheduleEvery epochs, the exponential schedule's factor per epoch",
                ParamValidators.inRange(0, 1, false, true));
        scheduleEvery = new IntParam(this, "scheduleEvery", "epochs between the step schedule's steps (>= 1)",
                ParamValidators.gtEq(1));
        warmupEpochs = new IntParam(this, "warmupEpochs", "epochs of linear learning-rate warm-up before the schedule",
                ParamValidators.gtEq(0));
        l2 = new DoubleParam(this, "l2", "L2 penalty on the weights (not the biases), >= 0", ParamValidators.gtEq(0));
        weightDecay = new DoubleParam(this, "weightDecay", "decoupled weight decay (AdamW style, biases excluded), >= 0",
                ParamValidators.gtEq(0));
        dropout = new DoubleParam(this, "dropout", "inverted dropout rate of the hidden layers in training, in [0, 1)",
                ParamValidators.inRange(0, 1, true, false));
        batchSize = new IntParam(this, "batchSize", "samples per step (>= 1)", ParamValidators.gtEq(1));
        divisor = new DoubleParam(this, "divisor", "features are divided by this before training (e.g. 255 for"
                + " pixels), folded into the model", validator(d -> d instanceof Double v && Double.isFinite(v) && v != 0));
        standardize = new BooleanParam(this, "standardize", "train on standardized features (statistics of the whole"
                + " training data), folded into the model");
        epochs = new IntParam(this, "epochs", "passes over the training data (>= 1)", ParamValidators.gtEq(1));
        shuffle = new BooleanParam(this, "shuffle", "whether each epoch visits a partition's samples in a new order");
        seed = new LongParam(this, "seed", "seed of every random choice: initial weights, shuffles, validation rows");
        localEpochs = new IntParam(this, "localEpochs", "epochs each partition trains between two averagings (>= 1)",
                ParamValidators.gtEq(1));
        numPartitions = new IntParam(this, "numPartitions", "partitions to train on (each averaged in every round);"
                + " 0 keeps the DataFrame's partitioning", ParamValidators.gtEq(0));
        validationFraction = new DoubleParam(this, "validationFraction", "share of each partition's rows held out to"
                + " validate on (stratified by class), in [0, 1)", ParamValidators.inRange(0, 1, true, false));
        earlyStoppingPatience = new IntParam(this, "earlyStoppingPatience", "stop after this many rounds without"
                + " improvement on the validation rows; 0 trains every epoch", ParamValidators.gtEq(0));
        earlyStoppingMonitor = new Param<>(this, "earlyStoppingMonitor", "what early stopping watches: validationLoss,"
                + " validationAccuracy", ParamValidators.inArray(List.of("validationLoss", "validationAccuracy")));
        earlyStoppingMinDelta = new DoubleParam(this, "earlyStoppingMinDelta", "the least change that counts as an"
                + " improvement (>= 0)", ParamValidators.gtEq(0));
        restoreBestWeights = new BooleanParam(this, "restoreBestWeights", "with early stopping, keep the weights of the"
                + " best round rather than the last");

        setDefault(labelCol, "label");
        setDefault(hiddenActivation, "relu");
        setDefault(outputActivation, outputActivations.get(0));
        setDefault(biases, true);
        setDefault(loss, losses.get(0));
        setDefault(initializer, "he");
        setDefault(optimizer, "adam");
        setDefault(momentum, 0.9);
        setDefault(schedule, "constant");
        setDefault(scheduleFactor, 0.5);
        setDefault(scheduleEvery, 1);
        setDefault(warmupEpochs, 0);
        setDefault(l2, 0.0);
        setDefault(weightDecay, 0.0);
        setDefault(dropout, 0.0);
        setDefault(batchSize, 64);
        setDefault(divisor, 1.0);
        setDefault(standardize, true);
        setDefault(epochs, 10);
        setDefault(shuffle, true);
        setDefault(seed, 1L);
        setDefault(localEpochs, 1);
        setDefault(numPartitions, 0);
        setDefault(validationFraction, 0.0);
        setDefault(earlyStoppingPatience, 0);
        setDefault(earlyStoppingMonitor, EarlyStopping.Monitor.VALIDATION_LOSS.id());
        setDefault(earlyStoppingMinDelta, 0.0);
        setDefault(restoreBestWeights, true);
    }

    private static final List<String> ACTIVATIONS = Arrays.stream(Activation.values())
            .map(a -> a.name().toLowerCase(Locale.ROOT)).toList();

    /** A serializable param validator: a Spark param travels with its stage. */
    @SuppressWarnings("unchecked")
    static <T> Function1<T, Object> validator(SerializablePredicate<T> test) {
        return (Function1<T, Object> & java.io.Serializable) value -> test.test(value);
    }

    interface SerializablePredicate<T> extends java.io.Serializable {
        boolean test(T value);
    }

    @Override
    public String uid() {
        return uid;
    }

    // ------------------------------------------------------------------ the params, in the order of their docs

    @Override
    public Definitions scoringParams() {
        return scoringParams;
    }

    public Param<String> labelCol() {
        return labelCol;
    }

    public IntArrayParam layers() {
        return layers;
    }

    public Param<String> hiddenActivation() {
        return hiddenActivation;
    }

    public Param<String> outputActivation() {
        return outputActivation;
    }

    public BooleanParam biases() {
        return biases;
    }

    public Param<String> loss() {
        return loss;
    }

    public Param<String> initializer() {
        return initializer;
    }

    public Param<String> optimizer() {
        return optimizer;
    }

    public DoubleParam learningRate() {
        return learningRate;
    }

    public DoubleParam momentum() {
        return momentum;
    }

    public Param<String> schedule() {
        return schedule;
    }

    public DoubleParam scheduleFactor() {
        return scheduleFactor;
    }

    public IntParam scheduleEvery() {
        return scheduleEvery;
    }

    public IntParam warmupEpochs() {
        return warmupEpochs;
    }

    public DoubleParam l2() {
        return l2;
    }

    public DoubleParam weightDecay() {
        return weightDecay;
    }

    public DoubleParam dropout() {
        return dropout;
    }

    public IntParam batchSize() {
        return batchSize;
    }

    public DoubleParam divisor() {
        return divisor;
    }

    public BooleanParam standardize() {
        return standardize;
    }

    public IntParam epochs() {
        return epochs;
    }

    public BooleanParam shuffle() {
        return shuffle;
    }

    public LongParam seed() {
        return seed;
    }

    public IntParam localEpochs() {
        return localEpochs;
    }

    public IntParam numPartitions() {
        return numPartitions;
    }

    public DoubleParam validationFraction() {
        return validationFraction;
    }

    public IntParam earlyStoppingPatience() {
        return earlyStoppingPatience;
    }

    public Param<String> earlyStoppingMonitor() {
        return earlyStoppingMonitor;
    }

    public DoubleParam earlyStoppingMinDelta() {
        return earlyStoppingMinDelta;
    }

    public BooleanParam restoreBestWeights() {
        return restoreBestWeights;
    }

    // ------------------------------------------------------------------ getters

    public String getLabelCol() {
        return $(labelCol);
    }

    /** The layer sizes; throws, saying how to set them, while they are not set. */
    public int[] getLayers() {
        if (!isDefined(layers)) {
            throw new IllegalArgumentException("layers is not set: give the sizes with setLayers(inputs, hidden...,"
                    + " outputs), e.g. setLayers(784, 256, 10)");
        }
        return $(layers).clone();
    }

    public String getHiddenActivation() {
        return $(hiddenActivation);
    }

    public String getOutputActivation() {
        return $(outputActivation);
    }

    public boolean getBiases() {
        return (Boolean) $(biases);
    }

    public String getLoss() {
        return $(loss);
    }

    public String getInitializer() {
        return $(initializer);
    }

    public String getOptimizer() {
        return $(optimizer);
    }

    /** The rate set, or else the chosen optimizer's own default (so that sgd does not step at Adam's rate). */
    public double getLearningRate() {
        return isDefined(learningRate) ? (Double) $(learningRate) : Optimizer.defaultLearningRate(getOptimizer());
    }

    public double getMomentum() {
        return (Double) $(momentum);
    }

    public String getSchedule() {
        return $(schedule);
    }

    public double getScheduleFactor() {
        return (Double) $(scheduleFactor);
    }

    public int getScheduleEvery() {
        return (Integer) $(scheduleEvery);
    }

    public int getWarmupEpochs() {
        return (Integer) $(warmupEpochs);
    }

    public double getL2() {
        return (Double) $(l2);
    }

    public double getWeightDecay() {
        return (Double) $(weightDecay);
    }

    public double getDropout() {
        return (Double) $(dropout);
    }

    public int getBatchSize() {
        return (Integer) $(batchSize);
    }

    public double getDivisor() {
        return (Double) $(divisor);
    }

    public boolean getStandardize() {
        return (Boolean) $(standardize);
    }

    public int getEpochs() {
        return (Integer) $(epochs);
    }

    public boolean getShuffle() {
        return (Boolean) $(shuffle);
    }

    public long getSeed() {
        return (Long) $(seed);
    }

    public int getLocalEpochs() {
        return (Integer) $(localEpochs);
    }

    public int getNumPartitions() {
        return (Integer) $(numPartitions);
    }

    public double getValidationFraction() {
        return (Double) $(validationFraction);
    }

    public int getEarlyStoppingPatience() {
        return (Integer) $(earlyStoppingPatience);
    }

    public String getEarlyStoppingMonitor() {
        return $(earlyStoppingMonitor);
    }

    public double getEarlyStoppingMinDelta() {
        return (Double) $(earlyStoppingMinDelta);
    }

    public boolean getRestoreBestWeights() {
        return (Boolean) $(restoreBestWeights);
    }

    // ------------------------------------------------------------------ setters

    @SuppressWarnings("unchecked")
    private E with(Params p) {
        return (E) p;
    }

    public E setLabelCol(String column) {
        return with(set(labelCol, column));
    }

    public E setLayers(int... sizes) {
        return with(set(layers, sizes.clone()));
    }

    public E setHiddenActivation(String name) {
        return with(set(hiddenActivation, name.toLowerCase(Locale.ROOT)));
    }

    public E setOutputActivation(String name) {
        return with(set(outputActivation, name.toLowerCase(Locale.ROOT)));
    }

    public E setBiases(boolean value) {
        return with(set(biases, value));
    }

    public E setLoss(String name) {
        return with(set(loss, name.toLowerCase(Locale.ROOT)));
    }

    public E setInitializer(String name) {
        return with(set(initializer, name.toLowerCase(Locale.ROOT)));
    }

    public E setOptimizer(String name) {
        return with(set(optimizer, name.toLowerCase(Locale.ROOT)));
    }

    public E setLearningRate(double value) {
        return with(set(learningRate, value));
    }

    public E setMomentum(double value) {
        return with(set(momentum, value));
    }

    public E setSchedule(String name) {
        return with(set(schedule, name.toLowerCase(Locale.ROOT)));
    }

    public E setScheduleFactor(double value) {
        return with(set(scheduleFactor, value));
    }

    public E setScheduleEvery(int value) {
        return with(set(scheduleEvery, value));
    }

    public E setWarmupEpochs(int value) {
        return with(set(warmupEpochs, value));
    }

    public E setL2(double value) {
        return with(set(l2, value));
    }

    public E setWeightDecay(double value) {
        return with(set(weightDecay, value));
    }

    public E setDropout(double value) {
        return with(set(dropout, value));
    }

    public E setBatchSize(int value) {
        return with(set(batchSize, value));
    }

    public E setDivisor(double value) {
        return with(set(divisor, value));
    }

    public E setStandardize(boolean value) {
        return with(set(standardize, value));
    }

    public E setEpochs(int value) {
        return with(set(epochs, value));
    }

    public E setShuffle(boolean value) {
        return with(set(shuffle, value));
    }

    public E setSeed(long value) {
        return with(set(seed, value));
    }

    public E setLocalEpochs(int value) {
        return with(set(localEpochs, value));
    }

    public E setNumPartitions(int value) {
        return with(set(numPartitions, value));
    }

    public E setValidationFraction(double value) {
        return with(set(validationFraction, value));
    }

    public E setEarlyStoppingPatience(int value) {
        return with(set(earlyStoppingPatience, value));
    }

    public E setEarlyStoppingMonitor(String name) {
        return with(set(earlyStoppingMonitor, name));
    }

    public E setEarlyStoppingMinDelta(double value) {
        return with(set(earlyStoppingMinDelta, value));
    }

    public E setRestoreBestWeights(boolean value) {
        return with(set(restoreBestWeights, value));
    }

    // ------------------------------------------------------------------ fitting

    /** Whether this Estimator classifies (class labels) rather than regresses (numeric targets). */
    abstract boolean classifies();

    /** A Model of this Estimator's kind for the trained {@code parameters}. */
    abstract M newModel(String uid, ModelParameters parameters);

    /** {@code schema} with the output columns of the fitted Model. */
    abstract StructType appendOutputs(StructType schema);

    @Override
    public StructType transformSchema(StructType schema) {
        FeatureColumn.of(schema, getFeaturesCol());
        LabelColumn.check(schema, getLabelCol(), classifies());
        return appendOutputs(schema);
    }

    /**
     * Trains a network on {@code dataset} by model averaging over its partitions (see {@link ModelAveraging}).
     * Every row is checked before training starts: null or non-finite features, vectors of another size than
     * {@code layers[0]}, labels that are not class indices below {@code layers[last]} (or not finite targets)
     * and an empty DataFrame fail with an {@link IllegalArgumentException} naming the column and the problem.
     */
    @Override
    public M fit(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        TrainingSettings settings = new TrainingSettings(this);
        checkSettings(settings);
        // Building a Trainer checks the combination of settings (loss and output activation, ...) before any job;
        // the driver's computes nothing, so it need not have the executors' backend.
        settings.trainer(Backends.get(Backends.NAIVE));
        Dataset<Row> input = dataset.select(functions.col(getFeaturesCol()), functions.col(getLabelCol()));
        FeatureColumn features = FeatureColumn.of(input.schema(), getFeaturesCol());
        List<String> strings = null;
        LabelColumn labels;
        if (!classifies()) {
            labels = LabelColumn.targets(input.schema(), getLabelCol());
        } else if (LabelColumn.holdsStrings(input.schema(), getLabelCol())) {
            strings = distinctLabels(input, settings.outputs());
            labels = LabelColumn.strings(input.schema(), getLabelCol(), strings);
        } else {
            labels = LabelColumn.classIndices(input.schema(), getLabelCol());
        }
        ClassLabels classLabels = labels.classLabels(strings, settings.outputs());
        ModelAveraging.Outcome outcome = ModelAveraging.fit(input, features, labels, classLabels,
                featureNames(dataset.schema(), settings.inputs()), settings, getNumPartitions());
        M model = copyValues(newModel(uid, outcome.model()), new ParamMap());
        model.setHistory(outcome.history());
        return model.setParent(this);
    }

    /** Checks what only this kind of Estimator knows; the Trainer checks the rest. */
    void checkSettings(TrainingSettings settings) {
        if (settings.earlyStoppingPatience > 0 && settings.earlyStoppingMonitor == EarlyStopping.Monitor.VALIDATION_ACCURACY
                && !classifies()) {
            throw new IllegalArgumentException("a regressor has no validation accuracy: monitor validationLoss");
        }
    }

    /** The sorted distinct string labels, one per output; one small job. */
    private List<String> distinctLabels(Dataset<Row> input, int outputs) {
        String name = getLabelCol();
        int shown = outputs + 20;
        List<Row> rows = input.select(functions.col(name)).where(functions.col(name).isNotNull()).distinct()
                .limit(shown + 1).collectAsList();
        List<String> labels = new ArrayList<>();
        for (Row r : rows) {
            labels.add(r.getString(0));
        }
        labels.sort(null);
        if (labels.size() != outputs) {
            String found = labels.size() > shown ? "more than " + shown + " distinct labels"
                    : labels.size() + " distinct labels " + labels;
            throw new IllegalArgumentException("label column '" + name + "' holds " + found + " but the last layer has "
                    + outputs + " outputs; give it one output per label");
        }
        return labels;
    }

    /** The names of the features from the column's ML attributes (as VectorAssembler writes them), or none. */
    private List<String> featureNames(StructType schema, int inputs) {
        StructField field = schema.apply(getFeaturesCol());
        if (!field.dataType().equals(SQLDataTypes.VectorType())) {
            return List.of();
        }
        AttributeGroup group = AttributeGroup.fromStructField(field);
        if (group.attributes().isEmpty() || group.size() != inputs) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        for (Attribute a : group.attributes().get()) {
            if (a.name().isEmpty()) {
                return List.of();
            }
            names.add(a.name().get());
        }
        return names;
    }

    @Override
    public MLWriter write() {
        return new StageDirectory.Writer(this, null);
    }

    /** Every setting, for a log line. */
    @Override
    public String toString() {
        return getClass().getSimpleName() + "[uid=" + uid + ", " + extractParamMap().toString().replace('\n', ' ') + "]";
    }
}
