package dev.fastnn.network.data;

import java.io.IOException;

/** A dataset's files are not where they were looked for; the message says how to get them. */
public class DatasetNotFoundException extends IOException {
    private static final long serialVersionUID = 1L;

    public DatasetNotFoundException(String message) {
        super(message);
    }
}
