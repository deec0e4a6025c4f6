package dev.fastnn.network.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastnn.network.io.ModelFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files named on the command line: a bad input or output is one line naming the path and the reason, found
 * before any training (the trainer's settings line never appears), and an output that fails to write loses
 * no other output. The runs are as root, so unwritable places are ones permission bits cannot make: a
 * directory that does not exist, a path under a regular file, a directory in place of a file, /sys, /dev/null.
 */
class CommandFilesTest {
    @TempDir
    Path dir;
    Path train;
    Path features;

    @BeforeEach
    void data() throws IOException {
        train = dir.resolve("train.csv");
        features = dir.resolve("features.csv");
        CliRun.writeBlobs(train, 60, 1, true);
        CliRun.writeBlobs(features, 5, 2, false);
    }

    private CliRun train(String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--csv", train.toString(), "--layers", "4,5,3",
                "--epochs", "2", "--batch", "16", "--backend", "naive"));
        args.addAll(List.of(extra));
        return CliRun.of(args.toArray(String[]::new));
    }

    private static void assertFailsBeforeWork(CliRun r, int status, String line) {
        assertEquals(status, r.status(), r.err());
        assertEquals(line, r.errLines().get(0));
        assertFalse(r.out().contains("Trainer["), "nothing was trained: " + r.out());
    }

    private List<String> filesIn(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void missingInputsNameThePathAndTheReason() {
        Path none = dir.resolve("none.csv");
        CliRun r = CliRun.of("train", "--csv", none.toString(), "--layers", "4,3", "--backend", "naive");
        assertFailsBeforeWork(r, 1, "fastnn: " + none + ": no such file or directory");
        assertEquals(1, r.errLines().size(), r.err());
        assertEquals("fastnn: " + none + ": no such file or directory",
                CliRun.of("evaluate", "--model", none.toString(), "--csv", train.toString()).errLines().get(0));
        assertEquals("fastnn: " + none + ": no such file or directory", CliRun.of("predict", "--model",
                none.toString(), "--csv", features.toString()).errLines().get(0));
    }

    @Test
    void aDirectoryOrAPathThroughAFileAsInputIsNamedWithTheReason() {
        assertFailsBeforeWork(CliRun.of("train", "--csv", dir.toString(), "--layers", "4,3"), 1,
                "fastnn: " + dir + ": is a directory");
        Path under = train.resolve("x.csv");
        assertFailsBeforeWork(CliRun.of("train", "--csv", train.toString(), "--test-csv", under.toString(),
                "--layers", "4,3"), 1, "fastnn: " + under + ": " + train + " is not a directory");
        assertEquals("fastnn: " + dir + ": is a directory",
                CliRun.of("predict", "--model", dir.toString(), "--csv", features.toString()).errLines().get(0));
    }

    @Test
    void anOutputInAMissingDirectoryFailsBeforeTraining() throws IOException {
        Path missing = dir.resolve("no/such/dir");
        Path out = missing.resolve("m.fnn");
        assertFailsBeforeWork(train("--out", out.toString()), 1,
                "fastnn: " + out + ": directory " + missing + " does not exist");
        assertEquals(List.of("train.csv", "features.csv").stream().sorted().toList(), filesIn(dir));
    }

    @Test
    void anOutputThatIsADirectoryFailsBeforeTraining() throws IOException {
        Path metrics = Files.createDirectory(dir.resolve("metrics.json"));
        assertFailsBeforeWork(train("--out", dir.resolve("m.fnn").toString(), "--metrics", metrics.toString()), 1,
                "fastnn: " + metrics + ": is a directory");
        assertFalse(Files.exists(dir.resolve("m.fnn")));
    }

    @Test
    void anOutputUnderARegularFileFailsBeforeTraining() {
        Path plot = train.resolve("curves.png");
        assertFailsBeforeWork(train("--plot", plot.toString()), 1,
                "fastnn: " + plot + ": " + train + " is not a directory");
    }

    @Test
    void anOutputOnADeviceOrAFileSystemThatTakesNoFilesFailsBeforeTraining() {
        assertFailsBeforeWork(train("--out", "/dev/null"), 1, "fastnn: /dev/null: is not a regular file");
        CliRun sys = train("--metrics", "/sys/metrics.json");
        assertEquals(1, sys.status(), sys.err());
        String line = sys.errLines().get(0);
        assertTrue(line.equals("fastnn: /sys/metrics.json: permission denied")
                || line.equals("fastnn: /sys/metrics.json: read-only file system"), line);
        assertFalse(sys.out().contains("Trainer["), sys.out());
    }

    @Test
    void twoOutputsOrAnOutputAndAnInputNamingOneFileAreAUsageError() {
        Path m = dir.resolve("m.out");
        assertFailsBeforeWork(train("--out", m.toString(), "--metrics", dir.resolve("x/../m.out").toString()), 2,
                "fastnn: --out and --metrics both name " + m + "; give each output its own file");
        assertFailsBeforeWork(train("--plot", train.toString()), 2,
                "fastnn: --plot " + train + " is also the --csv input; write the output to another file");
        CliRun predict = CliRun.of("predict", "--model", m.toString(), "--csv", features.toString(), "--out",
                features.toString());
        assertEquals(2, predict.status(), predict.err());
        assertEquals("fastnn: --out " + features + " is also the --csv input; write the output to another file",
                predict.errLines().get(0));
    }

    @Test
    void anOutputThatFailsAfterTrainingLosesNoOtherAndLeavesNoTemporaryFile() throws IOException {
        Path model = dir.resolve("m.fnn");
        Path metrics = dir.resolve("metrics.json");
        Path plot = dir.resolve("curves.png");
        // After the first epoch, the metrics file's name is taken by a directory: only its write can fail.
        CliRun r = CliRun.whenPrinted("epoch 1/2", () -> Files.createDirectory(metrics), "train", "--csv",
                train.toString(), "--layers", "4,5,3", "--epochs", "2", "--backend", "naive", "--out", model.toString(),
                "--metrics", metrics.toString(), "--plot", plot.toString());
        assertEquals(1, r.status(), r.err());
        assertEquals(List.of("fastnn: " + metrics + ": is a directory"), r.errLines());
        assertTrue(r.out().contains("model written to " + model), r.out());
        assertTrue(r.out().contains("plot written to " + plot), r.out());
        assertEquals(4, ModelFile.load(model).layers().get(0).inputs());
        assertTrue(Files.size(plot) > 1000);
        assertEquals(List.of("curves.png", "features.csv", "m.fnn", "metrics.json", "train.csv"), filesIn(dir));
        assertEquals(List.of(), filesIn(metrics));
    }

    @Test
    void trainingThatDivergesSavesNoOutputAndSaysWhereInOneLine() throws IOException {
        Path model = dir.resolve("m.fnn");
        Path metrics = dir.resolve("metrics.json");
        Path plot = dir.resolve("curves.png");
        // A linear network on the summed squared error with a learning rate near float's range overflows at once.
        CliRun r = train("--activation", "identity", "--loss", "sse", "--lr", "1e30", "--progress", "bar",
                "--out", model.toString(), "--metrics", metrics.toString(), "--plot", plot.toString());
        assertEquals(1, r.status(), r.err());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.errLines().get(0).matches("fastnn: training diverged: the loss of epoch 1, batch \\d+ of 4 is "
                + "(NaN|-?Infinity); try a lower learning rate or standardized features"), r.err());
        assertTrue(r.out().endsWith("\r"), "the bar is cleared before the error: " + r.out());
        assertEquals(List.of("features.csv", "train.csv"), filesIn(dir));
    }
}
