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

        @Option(names = "--fail", paramLabel = "KIND", description = "Fail this way: usage, missing-file, npe.")
        String fail;

        @Override
        public Integer call() throws IOException {
            if (fail != null) {
                switch (fail) {
                    case "usage" -> throw new ParameterException(spec.commandLine(), "--value must be even");
                    case "missing-file" -> throw new NoSuchFileException("/no/such/probe.txt");
                    case "npe" -> throw new NullPointerException("probe's null");
                    default -> throw new IllegalArgumentException("unknown --fail " + fail);
                }
            }
            spec.commandLine().getOut().println("probe " + value);
            return 0;
        }
    }
}
