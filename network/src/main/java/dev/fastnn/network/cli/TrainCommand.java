package dev.fastnn.network.cli;

import dev.fastnn.kernels.Activation;
import dev.fastnn.kernels.Backend;
import dev.fastnn.network.data.Dataset;
import dev.fastnn.network.data.FashionMnist;
import dev.fastnn.network.io.AtomicFile;
import dev.fastnn.network.io.CheckpointFile;
import dev.fastnn.network.io.ModelFile;
import dev.fastnn.network.model.Initializer;
import dev.fastnn.network.model.Loss;
import dev.fastnn.network.model.Task;
import dev.fastnn.network.plot.Charts;
import dev.fastnn.network.train.ClassWeights;
import dev.fastnn.network.train.EarlyStopping;
import dev.fastnn.network.train.EpochMetrics;
import dev.fastnn.network.train.Model;
import dev.fastnn.network.train.Optimizer;
import dev.fastnn.network.train.Samples;
import dev.fastnn.network.train.TabularDefaults;
import dev.fastnn.network.train.Trainer;
import dev.fastnn.network.train.TrainingListener;
import dev.fastnn.network.train.TrainingState;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code fastnn train}: a {@link Trainer} configured from options, with progress, metrics, plot and model file. */
@Command(name = "train", sortOptions = false, abbreviateSynopsis = true, description = {
        "Train a network on Fashion-MNIST (--dataset) or a CSV file (--csv), showing progress, and save the model, "
                + "the metrics per epoch and the training curves.",
        "For --csv, every training option not given comes from the data and is printed first: layer sizes from "
                + "its columns and classes, standardized features, one ReLU hidden layer, Adam, and epochs for about "
                + TabularDefaults.STEPS + " steps at the batch size used. The defaults shown below are those of "
                + "--dataset.",
        "Example: fastnn train --csv wine.csv --label-column last --validation-split 0.2 --out wine.fnn",
        "Example: fastnn train --dataset fashion-mnist --layers 784,256,10 --activation relu --initializer he "
                + "--optimizer adam --lr 0.001 --standardize --out model.fnn"})
final class TrainCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @ParentCommand
    private Main root;

    @Mixin
    private DataOptions data;

    @Option(names = "--test-csv", paramLabel = "FILE",
            description = "A CSV file of test samples (same format as --csv), scored after each epoch: accuracy, or "
                    + "for --task regression MAE, RMSE and R^2.")
    private Path testCsv;

    @Option(names = "--task", paramLabel = "NAME", defaultValue = "classification",
            converter = OptionConverters.TaskName.class, completionCandidates = OptionConverters.TaskNames.class,
            description = "What the CSV label column holds: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}; "
                    + "regression: a number per row, an identity output and mean squared error).")
    private Task task;

    @Option(names = "--validation-split", paramLabel = "F", converter = OptionConverters.OpenFraction.class,
            description = "Hold out this fraction of the training rows (stratified by class, drawn from --seed) "
                    + "and report validation loss and accuracy after each epoch.")
    private Double validationSplit;

    @Option(names = "--layers", paramLabel = "SIZES", converter = OptionConverters.Layers.class,
            description = "Layer sizes, inputs first and outputs (classes) last, e.g. 784,256,10; required with "
                    + "--dataset, from the data for --csv.")
    private LayerSizes layers;

    @Option(names = "--activation", paramLabel = "NAME", defaultValue = "sigmoid",
            converter = OptionConverters.HiddenActivation.class,
            completionCandidates = OptionConverters.HiddenActivationNames.class,
            description = "Activation of the hidden layers: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    private Activation activation;

    @Option(names = "--loss", paramLabel = "NAME", defaultValue = "cross-entropy",
            converter = OptionConverters.LossName.class, completionCandidates = OptionConverters.LossNames.class,
            description = "What training minimizes: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}; "
                    + "cross-entropy has a softmax output layer, the others a sigmoid one).")
    private Loss loss;

    @Option(names = "--class-weights", paramLabel = "W", converter = OptionConverters.ClassWeightList.class,
            description = "Weight of each class's samples in the loss: 'balanced' (n / (classes n_c), from the training "
                    + "labels) or one number per class, e.g. 1,4,1 (default: all 1).")
    private ClassWeights classWeights;

    @Option(names = "--initializer", paramLabel = "NAME", defaultValue = "xavier",
            converter = OptionConverters.InitializerName.class,
            completionCandidates = OptionConverters.InitializerNames.class,
            description = "How the weights start: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    private Initializer initializer;

    @Option(names = "--optimizer", paramLabel = "NAME", defaultValue = "sgd",
            converter = OptionConverters.OptimizerName.class, completionCandidates = OptionConverters.OptimizerNames.class,
            description = "How the parameters move: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    private String optimizer;

    @Option(names = "--lr", paramLabel = "RATE", converter = OptionConverters.PositiveFloat.class,
            description = "Learning rate (default: the optimizer's, " + Optimizer.Sgd.ID + " "
                    + Optimizer.Sgd.DEFAULT_LEARNING_RATE + ", " + Optimizer.Momentum.ID + " "
                    + Optimizer.Momentum.DEFAULT_LEARNING_RATE + ", " + Optimizer.Adam.ID + " "
                    + Optimizer.Adam.DEFAULT_LEARNING_RATE + "; for --csv " + Optimizer.Adam.ID + " "
                    + TabularDefaults.ADAM_CLASSIFICATION_RATE + ", and for --task regression " + Optimizer.Sgd.ID + " "
                    + TabularDefaults.SGD_REGRESSION_RATE + ", " + Optimizer.Momentum.ID + " "
                    + TabularDefaults.MOMENTUM_REGRESSION_RATE + ", " + Optimizer.Adam.ID + " "
                    + TabularDefaults.ADAM_REGRESSION_RATE + ").")
    private Float learningRate;

    @Mixin
    private ScheduleOptions schedule;

    @Mixin
    private RegularizationOptions regularization;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "128", converter = OptionConverters.PositiveInt.class,
            description = "Samples per step (default: ${DEFAULT-VALUE}).")
    private int batch;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "10", converter = OptionConverters.PositiveInt.class,
            description = "Passes over the training set (default: ${DEFAULT-VALUE}).")
    private int epochs;

    @Option(names = "--standardize", negatable = true, description = "Train on standardized features (default: off "
            + "for --dataset, on for --csv; --no-standardize turns it off); the saved model folds that in and takes "
            + "raw features.")
    private boolean standardize;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
            description = "Seed of the initial weights and the shuffling (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Mixin
    private EarlyStoppingOptions earlyStopping;

    @Mixin
    private BackendOptions backendOptions;

    @Option(names = "--out", paramLabel = "FILE.fnn", description = "Save the trained model (docs/model-format.md).")
    private Path modelOut;

    @Option(names = "--metrics", paramLabel = "FILE.json",
            description = "Save one JSON entry per epoch: epoch, seconds, loss, trainingAccuracy, validationLoss, "
                    + "validationAccuracy, testAccuracy, and for regression validationMeanAbsoluteError, "
                    + "validationRootMeanSquaredError, validationR2, testMeanAbsoluteError, testRootMeanSquaredError, "
                    + "testR2 (null where not measured).")
    private Path metrics;

    @Option(names = "--plot", paramLabel = "FILE.png", description = "Draw the training curves as a PNG.")
    private Path plot;

    @Option(names = "--progress", paramLabel = "MODE", defaultValue = "auto",
            converter = ProgressReporter.Mode.Converter.class, completionCandidates = ProgressReporter.Mode.Names.class,
            description = "Progress on the standard output: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}, a bar "
                    + "on a terminal and one line per epoch elsewhere).")
    private ProgressReporter.Mode progress;

    @Mixin
    private CheckpointOptions checkpoints;

    @Override
    public Integer call() throws IOException, UsageException {
        data.check();
        if (testCsv != null && !data.isCsv()) {
            throw new UsageException("--test-csv goes with --csv");
        }
        if (!data.isCsv() && task == Task.REGRESSION) {
            throw new UsageException("--task regression goes with --csv; " + FashionMnist.NAME + " is a set of classes");
        }
        if (!data.isCsv() && layers == null) {
            throw new UsageException("--layers is required with --dataset, e.g. --layers 784,256,10 (for --csv the sizes "
                    + "come from the data)");
        }
        if (task == Task.REGRESSION && data.given("--loss") && loss == Loss.SOFTMAX_CROSS_ENTROPY) {
            throw new UsageException("--loss cross-entropy is for classes; --task regression trains with mse or sse");
        }
        schedule.check();
        EarlyStopping stopping = earlyStopping.earlyStopping();
        if (stopping != null && validationSplit == null) {
            throw new UsageException("--early-stopping watches the validation set: add --validation-split F");
        }
        if (classWeights != null && task == Task.REGRESSION) {
            throw new UsageException("--class-weights weigh classes; --task regression has none");
        }
        int checkpointEvery = checkpoints.every();
        PrintWriter out = spec.commandLine().getOut();
        CommandFiles files = new CommandFiles(out, spec.commandLine().getErr())
                .input("--csv", data.csv()).input("--test-csv", testCsv)
                .output("--out", modelOut).output("--metrics", metrics).output("--plot", plot)
                .output("--checkpoint", checkpoints.file);
        // Resuming from the checkpoint being written is the usual way to continue a run (the file is read
        // before it is first replaced), so only then is --resume no input of its own.
        if (!checkpoints.sameFile()) {
            files.input("--resume", checkpoints.resume);
        }
        files.check();
        try (Backend backend = backendOptions.backend()) {
            return train(backend, files, stopping, checkpointEvery, out);
        }
    }

    /** The work, once the options and files are checked; the exit status. */
    private int train(Backend backend, CommandFiles files, EarlyStopping stopping, int checkpointEvery, PrintWriter out)
            throws IOException, UsageException {
        Dataset[] sets = data.trainAndTest(testCsv, task);
        Dataset trainSet = sets[0];
        Dataset validationSet = null;
        if (validationSplit != null) {
            Dataset.Split split = trainSet.split(validationSplit, seed);
            trainSet = split.train();
            validationSet = split.validation();
        }
        Samples train = samples(trainSet);
        Samples validation = validationSet == null ? null : samples(validationSet);
        Samples test = sets[1] == null ? null : samples(sets[1]);
        if (classWeights != null) {
            try {
                classWeights.checkClasses(train.outputs());
            } catch (IllegalArgumentException e) {
                throw new UsageException("--class-weights: " + e.getMessage());
            }
        }
        Trainer.Builder builder;
        int trainerEpochs = epochs;
        TabularDefaults defaults = null;
        if (data.isCsv()) {
            defaults = TabularDefaults.of(train);
            if (data.given("--optimizer")) {
                defaults = defaults.withOptimizer(optimizer);
            }
            if (data.given("--batch")) {
                defaults = defaults.withBatchSize(batch);
            }
            builder = defaults.builder();
            overrideGiven(builder, defaults);
            trainerEpochs = data.given("--epochs") ? epochs : defaults.epochs();
        } else {
            layers.checkBatch(batch);
            builder = Trainer.builder()
                    .layers(layers.sizes())
                    .hiddenActivation(activation)
                    .loss(loss)
                    .initializer(initializer)
                    .optimizer(learningRate == null ? Optimizer.parse(optimizer)
                            : Optimizer.parse(optimizer, learningRate))
                    .standardize(standardize)
                    .batchSize(batch)
                    .epochs(epochs);
        }
        builder.schedule(schedule.schedule(trainerEpochs))
                .regularization(regularization.regularization())
                .dropout(regularization.dropout());
        if (stopping != null) {
            builder.earlyStopping(stopping);
        }
        if (classWeights != null) {
            builder.classWeights(classWeights);
        }
        Trainer trainer = builder
                .divisor(data.divisor())
                .seed(seed)
                .backend(backend)
                .build();
        CheckpointFile.Checkpoint checkpoint = checkpoints.resume == null ? null
                : resumable(checkpoints.resume, trainer);
        // Printed once every option has been checked, so that a usage error is all a mistyped command prints.
        if (defaults != null) {
            out.println("defaults for this data: " + defaults);
        }
        out.println(trainer);
        out.println("data: " + data.describe(testCsv) + ": " + train.rows() + " training samples"
                + (validation == null ? "" : ", " + validation.rows() + " validation samples (held out"
                        + (validation.isClassification() ? ", stratified)" : ")"))
                + (test == null ? "" : ", " + test.rows() + " test samples")
                + (train.isClassification() ? ", classes " + train.classLabels().values() : ""));
        TrainingState resumed = checkpoint == null ? null : resume(checkpoints.resume, checkpoint, trainer, out);
        ProgressReporter reporter = new ProgressReporter(out, progress, root.writesToTerminal(), trainer.epochs(),
                trainer.loss().isMean());
        TrainingListener listener = checkpointEvery == 0 ? reporter
                : new CheckpointSaver(reporter, checkpoints.file, checkpointEvery, trainer.toString(), out);
        Model trained;
        try {
            trained = resumed == null ? trainer.fit(train, validation, test, listener)
                    : trainer.fit(train, validation, test, listener, resumed);
        } catch (RuntimeException | Error e) {
            // Training that fails (a diverged loss, memory) leaves no output behind but the checkpoints asked for.
            reporter.clearBar();
            throw e;
        }
        try (Model model = trained) {
            if (stopping != null) {
                Map<String, String> meta = model.metadata();
                out.println((meta.get("stopReason").equals("early_stopped") ? "early stopping: stopped after epoch "
                        + meta.get("epochsTrained") : "early stopping: trained every epoch") + "; the model has the weights "
                        + "of epoch " + meta.get("bestEpoch") + ", the best by " + stopping.monitor().id());
            }
            List<EpochMetrics> history = model.history();
            // The model first: it is what took the time.
            files.write(modelOut, "model", () -> ModelFile.save(model.parameters(), modelOut));
            byte[] json = (Json.write(metricsJson(history)) + "\n").getBytes(StandardCharsets.UTF_8);
            files.write(metrics, "metrics", () -> AtomicFile.write(metrics, stream -> stream.write(json)));
            files.write(plot, "plot", () -> Charts.trainingCurves("fastnn train: " + data.describe(testCsv), history,
                    plot));
        }
        return files.status();
    }

    /** The checkpoint in {@code file}, which must hold a run {@code trainer} can continue. */
    private static CheckpointFile.Checkpoint resumable(Path file, Trainer trainer) throws IOException, UsageException {
        CheckpointFile.Checkpoint checkpoint = CheckpointFile.load(file);
        try {
            trainer.checkContinues(checkpoint.state());
        } catch (IllegalArgumentException e) {
            throw new UsageException("cannot resume from " + file + ": " + e.getMessage());
        }
        return checkpoint;
    }

    /** The checkpoint's state, after saying where the run stands and whether its settings were the same. */
    private static TrainingState resume(Path file, CheckpointFile.Checkpoint checkpoint, Trainer trainer,
                                        PrintWriter out) {
        TrainingState state = checkpoint.state();
        out.println("resuming " + file + ": " + state.epochsCompleted() + " of " + trainer.epochs() + " epochs done");
        String now = withoutEpochs(trainer.toString());
        if (!withoutEpochs(checkpoint.trainer()).equals(now)) {
            out.println("note: the checkpoint was written with other settings, so this is not that run continued: "
                    + checkpoint.trainer());
        }
        return state;
    }

    /** Settings apart from the epoch count, which a resumed run may raise. */
    private static String withoutEpochs(String trainer) {
        return trainer.replaceFirst(", epochs=\\d+", "");
    }

    /** Samples of a set read for this run: one output per class (as many as --layers says), or one target. */
    private Samples samples(Dataset d) throws UsageException {
        if (layers == null) {
            return Samples.of(d);
        }
        int features = layers.sizes()[0];
        if (features != d.cols()) {
            throw new UsageException("--layers " + layers + " takes " + features + " inputs but the data has " + d.cols()
                    + " feature columns");
        }
        if (d.hasTargets()) {
            if (layers.outputs() != 1) {
                throw new UsageException("--layers " + layers + " ends in " + layers.outputs()
                        + " outputs; a regression has one target");
            }
            return Samples.of(d);
        }
        if (layers.outputs() < d.classes()) {
            throw new UsageException("--layers " + layers + " ends in " + layers.outputs() + " outputs but the data has "
                    + d.classes() + " classes " + d.classLabels().values());
        }
        return Samples.of(d, layers.outputs());
    }

    /** For CSV data: the options the command line names replace what the data's defaults picked. */
    private void overrideGiven(Trainer.Builder builder, TabularDefaults defaults) throws UsageException {
        if (layers != null) {
            builder.layers(layers.sizes());
        }
        if (data.given("--activation")) {
            builder.hiddenActivation(activation);
        }
        if (data.given("--loss")) {
            builder.loss(loss).outputActivation(loss == Loss.SOFTMAX_CROSS_ENTROPY ? Activation.SOFTMAX
                    : task == Task.REGRESSION ? Activation.IDENTITY : Activation.SIGMOID);
        }
        if (data.given("--initializer")) {
            builder.initializer(initializer);
        }
        if (learningRate != null) {
            builder.optimizer(Optimizer.parse(defaults.optimizer(), learningRate));
        }
        if (data.given("--standardize") || data.given("--no-standardize")) {
            builder.standardize(standardize);
        }
        if (layers != null) {
            layers.checkBatch(defaults.batchSize());
        }
        if (data.given("--epochs")) {
            builder.epochs(epochs);
        }
    }

    static List<Map<String, Object>> metricsJson(List<EpochMetrics> history) {
        List<Map<String, Object>> entries = new ArrayList<>();
        for (EpochMetrics m : history) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("epoch", m.epoch());
            e.put("seconds", m.seconds());
            e.put("loss", m.loss());
            e.put("trainingAccuracy", m.trainingAccuracy());
            e.put("validationLoss", m.validationLoss());
            e.put("validationAccuracy", m.validationAccuracy());
            e.put("testAccuracy", m.testAccuracy());
            e.put("validationMeanAbsoluteError", m.validationMeanAbsoluteError());
            e.put("validationRootMeanSquaredError", m.validationRootMeanSquaredError());
            e.put("validationR2", m.validationR2());
            e.put("testMeanAbsoluteError", m.testMeanAbsoluteError());
            e.put("testRootMeanSquaredError", m.testRootMeanSquaredError());
            e.put("testR2", m.testR2());
            entries.add(e);
        }
        return entries;
    }
}
