package dev.fastnn.network.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --checkpoint}, {@code --checkpoint-every}, {@code --resume}, mixed into {@code train} (docs/checkpoint-format.md). */
final class CheckpointOptions {
    @Option(names = "--checkpoint", paramLabel = "FILE.fnnc",
            description = "Save a checkpoint (model, optimizer state, epoch, early-stopping progress) every "
                    + "--checkpoint-every epochs and after the last one, written atomically.")
    Path file;

    @Option(names = "--checkpoint-every", paramLabel = "N", converter = OptionConverters.PositiveInt.class,
            description = "Epochs between checkpoints (default: 1).")
    private Integer every;

    @Option(names = "--resume", paramLabel = "FILE.fnnc",
            description = "Continue the run a checkpoint holds up to --epochs in all; give the settings of the run "
                    + "that wrote it. May be the --checkpoint file itself.")
    Path resume;

    /** Whether {@code --resume} and {@code --checkpoint} name one file. */
    boolean sameFile() throws IOException {
        return file != null && resume != null && Files.exists(file) && Files.exists(resume) && Files.isSameFile(file, resume);
    }

    /** Every how many epochs to checkpoint: 0 without {@code --checkpoint}. */
    int every() throws UsageException {
        if (file == null) {
            if (every != null) {
                throw new UsageException("--checkpoint-every goes with --checkpoint FILE");
            }
            return 0;
        }
        return every == null ? 1 : every;
    }
}
