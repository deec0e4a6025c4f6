package dev.fastnn.network.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastnn.network.testing.ChildProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whether standard output is a terminal, asked of fresh JVMs: this test's and, where installed, JDK 25, on
 * which {@code System.console()} exists even when the output is a pipe. A pipe is not a terminal; a
 * pseudo-terminal from util-linux's {@code script} is.
 */
class TerminalDetectionTest {
    static final Path JDK25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");

    static Stream<String> javas() {
        String current = ProcessHandle.current().info().command().orElseThrow();
        return Files.isExecutable(JDK25) && !Path.of(current).equals(JDK25) ? Stream.of(current, JDK25.toString())
                : Stream.of(current);
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        return ChildProcess.run("the terminal probe", command, 60);
    }

    private static List<String> probe(String java) {
        return new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), TerminalProbe.class.getName()));
    }

    @ParameterizedTest
    @MethodSource("javas")
    void aPipeIsNotATerminal(String java) throws Exception {
        assertTrue(run(probe(java)).contains("terminal=false"));
    }

    @ParameterizedTest
    @MethodSource("javas")
    void aPseudoTerminalIsATerminal(String java) throws Exception {
        String command = String.join(" ", probe(java).stream().map(a -> "'" + a + "'").toList());
        assertTrue(run(List.of("script", "-qec", command, "/dev/null")).contains("terminal=true"));
    }
}
