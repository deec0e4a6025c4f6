package dev.fastnn.network.io;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file all at once, for every file fastnn produces (model files, predictions, metrics, charts): the
 * content goes to a hidden temporary file beside the target, is forced to disk and renamed over the target.
 * A crash, a full disk or a failing producer leaves the old file (or none), never half of a new one, and the
 * temporary file is removed. Errors name the target, never the temporary file.
 */
public final class AtomicFile {
    private static final int BUFFER_BYTES = 1 << 16;

    /** Produces a file's bytes. The stream is buffered; closing it only flushes, so a producer may close it. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFile() {
    }

    /** Writes {@code content} to {@code file} atomically, replacing a regular file that is there. */
    public static void write(Path file, Content content) throws IOException {
        Path target = file.toAbsolutePath();
        checkTarget(file, target);
        Path dir = target.getParent();
        Path temp = temporarySibling(target);
        boolean moved = false;
        try {
            // CREATE_NEW (not createTempFile) keeps the umask's permissions, which the final file should have.
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                OutputStream buffered = new BufferedOutputStream(Channels.newOutputStream(channel), BUFFER_BYTES);
                content.writeTo(new FilterOutputStream(buffered) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        out.write(b, off, len);
                    }

                    @Override
                    public void close() throws IOException {
                        flush();
                    }
                });
                buffered.flush();
                channel.force(true);
            }
            // Same directory, so the rename stays on one file system and is atomic.
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            moved = true;
        } catch (IOException e) {
            throw naming(file, temp, e);
        } finally {
            if (!moved) {
                deleteQuietly(temp);
            }
        }
        forceDirectory(dir);
    }

    /**
     * Throws what {@link #write} would fail with before any work is done: the directory is missing or not a
     * directory, the target is a directory or another non-regular file (a device, a pipe), or the directory
     * does not take new files. The last is tested by creating and removing the temporary file itself,
     * because permission bits do not stop root while a read-only mount does.
     */
    public static void checkWritable(Path file) throws IOException {
        Path target = file.toAbsolutePath();
        checkTarget(file, target);
        Path dir = target.getParent();
        if (!Files.exists(dir)) {
            throw new NoSuchFileException(file.toString(), null, "directory " + dir + " does not exist");
        }
        if (!Files.isDirectory(dir)) {
            throw new FileSystemException(file.toString(), null, dir + " is not a directory");
        }
        Path temp = temporarySibling(target);
        try {
            Files.newByteChannel(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
        } catch (IOException e) {
            throw naming(file, temp, e);
        } finally {
            deleteQuietly(temp);
        }
    }

    private static void checkTarget(Path file, Path target) throws IOException {
        if (Files.isDirectory(target)) {
            throw new FileSystemException(file.toString(), null, "is a directory");
        }
        // Renaming over /dev/null or a pipe would replace the device or pipe itself.
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(target)) {
            throw new FileSystemException(file.toString(), null, "is not a regular file");
        }
    }

    /** Hidden and unique, so that concurrent writes to one target do not collide. */
    private static Path temporarySibling(Path target) {
        String unique = Long.toHexString(ThreadLocalRandom.current().nextLong());
        return target.resolveSibling("." + target.getFileName() + "." + unique + ".tmp");
    }

    /** The same failure, told about {@code file} rather than the temporary file the user never named. */
    private static IOException naming(Path file, Path temp, IOException e) {
        String name = file.toString();
        IOException named;
        if (e instanceof FileSystemException f && !temp.toString().equals(f.getFile())) {
            return e;
        } else if (e instanceof NoSuchFileException f) {
            named = new NoSuchFileException(name, null, f.getReason());
        } else if (e instanceof AccessDeniedException f) {
            named = new AccessDeniedException(name, null, f.getReason());
        } else if (e instanceof FileSystemException f) {
            named = new FileSystemException(name, null, f.getReason());
        } else {
            named = new FileSystemException(name, null, e.getMessage() != null ? e.getMessage() : e.toString());
        }
        named.initCause(e);
        return named;
    }

    private static void deleteQuietly(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            // The failure being reported matters more; a leftover hidden file is all this can leave.
        }
    }

    /** The rename is only durable once the directory entry is on disk too. */
    private static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some platforms (Windows) cannot open a directory as a channel; the file itself is already safe.
        }
    }
}
