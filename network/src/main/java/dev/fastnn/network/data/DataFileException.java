package dev.fastnn.network.data;

import java.io.IOException;
import java.nio.file.Path;

/** A data file that cannot be used as it is: its message names the file and says what is wrong. */
public class DataFileException extends IOException {
    private static final long serialVersionUID = 1L;

    public DataFileException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public DataFileException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
