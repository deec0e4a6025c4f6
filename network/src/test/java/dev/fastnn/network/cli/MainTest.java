package dev.fastnn.network.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.fastnn.network.article.XorExample;
import dev.fastnn.kernels.Backends;
import dev.fastnn.kernels.naive.NaiveBackend;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    @TempDir
    Path dir;

    @Test
    void xorPrintsTheTableWithBackendAndLoss() {
        CliRun r = CliRun.of("xor", "--backend", "naive");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().startsWith("backend: naive"), r.out());
        assertTrue(r.out().contains("input     target  prediction"), r.out());
        assertTrue(r.out().contains("final loss (sum of squared errors): "), r.out());
        assertEquals(4, r.out().lines().filter(l -> l.matches("[01] [01] 1 +[01] +0\\.\\d{6}")).count(), r.out());
    }

    @Test
    void xorJsonParsesAndMatchesTheLibraryRun() {
        CliRun r = CliRun.of("xor", "--backend", "naive", "--json", "--seed", "3", "--iterations", "700");
        assertEquals(0, r.status(), r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals("naive", o.get("backend").getAsString());
        assertTrue(o.get("backendDescription").getAsString().startsWith("naive"));
        assertEquals(700, o.get("iterations").getAsInt());
        assertEquals(3, o.get("seed").getAsLong());
        JsonArray predictions = o.getAsJsonArray("predictions");
        JsonArray history = o.getAsJsonArray("lossHistory");
        assertEquals(4, predictions.size());
        assertEquals(700, history.size());
        XorExample.Result expected = XorExample.run(new NaiveBackend(), 700, 3);
        assertEquals(expected.loss(), o.get("loss").getAsDouble());
        float[] p = new float[4];
        for (int i = 0; i < 4; i++) {
            p[i] = predictions.get(i).getAsFloat();
        }
        assertArrayEquals(expected.predictions(), p);
        assertEquals(expected.lossHistory()[699], history.get(699).getAsDouble());
        assertEquals(4, o.getAsJsonArray("inputs").size());
        assertEquals(4, o.getAsJsonArray("targets").size());
    }

    @Test
    void xorPlotWritesAValidPng() throws IOException {
        Path png = dir.resolve("loss.png");
        CliRun r = CliRun.of("xor", "--backend", "naive", "--plot", png.toString());
        assertEquals(0, r.status(), r.err());
        assertPng(png);
    }

    @Test
    void backendsListsEveryProviderAndAutosChoice() {
        CliRun r = CliRun.of("backends");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("naive: available"), r.out());
        assertTrue(r.out().contains("vector: "), r.out());
        assertTrue(r.out().contains("aparapi: "), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("auto picks: (naive|vector|aparapi)")), r.out());
    }

    @Test
    void trainEvaluatePredictOnCsvFiles() throws IOException {
        Path train = dir.resolve("train.csv");
        Path test = dir.resolve("test.csv");
        Path features = dir.resolve("features.csv");
        CliRun.writeBlobs(train, 300, 1, true);
        CliRun.writeBlobs(test, 90, 2, true);
        CliRun.writeBlobs(features, 7, 3, false);
        Path model = dir.resolve("m.fnn");
        Path metrics = dir.resolve("metrics.json");
        Path plot = dir.resolve("curves.png");
        CliRun r = CliRun.of("train", "--csv", train.toString(), "--test-csv", test.toString(), "--layers", "4,8,3",
                "--activation", "tanh", "--optimizer", "adam", "--lr", "0.02", "--batch", "16", "--epochs", "5",
                "--backend", "naive", "--seed", "9", "--out", model.toString(), "--metrics", metrics.toString(),
                "--plot", plot.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("Trainer[layers=4,8,3, hiddenActivation=tanh")), r.out());
        assertEquals(5, r.out().lines().filter(l -> l.matches("epoch \\d/5  loss \\d+\\.\\d{4}  test accuracy \\d+\\.\\d\\d%  .* s")).count(), r.out());
        JsonArray epochs = JsonParser.parseString(Files.readString(metrics)).getAsJsonArray();
        assertEquals(5, epochs.size());
        for (int i = 0; i < 5; i++) {
            JsonObject e = epochs.get(i).getAsJsonObject();
            assertEquals(i + 1, e.get("epoch").getAsInt());
            assertTrue(e.get("seconds").getAsDouble() >= 0);
            assertTrue(Double.isFinite(e.get("loss").getAsDouble()));
            double accuracy = e.get("testAccuracy").getAsDouble();
            assertTrue(accuracy >= 0 && accuracy <= 1);
        }
        JsonElement last = epochs.get(4).getAsJsonObject().get("testAccuracy");
        assertTrue(last.getAsDouble() > 0.9, "blobs are separable: " + last);
        assertPng(plot);

        CliRun eval = CliRun.of("evaluate", "--model", model.toString(), "--csv", test.toString(), "--backend", "naive");
        assertEquals(0, eval.status(), eval.err());
        assertTrue(eval.out().contains("accuracy: "), eval.out());
        assertTrue(eval.out().contains("confusion matrix (rows: true class, columns: predicted class)"), eval.out());
        String accuracyLine = eval.out().lines().filter(l -> l.startsWith("accuracy: ")).findFirst().orElseThrow();
        assertTrue(accuracyLine.endsWith("of 90)"), accuracyLine);

        Path predictions = dir.resolve("preds.csv");
        CliRun predict = CliRun.of("predict", "--model", model.toString(), "--csv", features.toString(), "--out",
                predictions.toString(), "--backend", "naive");
        assertEquals(0, predict.status(), predict.err());
        List<String> lines = Files.readAllLines(predictions);
        assertEquals("row,predicted,p_0,p_1,p_2", lines.get(0));
        assertEquals(8, lines.size());
        for (int i = 1; i < lines.size(); i++) {
            String[] cells = lines.get(i).split(",");
            assertEquals(Integer.toString(i - 1), cells[0]);
            double sum = Double.parseDouble(cells[2]) + Double.parseDouble(cells[3]) + Double.parseDouble(cells[4]);
            assertEquals(1, sum, 1e-5, "softmax rows sum to 1: " + lines.get(i));
        }
    }

    /** The promised options the run above does not use, each in a real run. */
    @Test
    void theOtherPromisedTrainEvaluateAndPredictOptionsRun() throws IOException {
        Path train = dir.resolve("train.csv");
        Path features = dir.resolve("features.csv");
        CliRun.writeBlobs(train, 120, 4, true);
        CliRun.writeBlobs(features, 6, 5, false);
        Path model = dir.resolve("m.fnn");
        CliRun r = CliRun.of("train", "--csv", train.toString(), "--label-column", "0", "--divisor", "2", "--limit",
                "90", "--layers", "4,6,3", "--loss", "mse", "--initializer", "he", "--lr-decay", "0.9", "--standardize",
                "--epochs", "2", "--threads", "1", "--backend", "naive", "--out", model.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("loss=mse, initializer=he"), r.out());
        assertTrue(r.out().contains("schedule=exponential(decay=0.9, warmup=0)") && r.out().contains("standardize=true"), r.out());
        assertTrue(r.out().contains(": 90 training samples"), r.out());
        // The model carries its divisor (model file v2), so evaluate and predict take undivided features.
        CliRun eval = CliRun.of("evaluate", "--model", model.toString(), "--csv", train.toString(), "--label-column",
                "0", "--limit", "30", "--threads", "1", "--backend", "naive");
        assertEquals(0, eval.status(), eval.err());
        assertTrue(eval.out().contains(": 30 samples") && eval.out().contains("of 30)"), eval.out());
        CliRun predict = CliRun.of("predict", "--model", model.toString(), "--csv", features.toString(),
                "--threads", "1", "--backend", "naive");
        assertEquals(0, predict.status(), predict.err());
        assertEquals(7, predict.out().lines().count(), predict.out());
    }

    @Test
    void progressNoneShowsNoEpochsAndLinesShowsEachOnce() throws IOException {
        Path train = dir.resolve("train.csv");
        CliRun.writeBlobs(train, 50, 1, true);
        String[] args = {"train", "--csv", train.toString(), "--layers", "4,3", "--epochs", "3", "--backend", "naive",
                "--progress"};
        CliRun none = CliRun.of(concat(args, "none"));
        assertEquals(0, none.status(), none.err());
        assertEquals(0, none.out().lines().filter(l -> l.startsWith("epoch")).count(), none.out());
        CliRun lines = CliRun.of(concat(args, "lines"));
        assertEquals(3, lines.out().lines().filter(l -> l.matches("epoch \\d/3  loss .*")).count(), lines.out());
        assertTrue(!lines.out().contains("\r"), lines.out());
        CliRun bar = CliRun.of(concat(args, "bar"));
        assertTrue(bar.out().contains("\repoch 3/3 ["), bar.out());
    }

    private static String[] concat(String[] a, String last) {
        String[] all = Arrays.copyOf(a, a.length + 1);
        all[a.length] = last;
        return all;
    }

    /**
     * {@code --threads} gives a command a backend of its own, with its own worker threads: the command closes it,
     * so that code calling {@link Main#run} again and again (tests, an embedding application) keeps no threads.
     */
    @Test
    void aCommandClosesTheBackendItsThreadsOptionGaveIt() throws IOException {
        assumeTrue(Backends.provider(Backends.VECTOR).unavailableReason() == null, "needs the vector backend");
        Path train = dir.resolve("train.csv");
        Path model = dir.resolve("m.fnn");
        CliRun.writeBlobs(train, 60, 1, true);
        long before = vectorWorkers();
        String[] threads = {"--backend", "vector", "--threads", "2"};
        List<String[]> runs = List.of(
                concat(new String[] {"xor", "--iterations", "10"}, threads),
                concat(new String[] {"train", "--csv", train.toString(), "--layers", "4,3", "--epochs", "1", "--out",
                        model.toString()}, threads),
                concat(new String[] {"evaluate", "--model", model.toString(), "--csv", train.toString()}, threads),
                concat(new String[] {"predict", "--model", model.toString(), "--csv", train.toString(),
                        "--label-column", "0"}, threads));
        for (String[] args : runs) {
            CliRun r = CliRun.of(args);
            assertEquals(0, r.status(), Arrays.toString(args) + ": " + r.err());
            assertEquals(before, vectorWorkers(), Arrays.toString(args) + " left its backend's worker threads running");
        }
    }

    private static long vectorWorkers() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("fastnn-vector-")).count();
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void failuresAtRunTimeExitWithStatus1AndAMessage() {
        CliRun missing = CliRun.of("evaluate", "--model", dir.resolve("none.fnn").toString(), "--csv", "x.csv", "--backend", "naive");
        assertEquals(1, missing.status());
        assertTrue(missing.err().startsWith("fastnn: ") && missing.err().contains("none.fnn"), missing.err());
        CliRun noData = CliRun.of("train", "--dataset", "fashion-mnist", "--data-dir", dir.toString(), "--layers", "784,10",
                "--backend", "naive");
        assertEquals(1, noData.status());
        assertTrue(noData.err().contains("dataset-fashion-mnist"), "says how to install it: " + noData.err());
    }

    private static void assertPng(Path png) throws IOException {
        byte[] bytes = Files.readAllBytes(png);
        assertTrue(bytes.length > 1000, "size " + bytes.length);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, Arrays.copyOf(bytes, 8));
        BufferedImage image = ImageIO.read(png.toFile());
        assertTrue(image.getWidth() > 100 && image.getHeight() > 100);
    }
}
