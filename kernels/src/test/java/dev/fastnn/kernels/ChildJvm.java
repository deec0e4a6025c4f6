package dev.fastnn.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a test main in a fresh JVM (this one's java and class path) to see what a user's process would see when
 * a module or a driver is missing. Options from the environment are dropped: they would defeat the point.
 */
public record ChildJvm(String stdout, String stderr) {
    /** What the JVM itself prints when the Vector API module is added; not fastnn's to silence. */
    public static final String INCUBATOR_NOTICE = "WARNING: Using incubator modules: jdk.incubator.vector";
    /** Prefix of each line {@link #logEverything} makes java.util.logging print for a fastnn record. */
    public static final String FASTNN_RECORD = "record dev.fastnn.";

    /** Runs {@code main} with {@code jvmFlags} and extra environment variables; the child must exit 0. */
    public static ChildJvm run(Class<?> main, List<String> jvmFlags, Map<String, String> environment)
            throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(jvmFlags);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove("JDK_JAVA_OPTIONS");
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().putAll(environment);
        Process child = builder.start();
        child.getOutputStream().close();
        byte[] out = child.getInputStream().readAllBytes();
        byte[] err = child.getErrorStream().readAllBytes();
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
        ChildJvm result = new ChildJvm(new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
        assertEquals(0, child.exitValue(), result.stdout() + result.stderr());
        return result;
    }

    /**
     * The JVM flag for a java.util.logging configuration (written into {@code dir}) that prints every record of
     * every level, each on one line: {@code record LOGGER LEVEL: MESSAGE}. System.Logger's DEBUG is JUL's FINE.
     */
    public static String logEverything(Path dir) throws IOException {
        Path config = dir.resolve("log-everything.properties");
        Files.writeString(config, String.join("\n",
                "handlers=java.util.logging.ConsoleHandler",
                "java.util.logging.ConsoleHandler.level=ALL",
                "java.util.logging.SimpleFormatter.format=record %3$s %4$s: %5$s%n",
                "dev.fastnn.level=ALL", ""));
        return "-Djava.util.logging.config.file=" + config;
    }

    /** Lines of standard error that are not the JVM's incubator notice. */
    public List<String> stderrLines() {
        return stderr.lines().filter(l -> !l.equals(INCUBATOR_NOTICE)).toList();
    }

    /** The fastnn log records on standard error, one line each, under {@link #logEverything}. */
    public List<String> fastnnRecords() {
        return stderr.lines().filter(l -> l.startsWith(FASTNN_RECORD)).toList();
    }
}
