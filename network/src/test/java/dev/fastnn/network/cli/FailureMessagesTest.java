package dev.fastnn.network.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whatever stops a command is one line and status 1, never a stack trace (the probe command fails on demand). */
class FailureMessagesTest {

    private static String oneLineFailure(String kind) {
        CliRun r = CliRun.of("probe", "--fail", kind);
        assertEquals(1, r.status(), r.err());
        assertEquals("", r.out());
        List<String> lines = r.errLines();
        assertEquals(1, lines.size(), r.err());
        return lines.get(0);
    }

    @Test
    void anUnexpectedExceptionNamesItsTypeAndMessage() {
        assertEquals("fastnn: unexpected java.lang.NullPointerException: probe's null (--verbose shows where)",
                oneLineFailure("npe"));
    }

    @Test
    void runningOutOfMemorySaysHowToGiveTheJvmMore() {
        String line = oneLineFailure("oom");
        assertTrue(line.startsWith("fastnn: out of memory (Java heap space, this JVM may use at most "
                + (Runtime.getRuntime().maxMemory() >> 20) + " MiB): give it more, e.g. ./fastnn -Xmx8g"), line);
        assertTrue(line.contains("FASTNN_JAVA_OPTS=-Xmx8g"), line);
        assertTrue(oneLineFailure("threads").endsWith("use fewer --threads"));
    }

    @Test
    void fileProblemsNameTheFileAndTheReasonAlsoWhenWrapped() {
        assertEquals("fastnn: /no/such/probe.txt: no such file or directory", oneLineFailure("missing-file"));
        assertEquals("fastnn: /root/probe.txt: permission denied", oneLineFailure("unchecked-io"));
    }

    /** A real one, in a child JVM with a small heap: a batch of 2000 rows through 50000 units needs 400 MB. */
    @Test
    void aRealOutOfMemoryErrorWhileTrainingIsOneLineNamingTheFix(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("train.csv");
        CliRun.writeBlobs(csv, 2000, 1, true);
        List<String> command = List.of(ProcessHandle.current().info().command().orElseThrow(), "-Xmx64m", "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "train", "--csv", csv.toString(),
                "--layers", "4,50000,3", "--batch", "2000", "--epochs", "1", "--backend", "naive", "--out",
                dir.resolve("m.fnn").toString());
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove("JDK_JAVA_OPTIONS");
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        Process child = builder.start();
        child.getOutputStream().close();
        child.getInputStream().readAllBytes();
        String err = new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(120, TimeUnit.SECONDS));
        assertEquals(1, child.exitValue(), err);
        List<String> lines = err.lines().toList();
        assertEquals(1, lines.size(), err);
        assertTrue(lines.get(0).startsWith("fastnn: out of memory (Java heap space, this JVM may use at most "), err);
        assertTrue(lines.get(0).contains("./fastnn -Xmx8g"), err);
        assertFalse(Files.exists(dir.resolve("m.fnn")));
    }
}
