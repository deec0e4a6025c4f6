package dev.fastnn.network.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/** One in-process run of the command line: its exit status and what it printed. */
record CliRun(int status, String out, String err) {

    static CliRun of(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new CliRun(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    List<String> errLines() {
        return err.lines().toList();
    }

    /** Three separable classes in 4 features; the label first unless {@code labelled} is false. */
    static void writeBlobs(Path file, int rows, long seed, boolean labelled) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < rows; i++) {
            int label = i % 3;
            if (labelled) {
                sb.append(label);
            }
            for (int j = 0; j < 4; j++) {
                double v = (j == label ? 2 : 0) + r.nextDouble(-0.5, 0.5);
                sb.append(labelled || j > 0 ? "," : "").append((float) v);
            }
            sb.append('\n');
        }
        Files.writeString(file, sb.toString());
    }
}
