package dev.fastnn.network.cli;

/** Bad command-line arguments: {@link Main} prints the message and the usage and exits with status 2. */
final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
