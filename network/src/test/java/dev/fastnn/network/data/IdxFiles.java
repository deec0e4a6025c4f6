package dev.fastnn.network.data;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small IDX files for tests, byte by byte after the published layout, independently of the reader. */
public final class IdxFiles {
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

    /**
     * One set of Fashion-MNIST's files in {@code dir} as its package names them ({@code prefix} {@code train} or
     * {@code t10k}): {@code count} 28x28 images of {@link #pixelPattern}, labelled 0, 1, ..., 9, 0, ...
     */
    public static void writeFashionMnistSet(Path dir, String prefix, int count, boolean gzipped) throws IOException {
        byte[] images = images(count, 28, 28, pixelPattern(count * 784));
        byte[] labels = new byte[count];
        for (int i = 0; i < count; i++) {
            labels[i] = (byte) (i % 10);
        }
        byte[] labelFile = labels(labels);
        String suffix = gzipped ? ".gz" : "";
        Files.write(dir.resolve(prefix + "-images-idx3-ubyte" + suffix), gzipped ? gzip(images) : images);
        Files.write(dir.resolve(prefix + "-labels-idx1-ubyte" + suffix), gzipped ? gzip(labelFile) : labelFile);
    }
}
