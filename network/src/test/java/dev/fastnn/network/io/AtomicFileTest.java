package dev.fastnn.network.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {
    @TempDir
    Path dir;

    private List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    @Test
    void writesTheBytesAndReplacesTheOldFileLeavingNothingElse() throws IOException {
        Path file = dir.resolve("out.txt");
        Files.writeString(file, "old, longer content");
        AtomicFile.write(file, out -> out.write("new".getBytes(StandardCharsets.UTF_8)));
        assertEquals("new", Files.readString(file));
        assertEquals(List.of(file), files());
    }

    @Test
    void aProducerThatClosesTheStreamStillGetsItsFileWritten() throws IOException {
        Path file = dir.resolve("closed.txt");
        AtomicFile.write(file, out -> {
            try (out) {
                out.write('x');
            }
        });
        assertEquals("x", Files.readString(file));
    }

    @Test
    void aFailingProducerLeavesTheOldFileAndNoTemporaryFile() throws IOException {
        Path file = dir.resolve("keep.txt");
        Files.writeString(file, "kept");
        IOException e = assertThrows(IOException.class, () -> AtomicFile.write(file, out -> {
            out.write(new byte[100_000]);
            throw new IOException("No space left on device");
        }));
        assertEquals(file + ": No space left on device", e.getMessage());
        assertEquals("kept", Files.readString(file));
        assertEquals(List.of(file), files());
        assertThrows(IllegalStateException.class, () -> AtomicFile.write(file, out -> {
            throw new IllegalStateException("producer bug");
        }));
        assertEquals(List.of(file), files());
    }

    @Test
    void failuresNameTheTargetNeverTheTemporaryFile() {
        Path file = dir.resolve("gone/out.txt");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> AtomicFile.write(file, out -> out.write(1)));
        assertEquals(file.toString(), e.getFile());
    }

    @Test
    void checkWritableRefusesWhatWriteWouldFailOnAndLeavesNothing() throws IOException {
        Path regular = Files.writeString(dir.resolve("regular"), "x");
        Path subdir = Files.createDirectory(dir.resolve("sub"));
        assertEquals("directory " + dir.resolve("none") + " does not exist", assertThrows(NoSuchFileException.class,
                () -> AtomicFile.checkWritable(dir.resolve("none/out"))).getReason());
        assertEquals(regular + " is not a directory", assertThrows(FileSystemException.class,
                () -> AtomicFile.checkWritable(regular.resolve("out"))).getReason());
        assertEquals("is a directory", assertThrows(FileSystemException.class,
                () -> AtomicFile.checkWritable(subdir)).getReason());
        assertEquals("is not a regular file", assertThrows(FileSystemException.class,
                () -> AtomicFile.checkWritable(Path.of("/dev/null"))).getReason());
        assertThrows(FileSystemException.class, () -> AtomicFile.checkWritable(Path.of("/sys/out")));
        AtomicFile.checkWritable(dir.resolve("fine"));
        AtomicFile.checkWritable(regular);
        assertEquals(List.of(regular, subdir), files());
        assertTrue(Files.isDirectory(subdir));
    }
}
