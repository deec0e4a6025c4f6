package dev.fastnn.network.data;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small IDX files for tests, byte by byte after the published layout, independently of the reader. */
final class IdxFiles {
    private IdxFiles() {
    }

    static byte[] images(int count, int height, int width, byte[] pixels) {
        return idx(0x00000803, new int[] {count, height, width}, pixels);
    }

    static byte[] labels(byte[] labels) {
        return idx(0x00000801, new int[] {labels.length}, labels);
    }

    static byte[] idx(int magic, int[] dims, byte[] data) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(magic);
            for (int d : dims) {
                out.writeInt(d);
            }
            out.write(data);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] gzip(byte[] raw) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (OutputStream out = new GZIPOutputStream(bytes)) {
                out.write(raw);
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static Path write(Path file, byte[] content) throws IOException {
        return Files.write(file, content);
    }

    /** Pixel values from 0 to 255, not sorted: {@code 0, 255}, then steps of 37 mod 256. */
    static byte[] pixelPattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i == 1 ? 255 : i * 37);
        }
        return b;
    }
}
