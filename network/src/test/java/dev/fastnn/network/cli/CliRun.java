package dev.fastnn.network.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/** One in-process run of the command line: its exit status and what it printed. */
record CliRun(int status, String out, String err) {

    /** Something a test does to the file system while a command runs. */
    interface Action {
        void run() throws IOException;
    }

    static CliRun of(String... args) {
        return whenPrinted(null, null, args);
    }

    /**
     * Runs the command and, the first time its standard output contains {@code text}, does {@code action}:
     * a hook into the middle of a run (say after the first epoch) without changing the command.
     */
    static CliRun whenPrinted(String text, Action action, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream() {
            private boolean done;

            @Override
            public synchronized void write(byte[] b, int off, int len) {
                super.write(b, off, len);
                if (text != null && !done && toString(StandardCharsets.UTF_8).contains(text)) {
                    done = true;
                    try {
                        action.run();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        };
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
