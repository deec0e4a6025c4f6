package dev.fastnn.network.io;

import java.io.IOException;
import java.nio.file.Path;

/** A model file that cannot be loaded: its message names the file and says what is wrong with it. */
public class ModelFileException extends IOException {
    private static final long serialVersionUID = 1L;

    public ModelFileException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public ModelFileException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
