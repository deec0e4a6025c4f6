package dev.fastnn.network.cli;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A command added the way another module adds one (registered in the test class path's
 * {@code META-INF/services}), so that tests drive the plug-in point and failures no built-in command can be
 * made to have on demand.
 */
public final class ProbeCommandProvider implements CommandProvider {
    @Override
    public String name() {
        return "probe";
    }

    @Override
    public Object command() {
        return new Probe();
    }

    @Command(description = "A test command from a CommandProvider.")
    static final class Probe implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--value", paramLabel = "N", description = "A number to print.")
        int value;

        @Option(names = "--fail", paramLabel = "KIND", description = "Fail this way: usage, missing-file, npe, oom, threads, unchecked-io.")
        String fail;

        @Option(names = "--log", paramLabel = "LEVEL:MESSAGE",
                description = "Log MESSAGE at a System.Logger level through a dev.fastnn logger.")
        String log;

        @Option(names = "--aparapi-log", paramLabel = "MESSAGE", description = "Log MESSAGE as Aparapi does, SEVERE.")
        String aparapiLog;

        @Override
        public Integer call() throws IOException {
            if (aparapiLog != null) {
                java.util.logging.Logger.getLogger("com.aparapi.internal.opencl.OpenCLLoader").severe(aparapiLog);
            }
            if (log != null) {
                String[] parts = log.split(":", 2);
                System.getLogger("dev.fastnn.network.cli.probe").log(System.Logger.Level.valueOf(parts[0]), parts[1]);
            }
            if (fail != null) {
                switch (fail) {
                    case "usage" -> throw new ParameterException(spec.commandLine(), "--value must be even");
                    case "missing-file" -> throw new NoSuchFileException("/no/such/probe.txt");
                    case "npe" -> throw new NullPointerException("probe's null");
                    case "oom" -> throw new OutOfMemoryError("Java heap space");
                    case "threads" -> throw new OutOfMemoryError("unable to create native thread: possibly out of "
                            + "memory or process/resource limits reached");
                    case "unchecked-io" -> throw new java.io.UncheckedIOException(
                            new java.nio.file.AccessDeniedException("/root/probe.txt"));
                    default -> throw new IllegalArgumentException("unknown --fail " + fail);
                }
            }
            spec.commandLine().getOut().println("probe " + value);
            return 0;
        }
    }
}
