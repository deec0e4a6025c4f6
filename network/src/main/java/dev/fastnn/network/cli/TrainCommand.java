package dev.fastnn.network.cli;

import dev.fastnn.kernels.Activation;
import dev.fastnn.network.data.Dataset;
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
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code fastnn train}: a {@link Trainer} configured from options, with progress, metrics, plot and model file. */
final class TrainCommand implements Main.Command {
    private final Trainer trainer;
    private final int[] layers;
    private final DataOptions data;
    private final Path modelOut;
    private final Path plot;
    private final Path metrics;

    private TrainCommand(Trainer trainer, int[] layers, DataOptions data, Path modelOut, Path plot, Path metrics) {
        this.trainer = trainer;
        this.layers = layers;
        this.data = data;
        this.modelOut = modelOut;
        this.plot = plot;
        this.metrics = metrics;
    }

    static TrainCommand parse(String[] args) throws UsageException {
        Set<String> valued = new HashSet<>(DataOptions.OPTIONS);
        valued.addAll(List.of("layers", "activation", "loss", "initializer", "optimizer", "lr", "batch", "epochs",
                "backend", "threads", "seed", "out", "plot", "metrics", "lr-decay"));
        Arguments a = Arguments.parse("train", args, 1, valued, Set.of("standardize"));
        DataOptions data = DataOptions.parse(a);
        int[] layers = a.sizes("layers");
        Activation hidden = a.parsed("activation", "sigmoid", Activation::parse);
        if (hidden == Activation.SOFTMAX) {
            throw new UsageException("--activation sets the hidden layers; softmax is only for the output (with --loss cross-entropy)");
        }
        Loss loss = a.parsed("loss", "cross-entropy", Loss::parse);
        Initializer initializer = a.parsed("initializer", "xavier", Initializer::parse);
        float lr = a.positiveFloat("lr", 0.5f);
        Optimizer optimizer = a.parsed("optimizer", "sgd", name -> Optimizer.parse(name, lr));
        Trainer trainer = Trainer.builder()
                .layers(layers)
                .hiddenActivation(hidden)
                .loss(loss)
                .initializer(initializer)
                .optimizer(optimizer)
                .learningRateDecay(decay(a))
                .divisor(data.divisor())
                .standardize(a.flag("standardize"))
                .batchSize(a.integer("batch", 128, 1))
                .epochs(a.integer("epochs", 10, 1))
                .seed(a.longInteger("seed", 1))
                .backend(a.backend())
                .build();
        return new TrainCommand(trainer, layers, data, a.path("out"), a.path("plot"), a.path("metrics"));
    }

    @Override
    public int run(PrintStream out, PrintStream err) throws IOException {
        out.println(trainer);
        Dataset[] sets = data.trainAndTest();
        int classes = layers[layers.length - 1];
        Samples train = Samples.of(sets[0], classes);
        Samples test = sets[1] == null ? null : Samples.of(sets[1], classes);
        out.println("data: " + data.describe() + ": " + train.rows() + " training samples"
                + (test == null ? "" : ", " + test.rows() + " test samples"));
        ProgressReporter progress = new ProgressReporter(out, System.console() != null, trainer.epochs());
        try (Model model = trainer.fit(train, test, progress)) {
            List<EpochMetrics> history = model.history();
            if (metrics != null) {
                Files.writeString(metrics, Json.write(metricsJson(history)) + "\n", StandardCharsets.UTF_8);
                out.println("metrics written to " + metrics);
            }
            if (plot != null) {
                Charts.trainingCurves("fastnn train: " + data.describe(), history, plot);
                out.println("plot written to " + plot);
            }
            if (modelOut != null) {
                ModelFile.save(model.parameters(), modelOut);
                out.println("model written to " + modelOut);
            }
        }
        return 0;
    }

    private static float decay(Arguments a) throws UsageException {
        float decay = a.positiveFloat("lr-decay", 1f);
        if (decay > 1) {
            throw new UsageException("--lr-decay is a factor per epoch in (0, 1], got " + decay);
        }
        return decay;
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
