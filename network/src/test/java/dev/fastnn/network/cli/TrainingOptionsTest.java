package dev.fastnn.network.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer's options on the command line, through {@link Main#run}: schedules, penalties, checkpoints and
 * resume (the reference for a resumed run is the model file of the run that was never interrupted, byte for
 * byte), and the usage errors their combinations can make.
 */
class TrainingOptionsTest {
    @TempDir
    Path dir;
    private Path train;
    private Path test;

    @BeforeEach
    void data() throws IOException {
        train = dir.resolve("train.csv");
        test = dir.resolve("test.csv");
        CliRun.writeBlobs(train, 150, 1, true);
        CliRun.writeBlobs(test, 60, 2, true);
    }

    private String[] train(String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--csv", train.toString(), "--test-csv", test.toString(),
                "--layers", "4,8,3", "--activation", "relu", "--optimizer", "adam", "--lr", "0.01", "--batch", "16",
                "--backend", "naive", "--seed", "4", "--schedule", "cosine", "--warmup-epochs", "1",
                "--weight-decay", "0.01", "--l2", "0.0001"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @Test
    void resumingFromTheEpochTwoCheckpointWritesTheModelOfTheUninterruptedRun() throws IOException {
        Path whole = dir.resolve("whole.fnn");
        Path checkpoint = dir.resolve("run.fnnc");
        Path atTwo = dir.resolve("at-two.fnnc");
        CliRun first = CliRun.whenPrinted("checkpoint of epoch 2 written", () -> Files.copy(checkpoint, atTwo,
                StandardCopyOption.REPLACE_EXISTING), train("--epochs", "4", "--checkpoint", checkpoint.toString(),
                "--checkpoint-every", "2", "--out", whole.toString()));
        assertEquals(0, first.status(), first.err());
        assertTrue(first.out().contains("checkpoint of epoch 4 written to " + checkpoint), first.out());
        assertTrue(first.out().contains("schedule=cosine(warmup=1)") && first.out().contains("weightDecay=0.01"),
                first.out());

        Path resumed = dir.resolve("resumed.fnn");
        CliRun second = CliRun.of(train("--epochs", "4", "--resume", atTwo.toString(), "--out", resumed.toString()));
        assertEquals(0, second.status(), second.err());
        assertTrue(second.out().contains("resuming " + atTwo + ": 2 of 4 epochs done"), second.out());
        assertFalse(second.out().contains("other settings"), second.out());
        assertEquals(2, second.out().lines().filter(l -> l.startsWith("epoch ")).count(), "epochs 3 and 4 only");
        assertArrayEquals(Files.readAllBytes(whole), Files.readAllBytes(resumed));
    }

    @Test
    void aRunCanResumeFromAndKeepWritingTheSameCheckpointAndMayGoOnLonger() throws IOException {
        Path checkpoint = dir.resolve("run.fnnc");
        assertEquals(0, CliRun.of(train("--epochs", "2", "--checkpoint", checkpoint.toString())).status());
        CliRun more = CliRun.of(train("--epochs", "3", "--checkpoint", checkpoint.toString(), "--resume",
                checkpoint.toString()));
        assertEquals(0, more.status(), more.err());
        assertTrue(more.out().contains("resuming " + checkpoint + ": 2 of 3 epochs done"), more.out());
        assertTrue(more.out().contains("checkpoint of epoch 3 written"), more.out());
        byte[] atThree = Files.readAllBytes(checkpoint);
        CliRun clash = CliRun.of(train("--epochs", "4", "--checkpoint", checkpoint.toString(), "--resume",
                checkpoint.toString(), "--out", checkpoint.toString()));
        assertEquals(2, clash.status(), clash.err());
        assertTrue(clash.errLines().get(0).contains("--out and --checkpoint both name " + checkpoint), clash.err());
        assertArrayEquals(atThree, Files.readAllBytes(checkpoint));
        CliRun other = CliRun.of(train("--epochs", "4", "--initializer", "xavier", "--resume", checkpoint.toString()));
        assertEquals(0, other.status(), other.err());
        assertTrue(other.out().contains("note: the checkpoint was written with other settings"), other.out());
    }

    @Test
    void aDamagedCheckpointIsOneLineNamingTheFile() throws IOException {
        Path checkpoint = dir.resolve("run.fnnc");
        assertEquals(0, CliRun.of(train("--epochs", "2", "--checkpoint", checkpoint.toString())).status());
        byte[] bytes = Files.readAllBytes(checkpoint);
        Files.write(checkpoint, java.util.Arrays.copyOf(bytes, bytes.length - 5));
        CliRun r = CliRun.of(train("--epochs", "3", "--resume", checkpoint.toString()));
        assertEquals(1, r.status());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().contains(checkpoint.toString()) && r.err().contains("truncated"), r.err());
        CliRun missing = CliRun.of(train("--epochs", "2", "--resume", dir.resolve("none.fnnc").toString()));
        assertEquals(1, missing.status());
        assertTrue(missing.err().contains("none.fnnc"), missing.err());
    }

    /** A checkpoint of another network or optimizer: one line naming the file, what it holds and what was asked. */
    @Test
    void resumingACheckpointOfAnotherRunSaysWhatItHoldsAndWhatWasAsked() throws IOException {
        Path checkpoint = dir.resolve("run.fnnc");
        assertEquals(0, CliRun.of(train("--epochs", "2", "--checkpoint", checkpoint.toString())).status());
        List<String> wider = new ArrayList<>(List.of(train("--epochs", "3", "--resume", checkpoint.toString())));
        wider.set(wider.indexOf("4,8,3"), "4,16,3");
        List<String> sgd = new ArrayList<>(List.of(train("--epochs", "3", "--resume", checkpoint.toString())));
        sgd.set(sgd.indexOf("adam"), "sgd");

        CliRun otherLayers = CliRun.of(wider.toArray(String[]::new));
        CliRun otherOptimizer = CliRun.of(sgd.toArray(String[]::new));

        assertEquals(2, otherLayers.status(), otherLayers.err());
        assertEquals(List.of("fastnn: cannot resume from " + checkpoint + ": the training state holds a 4-8-3 "
                + "relu/softmax network, not the 4-16-3 relu/softmax this trainer trains", "try 'fastnn train --help'"),
                otherLayers.errLines(), "a usage error: its line and the hint");
        assertEquals("", otherLayers.out(), "nothing is announced before the mismatch is found");
        assertEquals(2, otherOptimizer.status(), otherOptimizer.err());
        assertEquals("fastnn: cannot resume from " + checkpoint + ": the training state is of optimizer adam but this "
                + "trainer uses sgd", otherOptimizer.errLines().get(0));
    }

    @Test
    void dropoutAndClassWeightsReachTheTrainerAndTheModelFile() throws IOException {
        Path model = dir.resolve("m.fnn");
        CliRun r = CliRun.of(train("--epochs", "3", "--dropout", "0.2", "--class-weights", "balanced", "--out",
                model.toString()));
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("dropout=0.2") && r.out().contains("classWeights=balanced"), r.out());
        String trainer = dev.fastnn.network.io.ModelFile.load(model).metadata().get("trainer");
        assertTrue(trainer.contains("dropout=0.2") && trainer.contains("classWeights=balanced")
                && trainer.contains("schedule=cosine(warmup=1)"), trainer);
        CliRun explicit = CliRun.of(train("--epochs", "2", "--class-weights", "1,2.5,1"));
        assertEquals(0, explicit.status(), explicit.err());
        assertTrue(explicit.out().contains("classWeights=[1.0, 2.5, 1.0]"), explicit.out());
    }

    @Test
    void earlyStoppingOnTheValidationSplitKeepsTheBestEpochAndSaysSo() throws IOException {
        Path model = dir.resolve("m.fnn");
        CliRun r = CliRun.of(train("--epochs", "40", "--validation-split", "0.2", "--early-stopping", "3", "--monitor",
                "validationAccuracy", "--out", model.toString()));
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("earlyStopping=earlyStopping(monitor=validationAccuracy, patience=3"), r.out());
        java.util.Map<String, String> meta = dev.fastnn.network.io.ModelFile.load(model).metadata();
        int best = Integer.parseInt(meta.get("bestEpoch"));
        int trained = Integer.parseInt(meta.get("epochsTrained"));
        assertEquals("early_stopped", meta.get("stopReason"), "separable blobs stop improving long before 40 epochs");
        assertEquals(best + 3, trained);
        assertTrue(r.out().contains("early stopping: stopped after epoch " + trained + "; the model has the weights of epoch "
                + best + ", the best by validationAccuracy"), r.out());
        assertEquals(trained, r.out().lines().filter(l -> l.startsWith("epoch ")).count());
    }

    /** The per-class table against the library's Evaluation of the same model on the same file. */
    @Test
    void evaluatePrintsPerClassScoresAndMacroAverages() throws IOException {
        Path model = dir.resolve("m.fnn");
        assertEquals(0, CliRun.of(train("--epochs", "3", "--out", model.toString())).status());
        CliRun r = CliRun.of("evaluate", "--model", model.toString(), "--csv", test.toString(), "--backend", "naive");
        assertEquals(0, r.status(), r.err());
        dev.fastnn.network.train.Evaluation e;
        try (dev.fastnn.network.train.Model m = dev.fastnn.network.train.Model.of(new dev.fastnn.kernels.naive.NaiveBackend(),
                dev.fastnn.network.io.ModelFile.load(model))) {
            e = m.evaluate(dev.fastnn.network.train.Samples.of(dev.fastnn.network.data.CsvReader.defaults().read(test)));
        }
        assertTrue(r.out().contains("class  ") && r.out().contains("precision") && r.out().contains("F1"), r.out());
        for (int c = 0; c < 3; c++) {
            String line = String.format("%-14s%10.4f%10.4f%10.4f%10d", c, e.precision(c), e.recall(c), e.f1(c), 20);
            assertTrue(r.out().contains(line), line + " in\n" + r.out());
        }
        assertTrue(r.out().contains(String.format("%-14s%10.4f%10.4f%10.4f%10d", "macro average", e.macroPrecision(),
                e.macroRecall(), e.macroF1(), 60)), r.out());
    }

    /** Regression end to end: MAE, RMSE and R^2 per epoch on screen and in --metrics, and from evaluate. */
    @Test
    void regressionReportsMaeRmseAndR2PerEpochAndInEvaluate() throws IOException {
        java.util.SplittableRandom r = new java.util.SplittableRandom(5);
        StringBuilder sb = new StringBuilder("a,b,y\n");
        for (int i = 0; i < 200; i++) {
            double a = r.nextDouble(-1, 1);
            double b = r.nextDouble(-1, 1);
            sb.append((float) a).append(',').append((float) b).append(',').append((float) (3 * a - b * b + 1)).append('\n');
        }
        Path file = Files.writeString(dir.resolve("reg.csv"), sb.toString());
        Path model = dir.resolve("reg.fnn");
        Path metrics = dir.resolve("reg.json");
        CliRun t = CliRun.of("train", "--csv", file.toString(), "--label-column", "last", "--task", "regression",
                "--validation-split", "0.2", "--epochs", "30", "--backend", "naive", "--out", model.toString(),
                "--metrics", metrics.toString());
        assertEquals(0, t.status(), t.err());
        assertEquals(30, t.out().lines().filter(l -> l.matches("epoch \\d+/30 .* MAE \\S+ RMSE \\S+ R\\^2 \\S+ .*")).count(),
                t.out());
        com.google.gson.JsonArray epochs = com.google.gson.JsonParser.parseString(Files.readString(metrics)).getAsJsonArray();
        com.google.gson.JsonObject last = epochs.get(29).getAsJsonObject();
        double rmse = last.get("validationRootMeanSquaredError").getAsDouble();
        assertEquals(Math.sqrt(last.get("validationLoss").getAsDouble()), rmse, 1e-9, "RMSE is the root of the MSE loss");
        assertTrue(last.get("validationR2").getAsDouble() > 0.8, last.toString());
        assertTrue(last.get("validationMeanAbsoluteError").getAsDouble() <= rmse);
        CliRun e = CliRun.of("evaluate", "--model", model.toString(), "--csv", file.toString(), "--label-column", "last",
                "--backend", "naive");
        assertEquals(0, e.status(), e.err());
        assertTrue(e.out().contains("mean absolute error: ") && e.out().contains("root mean squared error: ")
                && e.out().contains("R^2: 0."), e.out());
    }

    /**
     * A test file of a regression is scored after every epoch: MAE, RMSE and R^2 on screen and in --metrics,
     * those of the last epoch what the library's evaluation of the saved model on that file gives.
     */
    @Test
    void aRegressionTestFileIsScoredEveryEpochAsTheModelEvaluatesIt() throws IOException {
        java.util.SplittableRandom r = new java.util.SplittableRandom(6);
        StringBuilder trainRows = new StringBuilder("a,b,y\n");
        StringBuilder testRows = new StringBuilder("a,b,y\n");
        for (int i = 0; i < 200; i++) {
            double a = r.nextDouble(-1, 1);
            double b = r.nextDouble(-1, 1);
            (i < 150 ? trainRows : testRows).append((float) a).append(',').append((float) b).append(',')
                    .append((float) (3 * a - b * b + 1)).append('\n');
        }
        Path trainFile = Files.writeString(dir.resolve("reg-train.csv"), trainRows.toString());
        Path testFile = Files.writeString(dir.resolve("reg-test.csv"), testRows.toString());
        Path model = dir.resolve("reg.fnn");
        Path metrics = dir.resolve("reg.json");

        CliRun t = CliRun.of("train", "--csv", trainFile.toString(), "--test-csv", testFile.toString(), "--label-column",
                "last", "--task", "regression", "--epochs", "8", "--backend", "naive", "--out", model.toString(),
                "--metrics", metrics.toString());

        assertEquals(0, t.status(), t.err());
        assertEquals(8, t.out().lines().filter(l -> l.matches("epoch \\d+/8 .* test MAE \\S+ RMSE \\S+ R\\^2 \\S+ .*"))
                .count(), t.out());
        assertFalse(t.out().contains("accuracy"), t.out());
        com.google.gson.JsonObject last = com.google.gson.JsonParser.parseString(Files.readString(metrics))
                .getAsJsonArray().get(7).getAsJsonObject();
        dev.fastnn.network.train.Evaluation e;
        try (dev.fastnn.network.train.Model m = dev.fastnn.network.train.Model.of(new dev.fastnn.kernels.naive.NaiveBackend(),
                dev.fastnn.network.io.ModelFile.load(model))) {
            e = m.evaluate(dev.fastnn.network.train.Samples.of(dev.fastnn.network.data.CsvReader.defaults()
                    .withLabelColumn(dev.fastnn.network.data.CsvReader.LAST_COLUMN)
                    .withTask(dev.fastnn.network.model.Task.REGRESSION).read(testFile)));
        }
        // The saved model has the standardization folded into its first layer: the same function, other roundings.
        assertEquals(e.meanAbsoluteError(), last.get("testMeanAbsoluteError").getAsDouble(), 1e-4 * e.meanAbsoluteError());
        assertEquals(e.rootMeanSquaredError(), last.get("testRootMeanSquaredError").getAsDouble(),
                1e-4 * e.rootMeanSquaredError());
        assertEquals(e.r2(), last.get("testR2").getAsDouble(), 1e-4);
        assertTrue(last.get("testAccuracy").isJsonNull() && last.get("validationR2").isJsonNull(), last.toString());
        assertTrue(e.r2() > 0.5, "eight epochs explain most of the targets: R^2 " + e.r2());
    }

    /** The README's Fashion-MNIST recipe, word for word but on 600 images for 3 epochs: every option of it runs. */
    @Test
    void theReadmeRecipeRunsOnAFewImages() throws IOException {
        dev.fastnn.network.data.TestDatasets.requireFashionMnist();
        Path model = dir.resolve("fmnist.fnn");
        CliRun r = CliRun.of("train", "--dataset", "fashion-mnist", "--data-dir",
                dev.fastnn.network.data.TestDatasets.dir().toString(), "--layers", "784,512,512,10", "--activation", "relu",
                "--initializer", "he", "--optimizer", "adam", "--lr", "0.001", "--schedule", "cosine", "--warmup-epochs", "1",
                "--weight-decay", "0.05", "--dropout", "0.2", "--batch", "128", "--epochs", "3", "--standardize",
                "--validation-split", "0.1", "--early-stopping", "10", "--monitor", "validationAccuracy", "--seed", "1",
                "--out", model.toString(), "--limit", "600");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("540 training samples, 60 validation samples"), r.out());
        assertTrue(r.out().contains("early stopping: trained every epoch; the model has the weights of epoch "), r.out());
        CliRun e = CliRun.of("evaluate", "--model", model.toString(), "--dataset", "fashion-mnist", "--data-dir",
                dev.fastnn.network.data.TestDatasets.dir().toString(), "--limit", "500");
        assertEquals(0, e.status(), e.err());
        assertTrue(e.out().contains("macro average"), e.out());
    }

    @Test
    void contradictoryOrOutOfRangeOptionsAreUsageErrors() {
        String[][] bad = {
                {"--schedule", "step"},
                {"--schedule", "cosine", "--lr-decay", "0.9"},
                {"--schedule", "exponential", "--lr-decay", "0.9", "--step-epochs", "2"},
                {"--schedule", "fancy"},
                {"--warmup-epochs", "3", "--epochs", "3"},
                {"--warmup-epochs", "-1"},
                {"--l2", "-0.1"},
                {"--weight-decay", "NaN"},
                {"--monitor", "validationLoss"},
                {"--early-stopping", "0"},
                {"--early-stopping", "3"},
                {"--checkpoint-every", "2"},
                {"--dropout", "1"},
                {"--dropout", "-0.2"},
                {"--class-weights", "1,2"},
                {"--class-weights", "1,x,2"},
                {"--class-weights", "0,0,0"},
        };
        for (String[] args : bad) {
            List<String> all = new ArrayList<>(List.of("train", "--csv", train.toString(), "--layers", "4,8,3",
                    "--backend", "naive"));
            all.addAll(List.of(args));
            CliRun r = CliRun.of(all.toArray(String[]::new));
            assertEquals(2, r.status(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.errLines().get(0).startsWith("fastnn"), r.err());
            assertEquals("", r.out(), String.join(" ", args) + ": a usage error prints nothing else");
        }
        CliRun beforeData = CliRun.of("train", "--csv", dir.resolve("none.csv").toString(), "--schedule", "step");
        assertEquals(2, beforeData.status(), "the options are checked before the data is looked at: " + beforeData.err());
        CliRun unknown = CliRun.of("train", "--csv", train.toString(), "--layers", "4,8,3", "--schedule", "fancy");
        assertTrue(unknown.err().contains("constant, step, exponential, cosine"), unknown.err());
    }

    /**
     * Without --lr each optimizer trains at its own rate: on Fashion-MNIST's files (a few written here), on a
     * CSV file and on a CSV regression, the rates the help of --lr names.
     */
    @Test
    void withoutLrTheRateIsTheChosenOptimizersOnEveryPathAsTheHelpSays() throws IOException {
        Path fashion = Files.createDirectories(dir.resolve("fashion"));
        dev.fastnn.network.data.IdxFiles.writeFashionMnistSet(fashion, "train", 20, false);
        dev.fastnn.network.data.IdxFiles.writeFashionMnistSet(fashion, "t10k", 10, true);
        java.util.Map<String, List<String>> paths = java.util.Map.of(
                "dataset", List.of("--dataset", "fashion-mnist", "--data-dir", fashion.toString(), "--layers", "784,10"),
                "csv", List.of("--csv", train.toString()),
                "regression", List.of("--csv", train.toString(), "--task", "regression"));
        java.util.Map<String, List<String>> rates = java.util.Map.of(
                "dataset", List.of("sgd(lr=0.5)", "momentum(lr=0.05, momentum=0.9)", "adam(lr=0.001,"),
                "csv", List.of("sgd(lr=0.5)", "momentum(lr=0.05, momentum=0.9)", "adam(lr=0.003,"),
                "regression", List.of("sgd(lr=0.01)", "momentum(lr=0.001, momentum=0.9)", "adam(lr=0.01,"));
        paths.forEach((path, options) -> {
            for (String optimizer : rates.get(path)) {
                List<String> args = new ArrayList<>(List.of("train", "--optimizer", optimizer.substring(0,
                        optimizer.indexOf('(')), "--epochs", "1", "--batch", "10", "--backend", "naive", "--progress",
                        "none"));
                args.addAll(options);
                CliRun r = CliRun.of(args.toArray(String[]::new));
                assertEquals(0, r.status(), path + ": " + r.err());
                String trainer = r.out().lines().filter(l -> l.startsWith("Trainer[")).findFirst().orElseThrow();
                assertTrue(trainer.contains("optimizer=" + optimizer), path + ": " + trainer);
            }
        });
        String help = CliRun.of("train", "--help").out().replaceAll("\\s+", " ");
        assertTrue(help.contains("Learning rate (default: the optimizer's, sgd 0.5, momentum 0.05, adam 0.001; for --csv "
                + "adam 0.003, and for --task regression sgd 0.01, momentum 0.001, adam 0.01)."), help);
    }

    @Test
    void helpDescribesEveryTrainingOption() {
        CliRun help = CliRun.of("train", "--help");
        assertEquals(0, help.status());
        for (String option : List.of("--schedule", "--lr-decay", "--step-epochs", "--warmup-epochs", "--l2",
                "--weight-decay", "--dropout", "--class-weights", "--early-stopping", "--monitor", "--min-delta",
                "--checkpoint", "--checkpoint-every", "--resume")) {
            assertTrue(help.out().contains(option), option + " in\n" + help.out());
        }
    }
}
