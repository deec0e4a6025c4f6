package dev.fastnn.network.cli;

import dev.fastnn.kernels.Activation;
import dev.fastnn.network.data.Dataset;
import dev.fastnn.network.io.AtomicFile;
import dev.fastnn.network.io.ModelFile;
import dev.fastnn.network.model.Initializer;
import dev.fastnn.network.model.Loss;
import dev.fastnn.network.plot.Charts;
import dev.fastnn.network.train.EpochMetrics;
import dev.fastnn.network.train.Model;
import dev.fastnn.network.train.Optimizer;
import dev.fastnn.network.train.Samples;
import dev.fastnn.network.train.Trainer;
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
            description = "A CSV file of test samples (same format as --csv): accuracy on it after each epoch.")
    private Path testCsv;

    @Option(names = "--layers", paramLabel = "SIZES", required = true, converter = OptionConverters.Layers.class,
            description = "Layer sizes, inputs first and outputs (classes) last, e.g. 784,256,10.")
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

    @Option(names = "--initializer", paramLabel = "NAME", defaultValue = "xavier",
            converter = OptionConverters.InitializerName.class,
            completionCandidates = OptionConverters.InitializerNames.class,
            description = "How the weights start: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    private Initializer initializer;

    @Option(names = "--optimizer", paramLabel = "NAME", defaultValue = "sgd",
            converter = OptionConverters.OptimizerName.class, completionCandidates = OptionConverters.OptimizerNames.class,
            description = "How the parameters move: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    private String optimizer;

    @Option(names = "--lr", paramLabel = "RATE", defaultValue = "0.5",
            converter = OptionConverters.PositiveFloat.class,
            description = "Learning rate (default: ${DEFAULT-VALUE}).")
    private float learningRate;

    @Option(names = "--lr-decay", paramLabel = "F", defaultValue = "1", converter = OptionConverters.Fraction.class,
            description = "Multiply the learning rate by F in (0, 1] after each epoch (default: ${DEFAULT-VALUE}).")
    private float learningRateDecay;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "128", converter = OptionConverters.PositiveInt.class,
            description = "Samples per step (default: ${DEFAULT-VALUE}).")
    private int batch;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "10", converter = OptionConverters.PositiveInt.class,
            description = "Passes over the training set (default: ${DEFAULT-VALUE}).")
    private int epochs;

    @Option(names = "--standardize", description = "Train on standardized features; the saved model folds that in "
            + "and takes raw features.")
    private boolean standardize;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
            description = "Seed of the initial weights and the shuffling (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Mixin
    private BackendOptions backendOptions;

    @Option(names = "--out", paramLabel = "FILE.fnn", description = "Save the trained model (docs/model-format.md).")
    private Path modelOut;

    @Option(names = "--metrics", paramLabel = "FILE.json",
            description = "Save one JSON entry per epoch: epoch, seconds, loss, testAccuracy.")
    private Path metrics;

    @Option(names = "--plot", paramLabel = "FILE.png", description = "Draw the training curves as a PNG.")
    private Path plot;

    @Option(names = "--progress", paramLabel = "MODE", defaultValue = "auto",
            converter = ProgressReporter.Mode.Converter.class, completionCandidates = ProgressReporter.Mode.Names.class,
            description = "Progress on the standard output: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}, a bar "
                    + "on a terminal and one line per epoch elsewhere).")
    private ProgressReporter.Mode progress;

    @Override
    public Integer call() throws IOException, UsageException {
        data.check();
        if (testCsv != null && !data.isCsv()) {
            throw new UsageException("--test-csv goes with --csv");
        }
        layers.checkBatch(batch);
        PrintWriter out = spec.commandLine().getOut();
        CommandFiles files = new CommandFiles(out, spec.commandLine().getErr())
                .input("--csv", data.csv()).input("--test-csv", testCsv)
                .output("--out", modelOut).output("--metrics", metrics).output("--plot", plot);
        files.check();
        Trainer trainer = Trainer.builder()
                .layers(layers.sizes())
                .hiddenActivation(activation)
                .loss(loss)
                .initializer(initializer)
                .optimizer(Optimizer.parse(optimizer, learningRate))
                .learningRateDecay(learningRateDecay)
                .standardize(standardize)
                .batchSize(batch)
                .epochs(epochs)
                .seed(seed)
                .backend(backendOptions.backend())
                .build();
        out.println(trainer);
        Dataset[] sets = data.trainAndTest(testCsv);
        Samples train = Samples.of(sets[0], layers.outputs());
        Samples test = sets[1] == null ? null : Samples.of(sets[1], layers.outputs());
        out.println("data: " + data.describe(testCsv) + ": " + train.rows() + " training samples"
                + (test == null ? "" : ", " + test.rows() + " test samples"));
        ProgressReporter reporter = new ProgressReporter(out, progress, root.writesToTerminal(), trainer.epochs(),
                loss.isMean());
        Model trained;
        try {
            trained = trainer.fit(train, test, reporter);
        } catch (RuntimeException | Error e) {
            // Training that fails (a diverged loss, memory) leaves no output behind: nothing is written yet.
            reporter.clearBar();
            throw e;
        }
        try (Model model = trained) {
            // The model first: it is what took the time.
            files.write(modelOut, "model", () -> ModelFile.save(model.parameters(), modelOut));
            List<EpochMetrics> history = model.history();
            byte[] json = (Json.write(metricsJson(history)) + "\n").getBytes(StandardCharsets.UTF_8);
            files.write(metrics, "metrics", () -> AtomicFile.write(metrics, stream -> stream.write(json)));
            files.write(plot, "plot", () -> Charts.trainingCurves("fastnn train: " + data.describe(testCsv), history,
                    plot));
        }
        return files.status();
    }

    static List<Map<String, Object>> metricsJson(List<EpochMetrics> history) {
        List<Map<String, Object>> entries = new ArrayList<>();
        for (EpochMetrics m : history) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("epoch", m.epoch());
            e.put("seconds", m.seconds());
            e.put("loss", m.loss());
            e.put("testAccuracy", m.testAccuracy());
            entries.add(e);
        }
        return entries;
    }
}
