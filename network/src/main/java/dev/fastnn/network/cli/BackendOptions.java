package dev.fastnn.network.cli;

import dev.fastnn.kernels.Backend;
import dev.fastnn.kernels.Backends;
import picocli.CommandLine.Option;

/**
 * {@code --backend NAME} and {@code --threads N}, mixed into every command that computes
 * ({@code @Mixin BackendOptions backend}). The valid names come from {@link Backends#names()}.
 */
final class BackendOptions {
    @Option(names = "--backend", paramLabel = "NAME", converter = OptionConverters.BackendName.class,
            completionCandidates = OptionConverters.BackendNames.class,
            description = "Where the computation runs: ${COMPLETION-CANDIDATES} (default: the " + Backends.PROPERTY
                    + " property, else " + Backends.AUTO + "; 'fastnn backends' says what each would use).")
    private String name;

    @Option(names = "--threads", paramLabel = "N", converter = OptionConverters.ThreadCount.class,
            description = "Threads of the vector backend; the command gets a backend of its own (default: one per "
                    + "processor).")
    private Integer threads;

    /**
     * The backend asked for: with {@code --threads} a new one, else the shared one. An unavailable backend
     * throws {@link IllegalStateException} naming what is missing, a failure of the work (status 1).
     */
    Backend backend() {
        String chosen = name != null ? name : System.getProperty(Backends.PROPERTY, Backends.AUTO);
        return threads != null ? Backends.create(chosen, threads) : Backends.get(chosen);
    }
}
