package dev.fastnn.network.cli;

import dev.fastnn.kernels.BackendProvider;
import dev.fastnn.kernels.Backends;
import java.io.PrintStream;
import java.util.Set;

/** {@code fastnn backends}: what each backend would run on here, or why it cannot, and what auto picks. */
final class BackendsCommand implements Main.Command {

    static BackendsCommand parse(String[] args) throws UsageException {
        Arguments.parse("backends", args, 1, Set.of(), Set.of());
        return new BackendsCommand();
    }

    @Override
    public int run(PrintStream out, PrintStream err) {
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
