package dev.fastnn.network.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command (a test main in a fresh JVM, say) as a user's process would run: without the JVM options of
 * the environment, which would defeat the point, and with nothing on its standard input.
 */
public final class ChildProcess {
    private ChildProcess() {
    }

    /** Its standard output and error together; fails naming {@code what} unless it exits 0 within {@code seconds}. */
    public static String run(String what, List<String> command, long seconds) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("JDK_JAVA_OPTIONS");
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        Process child = builder.start();
        child.getOutputStream().close();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(seconds, TimeUnit.SECONDS), what + ": did not finish");
        assertEquals(0, child.exitValue(), what + ": " + output);
        return output;
    }
}
