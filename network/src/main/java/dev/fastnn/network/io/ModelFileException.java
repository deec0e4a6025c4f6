package dev.fastnn.network.io;

import java.io.IOException;
import java.nio.file.Path;

/** A model file or checkpoint that cannot be loaded: its message names the file and says what is wrong with it. */
public class ModelFileException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String problem;

    public ModelFileException(Path file, String problem) {
        super(file + ": " + problem);
        this.problem = problem;
    }

    public ModelFileException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.problem = problem;
    }

    /** What is wrong, without the file's name. */
    public String problem() {
        return problem;
    }
}
