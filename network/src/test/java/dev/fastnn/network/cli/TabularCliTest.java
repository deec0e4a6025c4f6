package dev.fastnn.network.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.fastnn.network.io.ModelFile;
import dev.fastnn.network.model.ClassLabels;
import dev.fastnn.network.model.ModelParameters;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tabular path as a new user meets it, through {@link Main#run}: generated files shaped like the classic
 * small sets (a header, labels last, 1-based or named classes, rows sorted by class, features of wildly
 * different scales), each error message and exit status, and one run per claim about the defaults.
 */
class TabularCliTest {
    private static final Pattern VALIDATION = Pattern.compile("validation loss (\\d+\\.\\d+) accuracy (\\d+\\.\\d+)%");

    @TempDir
    Path dir;

    /**
     * Like sklearn's wine_data.csv: {@code rows} rows sorted by class, a header, 13 features whose scales run
     * from 1e-3 to 1e3, 3 overlapping classes spelled {@code labels}, the label last.
     */
    private Path wineLike(String name, int rows, long seed, String... labels) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        StringBuilder sb = new StringBuilder();
        for (int j = 0; j < 13; j++) {
            sb.append("f").append(j).append(',');
        }
        sb.append("class\n");
        for (int i = 0; i < rows; i++) {
            int c = i * 3 / rows;
            for (int j = 0; j < 13; j++) {
                double scale = Math.pow(10, j % 7 - 3);
                double centre = (j % 3 == c ? 1.2 : 0) + (j % 4 == c ? -0.8 : 0);
                sb.append((float) (scale * (5 + centre + r.nextGaussian()))).append(',');
            }
            sb.append(labels[c]).append('\n');
        }
        return Files.writeString(dir.resolve(name), sb.toString());
    }

    private Path wineLike() throws IOException {
        return wineLike("wine.csv", 180, 1, "1", "2", "3");
    }

    private static double lastValidationAccuracy(CliRun r) {
        Matcher m = VALIDATION.matcher(r.out().lines().filter(l -> l.startsWith("epoch ")).reduce((a, b) -> b)
                .orElseThrow());
        assertTrue(m.find(), r.out());
        return Double.parseDouble(m.group(2)) / 100;
    }

    private static String trainerLine(CliRun r) {
        return r.out().lines().filter(l -> l.startsWith("Trainer[")).findFirst().orElseThrow();
    }

    // ---------------------------------------------------------------- the defaults, one claim each

    @Test
    void onlyCsvLabelColumnAndValidationSplitTrainToASensibleAccuracy() throws IOException {
        CliRun r = CliRun.of("train", "--csv", wineLike().toString(), "--label-column", "last",
                "--validation-split", "0.2", "--backend", "naive");

        assertEquals(0, r.status(), r.err());
        double accuracy = lastValidationAccuracy(r);
        assertTrue(accuracy >= 0.9, "validation accuracy " + accuracy + "\n" + r.out());
    }

    @Test
    void withoutLayersTheSizesComeFromTheDataAndTheRecipeIsPrinted() throws IOException {
        CliRun r = CliRun.of("train", "--csv", wineLike().toString(), "--label-column", "last", "--epochs", "2",
                "--backend", "naive");

        assertEquals(0, r.status(), r.err());
        String recipe = r.out().lines().findFirst().orElseThrow();
        assertTrue(recipe.startsWith("defaults for this data: layers 13,64,3 (relu, he; softmax, cross-entropy), adam lr "
                + "0.003, batch 32,"), recipe);
        assertTrue(trainerLine(r).contains("layers=13,64,3,") && trainerLine(r).contains("epochs=2,"),
                "--epochs given replaces the default: " + trainerLine(r));
        assertTrue(r.out().contains("classes [1, 2, 3]"), r.out());
    }

    @Test
    void csvFeaturesAreStandardizedByDefaultAndNoStandardizeTurnsItOff() throws IOException {
        Path file = wineLike();

        CliRun standardized = CliRun.of("train", "--csv", file.toString(), "--label-column", "last",
                "--validation-split", "0.2", "--backend", "naive");
        CliRun raw = CliRun.of("train", "--csv", file.toString(), "--label-column", "last", "--validation-split", "0.2",
                "--no-standardize", "--backend", "naive");

        assertEquals(0, standardized.status(), standardized.err());
        assertEquals(0, raw.status(), raw.err());
        assertTrue(trainerLine(standardized).contains("standardize=true"), trainerLine(standardized));
        assertTrue(trainerLine(raw).contains("standardize=false"), trainerLine(raw));
        assertTrue(lastValidationAccuracy(standardized) > lastValidationAccuracy(raw) + 0.1,
                "features from 1e-3 to 1e3 need standardizing: " + lastValidationAccuracy(standardized) + " vs "
                        + lastValidationAccuracy(raw));
    }

    @Test
    void theDefaultOptimizerAndEpochsConvergeWhereTheDatasetDefaultsDoNot() throws IOException {
        Path file = wineLike();

        CliRun defaults = CliRun.of("train", "--csv", file.toString(), "--label-column", "last", "--validation-split",
                "0.2", "--backend", "naive");
        // The command line's defaults for --dataset, which were the defaults for CSV too.
        CliRun old = CliRun.of("train", "--csv", file.toString(), "--label-column", "last", "--validation-split", "0.2",
                "--layers", "13,16,3", "--activation", "sigmoid", "--optimizer", "sgd", "--lr", "0.5", "--batch", "128",
                "--epochs", "10", "--no-standardize", "--backend", "naive");

        assertEquals(0, old.status(), old.err());
        assertTrue(trainerLine(defaults).contains("optimizer=adam(lr=0.003"), trainerLine(defaults));
        assertTrue(lastValidationAccuracy(defaults) >= 0.9, defaults.out());
        assertTrue(lastValidationAccuracy(old) < 0.7, old.out());
    }

    @Test
    void aBatchGivenWithoutEpochsAimsTheEpochsAtTheStepsOfThatBatch() throws IOException {
        CliRun r = CliRun.of("train", "--csv", wineLike().toString(), "--label-column", "last", "--batch", "64",
                "--backend", "naive", "--progress", "none");

        assertEquals(0, r.status(), r.err());
        String recipe = r.out().lines().findFirst().orElseThrow();
        assertTrue(recipe.contains(", batch 64, 334 epochs,"), "180 rows in 3 batches: 334 epochs for 1000 steps, "
                + recipe);
        assertTrue(trainerLine(r).contains("batchSize=64,") && trainerLine(r).contains("epochs=334,"), trainerLine(r));
    }

    @Test
    void fashionMnistKeepsItsDefaultsAndStillNeedsLayers() {
        CliRun r = CliRun.of("train", "--dataset", "fashion-mnist", "--data-dir", dir.toString());

        assertEquals(2, r.status());
        assertTrue(r.err().contains("--layers is required with --dataset"), r.err());
    }

    // ---------------------------------------------------------------- files as they come

    @Test
    void gzippedQuotedSemicolonFileWithNamedClassesTrainsAndPredictsTheNames() throws IOException {
        String text = Files.readString(wineLike("named.csv", 150, 2, "barolo", "grignolino", "barbera"))
                .replace(',', ';').replace("barolo", "\"barolo\"");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        }
        Path gzipped = Files.write(dir.resolve("wine.csv.gz"), bytes.toByteArray());
        Path model = dir.resolve("wine.fnn");
        Path predictions = dir.resolve("predictions.csv");

        CliRun train = CliRun.of("train", "--csv", gzipped.toString(), "--label-column", "last", "--delimiter", ";",
                "--validation-split", "0.2", "--backend", "naive", "--out", model.toString());
        CliRun predict = CliRun.of("predict", "--model", model.toString(), "--csv", gzipped.toString(), "--delimiter", ";",
                "--label-column", "last", "--backend", "naive", "--out", predictions.toString());

        assertEquals(0, train.status(), train.err());
        assertTrue(train.out().contains("classes [barbera, barolo, grignolino]"), train.out());
        ModelParameters saved = ModelFile.load(model);
        assertEquals(ClassLabels.ofStrings("barbera", "barolo", "grignolino"), saved.classLabels());
        assertEquals("f0", saved.featureNames().get(0));
        assertTrue(saved.preprocessing().isStandardized());
        assertEquals(0, predict.status(), predict.err());
        List<String> lines = Files.readAllLines(predictions);
        assertEquals("row,predicted,p_barbera,p_barolo,p_grignolino", lines.get(0));
        assertEquals(151, lines.size());
        String[] labels = text.lines().skip(1).map(l -> l.substring(l.lastIndexOf(';') + 1).replace("\"", ""))
                .toArray(String[]::new);
        int right = 0;
        for (int i = 1; i < lines.size(); i++) {
            String[] cells = lines.get(i).split(",");
            double sum = Double.parseDouble(cells[2]) + Double.parseDouble(cells[3]) + Double.parseDouble(cells[4]);
            assertEquals(1, sum, 1e-5, lines.get(i));
            right += cells[1].equals(labels[i - 1]) ? 1 : 0;
        }
        assertTrue(right > 0.9 * 150, right + " of 150 predicted labels are the file's");
    }

    @Test
    void aModelTrainedWithADivisorTakesUndividedFeatures() throws IOException {
        Path plain = wineLike();
        StringBuilder scaled = new StringBuilder();
        for (String line : Files.readAllLines(plain)) {
            if (line.startsWith("f0")) {
                scaled.append(line).append('\n');
                continue;
            }
            String[] cells = line.split(",");
            for (int j = 0; j < 13; j++) {
                scaled.append(Float.parseFloat(cells[j]) * 16).append(',');
            }
            scaled.append(cells[13]).append('\n');
        }
        Path times16 = Files.writeString(dir.resolve("times16.csv"), scaled.toString());
        Path model = dir.resolve("divided.fnn");
        Path reference = dir.resolve("plain.fnn");

        CliRun divided = CliRun.of("train", "--csv", times16.toString(), "--label-column", "last", "--divisor", "16",
                "--no-standardize", "--layers", "13,8,3", "--epochs", "3", "--backend", "naive", "--out", model.toString());
        CliRun undivided = CliRun.of("train", "--csv", plain.toString(), "--label-column", "last", "--no-standardize",
                "--layers", "13,8,3", "--epochs", "3", "--backend", "naive", "--out", reference.toString());
        assertEquals(0, divided.status(), divided.err());
        assertEquals(0, undivided.status(), undivided.err());
        assertEquals(16f, ModelFile.load(model).preprocessing().divisor());

        CliRun a = CliRun.of("predict", "--model", model.toString(), "--csv", times16.toString(), "--label-column", "last",
                "--backend", "naive");
        CliRun b = CliRun.of("predict", "--model", reference.toString(), "--csv", plain.toString(), "--label-column",
                "last", "--backend", "naive");
        List<String> pa = a.out().lines().toList();
        List<String> pb = b.out().lines().toList();
        assertEquals(pb.size(), pa.size());
        for (int i = 1; i < pa.size(); i++) {
            String[] ca = pa.get(i).split(",");
            String[] cb = pb.get(i).split(",");
            assertEquals(cb[1], ca[1], "row " + i);
            for (int j = 2; j < ca.length; j++) {
                assertEquals(Double.parseDouble(cb[j]), Double.parseDouble(ca[j]), 1e-4, "row " + i);
            }
        }
        // A model trained on divided features (as Fashion-MNIST's IDX pixels are) is given raw ones with --divisor.
        CliRun dividedOnTheWayIn = CliRun.of("predict", "--model", reference.toString(), "--csv", times16.toString(),
                "--label-column", "last", "--divisor", "16", "--backend", "naive");
        assertEquals(0, dividedOnTheWayIn.status(), dividedOnTheWayIn.err());
        assertEquals(b.out(), dividedOnTheWayIn.out(), "x * 16 / 16 is x again in float32");
        CliRun twice = CliRun.of("predict", "--model", model.toString(), "--csv", times16.toString(), "--label-column",
                "last", "--divisor", "16", "--backend", "naive");
        assertEquals(2, twice.status());
        assertTrue(twice.err().contains("divides its features by 16.0 itself"), twice.err());
    }

    @Test
    void regressionTrainsEvaluatesAndPredictsNumbers() throws IOException {
        SplittableRandom r = new SplittableRandom(4);
        StringBuilder sb = new StringBuilder("x1,x2,price\n");
        for (int i = 0; i < 200; i++) {
            double x1 = r.nextDouble(0, 10);
            double x2 = r.nextDouble(-1, 1);
            sb.append((float) x1).append(',').append((float) x2).append(',').append((float) (20 + 2 * x1 + 5 * x2 * x2))
                    .append('\n');
        }
        Path file = Files.writeString(dir.resolve("prices.csv"), sb.toString());
        Path model = dir.resolve("prices.fnn");
        Path metrics = dir.resolve("metrics.json");

        CliRun train = CliRun.of("train", "--csv", file.toString(), "--label-column", "last", "--task", "regression",
                "--validation-split", "0.2", "--backend", "naive", "--out", model.toString(), "--metrics",
                metrics.toString());
        CliRun evaluate = CliRun.of("evaluate", "--model", model.toString(), "--csv", file.toString(), "--label-column",
                "last", "--backend", "naive");
        CliRun predict = CliRun.of("predict", "--model", model.toString(), "--csv", file.toString(), "--label-column",
                "last", "--backend", "naive");

        assertEquals(0, train.status(), train.err());
        assertTrue(train.out().startsWith("defaults for this data: layers 2,64,1 (relu, he; identity output, mse)"),
                train.out());
        assertTrue(train.out().lines().anyMatch(l -> l.endsWith(": 160 training samples, 40 validation samples (held out)")),
                "a random split, not stratified: " + train.out());
        JsonArray epochs = JsonParser.parseString(Files.readString(metrics)).getAsJsonArray();
        JsonObject last = epochs.get(epochs.size() - 1).getAsJsonObject();
        assertTrue(last.get("validationAccuracy").isJsonNull() && last.get("trainingAccuracy").isJsonNull());
        double rmse = Math.sqrt(last.get("validationLoss").getAsDouble());
        assertTrue(rmse < 1.5, "targets spread about 6; validation RMSE " + rmse);
        assertEquals(0, evaluate.status(), evaluate.err());
        assertTrue(evaluate.out().contains("regression") && evaluate.out().contains("root mean squared error: "),
                evaluate.out());
        assertFalse(evaluate.out().contains("accuracy"), evaluate.out());
        assertEquals(0, predict.status(), predict.err());
        assertEquals("row,y0", predict.out().lines().findFirst().orElseThrow());
    }

    @Test
    void metricsHaveValidationAndTrainingScores() throws IOException {
        Path metrics = dir.resolve("m.json");
        Path noValidation = dir.resolve("n.json");
        Path file = wineLike();

        assertEquals(0, CliRun.of("train", "--csv", file.toString(), "--label-column", "last", "--validation-split",
                "0.25", "--epochs", "3", "--backend", "naive", "--metrics", metrics.toString()).status());
        CliRun alone = CliRun.of("train", "--csv", file.toString(), "--label-column", "last", "--epochs", "3",
                "--backend", "naive", "--metrics", noValidation.toString());

        for (var e : JsonParser.parseString(Files.readString(metrics)).getAsJsonArray()) {
            JsonObject o = e.getAsJsonObject();
            assertTrue(o.get("validationLoss").getAsDouble() > 0);
            double accuracy = o.get("validationAccuracy").getAsDouble();
            assertTrue(accuracy >= 0 && accuracy <= 1);
            assertTrue(o.get("trainingAccuracy").isJsonNull(), "scored on validation instead");
        }
        for (var e : JsonParser.parseString(Files.readString(noValidation)).getAsJsonArray()) {
            double accuracy = e.getAsJsonObject().get("trainingAccuracy").getAsDouble();
            assertTrue(accuracy >= 0 && accuracy <= 1);
        }
        assertTrue(alone.out().lines().filter(l -> l.startsWith("epoch ")).allMatch(l -> l.contains("training accuracy")),
                alone.out());
    }

    @Test
    void aTestFileIsReadWithTheTrainingLabelsAndEvaluatePrintsThemInTheConfusionMatrix() throws IOException {
        Path train = wineLike("train.csv", 150, 5, "10", "20", "30");
        Path test = wineLike("test.csv", 60, 6, "10", "20", "30");
        Path model = dir.resolve("m.fnn");

        CliRun r = CliRun.of("train", "--csv", train.toString(), "--test-csv", test.toString(), "--label-column", "last",
                "--backend", "naive", "--out", model.toString());
        CliRun evaluate = CliRun.of("evaluate", "--model", model.toString(), "--csv", test.toString(), "--label-column",
                "last", "--backend", "naive");

        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().lines().filter(l -> l.startsWith("epoch ")).allMatch(l -> l.contains("test accuracy")));
        assertEquals(0, evaluate.status(), evaluate.err());
        assertTrue(evaluate.out().contains("of 60)"), evaluate.out());
        assertTrue(evaluate.out().lines().anyMatch(l -> l.startsWith("0 10 ")), evaluate.out());
        assertTrue(evaluate.out().lines().anyMatch(l -> l.startsWith("2 30 ")), evaluate.out());
    }

    // ---------------------------------------------------------------- every error: one line, the right status

    private void assertFails(int status, String[] args, String... parts) {
        CliRun r = CliRun.of(args);
        assertEquals(status, r.status(), r.out() + r.err());
        assertEquals("", r.out(), "nothing on standard output");
        String first = r.errLines().get(0);
        for (String part : parts) {
            assertTrue(first.contains(part), "'" + first + "' lacks '" + part + "'");
        }
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    @Test
    void aTypoInTheFirstRowIsAnErrorNamingTheCell() throws IOException {
        Path file = Files.writeString(dir.resolve("typo.csv"), "O.3,1.2,0.7,1\n0.4,1.1,0.9,0\n0.2,1.3,0.6,1\n");

        assertFails(1, new String[] {"train", "--csv", file.toString(), "--label-column", "last", "--backend", "naive"},
                file.toString(), "line 1, column 1", "'O.3' is not a number", "header 'yes'");
    }

    @Test
    void aOneLineFileIsARowWhenItCanBeAndElseOneErrorNamingTheFile() throws IOException {
        Path file = Files.writeString(dir.resolve("one.csv"), "1,2,x\n");

        CliRun row = CliRun.of("train", "--csv", file.toString(), "--label-column", "last", "--epochs", "1", "--backend",
                "naive");

        assertEquals(0, row.status(), row.err());
        assertTrue(row.out().contains(": 1 training samples, classes [x]"), row.out());
        assertFails(1, new String[] {"train", "--csv", file.toString(), "--backend", "naive"}, file.toString(),
                "no data rows", "line 1 is a header", "header 'no'");
        assertFails(1, new String[] {"train", "--csv", file.toString(), "--label-column", "last", "--task",
                "regression", "--backend", "naive"}, file.toString(), "no data rows");
    }

    @Test
    void badLabelsNameTheFileLineAndValue() throws IOException {
        Path train = wineLike("train.csv", 90, 7, "1", "2", "3");
        Path test = Files.writeString(dir.resolve("test.csv"), Files.readString(wineLike("t.csv", 30, 8, "1", "2", "4")));
        Path mixed = Files.writeString(dir.resolve("mixed.csv"), Files.readString(train).replaceFirst(",1\n", ",l\n"));
        Path fractions = Files.writeString(dir.resolve("fractions.csv"), "0.5,1.5\n0.7,2.25\n0.9,1.5\n");

        assertFails(1, new String[] {"train", "--csv", train.toString(), "--test-csv", test.toString(), "--label-column",
                "last", "--backend", "naive"}, test.toString(), "line 22, column 14 (class)", "label '4'", "(1, 2, 3)");
        assertFails(1, new String[] {"train", "--csv", mixed.toString(), "--label-column", "last", "--backend", "naive"},
                mixed.toString(), "line 2, column 14 (class)", "label 'l'");
        assertFails(1, new String[] {"train", "--csv", fractions.toString(), "--label-column", "last", "--backend",
                "naive"}, fractions.toString(), "line 1, column 2", "'1.5' is not a whole number", "regression");
        assertFails(1, new String[] {"evaluate", "--model", trainedModel(train).toString(), "--csv", test.toString(),
                "--label-column", "last", "--backend", "naive"}, test.toString(), "label '4'");
    }

    private Path trainedModel(Path csv) {
        Path model = dir.resolve("model-" + csv.getFileName() + ".fnn");
        CliRun r = CliRun.of("train", "--csv", csv.toString(), "--label-column", "last", "--epochs", "1", "--backend",
                "naive", "--out", model.toString());
        assertEquals(0, r.status(), r.err());
        return model;
    }

    @Test
    void outOfRangeTabularOptionsAreUsageErrors() throws IOException {
        String csv = wineLike().toString();
        assertFails(2, new String[] {"train", "--csv", csv, "--validation-split", "1.5"}, "--validation-split",
                "between 0 and 1");
        assertFails(2, new String[] {"train", "--csv", csv, "--delimiter", "ab"}, "--delimiter", "one character");
        assertFails(2, new String[] {"train", "--csv", csv, "--delimiter", "."}, "--delimiter", "cannot separate");
        assertFails(2, new String[] {"train", "--csv", csv, "--header", "maybe"}, "--header", "yes, no or auto");
        assertFails(2, new String[] {"train", "--csv", csv, "--task", "clustering"}, "--task", "classification, regression");
        assertFails(2, new String[] {"train", "--dataset", "fashion-mnist", "--layers", "784,10", "--task", "regression"},
                "--task regression goes with --csv");
        assertFails(2, new String[] {"train", "--dataset", "fashion-mnist", "--layers", "784,10", "--delimiter", ";"},
                "--delimiter goes with --csv");
        assertFails(2, new String[] {"train", "--csv", csv, "--label-column", "last", "--layers", "12,8,3", "--backend",
                "naive"}, "--layers 12,8,3 takes 12 inputs but the data has 13 feature columns");
        assertFails(2, new String[] {"train", "--csv", csv, "--label-column", "last", "--layers", "13,8,2", "--backend",
                "naive"}, "ends in 2 outputs but the data has 3 classes [1, 2, 3]");
        assertFails(2, new String[] {"train", "--csv", csv, "--label-column", "last", "--task", "regression", "--loss",
                "cross-entropy", "--backend", "naive"}, "cross-entropy is for classes");
    }

    @Test
    void predictOnAFileWithItsLabelColumnSaysWhatToDo() throws IOException {
        Path train = wineLike();
        Path model = trainedModel(train);

        assertFails(1, new String[] {"predict", "--model", model.toString(), "--csv", train.toString(), "--backend",
                "naive"}, train.toString(), "14 input columns but the model takes 13", "--label-column");
        CliRun withColumn = CliRun.of("predict", "--model", model.toString(), "--csv", train.toString(), "--label-column",
                "last", "--backend", "naive");
        assertEquals(0, withColumn.status(), withColumn.err());
        assertEquals("row,predicted,p_1,p_2,p_3", withColumn.out().lines().findFirst().orElseThrow());
        assertEquals(181, withColumn.out().lines().count(), "a header and one line per row");
    }
}
