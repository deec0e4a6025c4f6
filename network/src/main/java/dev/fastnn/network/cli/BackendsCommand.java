package dev.fastnn.network.cli;

import dev.fastnn.kernels.BackendProvider;
import dev.fastnn.kernels.Backends;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code fastnn backends}: what each backend would run on here, or why it cannot, and what auto picks. */
@Command(name = "backends", abbreviateSynopsis = true,
        description = "List the backends, whether each can run here (and why not), and what " + Backends.AUTO
                + " picks.")
final class BackendsCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        for (BackendProvider p : Backends.providers()) {
            String reason = p.unavailableReason();
            out.println(p.name() + ": " + (reason == null ? "available" : "not available: " + reason));
            if (reason == null) {
                for (String line : p.details()) {
                    out.println("    " + line);
                }
            }
        }
        String property = System.getProperty(Backends.PROPERTY);
        out.println("auto picks: " + Backends.autoChoice().name());
        if (property != null) {
            out.println(Backends.PROPERTY + "=" + property + " selects: " + Backends.get(property).description());
        }
        return 0;
    }
}
