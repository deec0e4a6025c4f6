package dev.fastnn.network.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

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
}
