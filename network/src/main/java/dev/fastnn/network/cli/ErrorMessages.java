package dev.fastnn.network.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;

/**
 * The one line {@code fastnn} prints for whatever stopped a command: a file problem names the file and the
 * reason, a problem fastnn itself reports (bad data, a model file, an unavailable backend) is its message,
 * running out of memory says how to give the JVM more, and anything unexpected names its type.
 */
final class ErrorMessages {
    private ErrorMessages() {
    }

    static String describe(Throwable e) {
        if (e instanceof UncheckedIOException && e.getCause() != null) {
            return describe(e.getCause());
        }
        if (e instanceof OutOfMemoryError) {
            return outOfMemory(e);
        }
        if (e instanceof FileSystemException f) {
            return file(f);
        }
        if (!isUnexpected(e)) {
            return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        }
        return "unexpected " + e.getClass().getName() + (e.getMessage() != null ? ": " + e.getMessage() : "");
    }

    /**
     * Whether {@code e} is none of what a command expects to fail with: file and data problems, bad values
     * the library refuses, unavailable backends, fastnn's own exceptions, running out of memory.
     */
    static boolean isUnexpected(Throwable e) {
        Throwable t = e instanceof UncheckedIOException && e.getCause() != null ? e.getCause() : e;
        return !(t instanceof IOException || t instanceof IllegalArgumentException || t instanceof IllegalStateException
                || t instanceof OutOfMemoryError || t.getClass().getName().startsWith("dev.fastnn."));
    }

    /** {@code PATH: reason}, the reason in words for the subtypes the JDK throws without one. */
    static String file(FileSystemException e) {
        String reason = e.getReason();
        String what;
        if (e instanceof NoSuchFileException) {
            what = reason != null ? reason : "no such file or directory";
        } else if (e instanceof AccessDeniedException) {
            what = "permission denied" + (reason != null ? " (" + reason + ")" : "");
        } else if (e instanceof NotDirectoryException) {
            what = "not a directory";
        } else if (e instanceof FileAlreadyExistsException) {
            what = "already exists";
        } else if (e instanceof DirectoryNotEmptyException) {
            what = "directory not empty";
        } else if (reason != null) {
            // The operating system's words, such as "Is a directory" or "Read-only file system".
            what = reason.isEmpty() ? reason : reason.substring(0, 1).toLowerCase(Locale.ROOT) + reason.substring(1);
        } else {
            what = e.getClass().getSimpleName();
        }
        return e.getFile() + (e.getOtherFile() != null ? " -> " + e.getOtherFile() : "") + ": " + what;
    }

    private static String outOfMemory(Throwable e) {
        if (e.getMessage() != null && e.getMessage().contains("native thread")) {
            return "out of memory for threads (" + e.getMessage() + "): use fewer --threads";
        }
        long maxMiB = Runtime.getRuntime().maxMemory() >> 20;
        return "out of memory (" + (e.getMessage() != null ? e.getMessage() + ", " : "") + "this JVM may use at most "
                + maxMiB + " MiB): give it more, e.g. ./fastnn -Xmx8g COMMAND ... or FASTNN_JAVA_OPTS=-Xmx8g, or use "
                + "less data (--limit) or smaller layers";
    }
}
