package dev.fastnn.network.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --model FILE}, the saved model a command uses ({@code @Mixin ModelOption modelFile}). */
public final class ModelOption {
    @Option(names = "--model", paramLabel = "FILE.fnn", required = true,
            description = "The model, as train --out saved it.")
    private Path path;

    public Path path() {
        return path;
    }
}
