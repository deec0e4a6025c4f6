package dev.fastnn.network.cli;

/**
 * Bad command-line arguments found by a command's own checks (picocli finds the rest): {@link Main} prints
 * the message in one line with a hint to the command's help, and exits with status 2.
 */
public final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
