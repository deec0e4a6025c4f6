package dev.fastnn.network.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a whole file so that nobody ever sees half of it: the bytes go to a hidden temporary file next to
 * the target, are forced to disk, and the temporary file is renamed over the target with an atomic move. A
 * crash or a full disk at any point leaves the previous file (or none) at the target.
 */
public final class AtomicFile {
    private AtomicFile() {
    }

    /** Replaces {@code file} with {@code bytes}. */
    public static void write(Path file, byte[] bytes) throws IOException {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        if (Files.isDirectory(target)) {
            throw new IOException(file + ": is a directory, cannot write a file there");
        }
        // Same directory, so the rename stays on one file system and is atomic; the name is hidden and
        // unique, so concurrent writes to one target do not collide. CREATE_NEW (not createTempFile) keeps the
        // umask's permissions, which the final file should have.
        String unique = Long.toHexString(ThreadLocalRandom.current().nextLong());
        Path temp = dir.resolve("." + target.getFileName() + "." + unique + ".tmp");
        boolean moved = false;
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            moved = true;
            forceDirectory(dir);
        } finally {
            if (!moved) {
                Files.deleteIfExists(temp);
            }
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
