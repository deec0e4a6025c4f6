package dev.fastnn.network.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.zip.ZipException;

/**
 * Reads IDX files, the layout of MNIST and Fashion-MNIST: a 4-byte magic ({@code 0x00 0x00}, a data type
 * code, the number of dimensions), one big-endian 32-bit size per dimension, then the values. Only unsigned
 * bytes (type {@code 0x08}) are read: images are {@code 0x00000803} (count, rows, columns), labels
 * {@code 0x00000801} (count).
 *
 * <p>A file may be gzipped or not; that is told by the gzip magic {@code 1f 8b}, not by the name, because
 * users gunzip files and keep names, or the other way round. Every size is checked against what the file
 * really holds, and a file with bytes missing or left over is rejected: a silently short training set is
 * worse than an error.
 */
public final class IdxReader {
    public static final int IMAGES_MAGIC = 0x00000803;
    public static final int LABELS_MAGIC = 0x00000801;
    private static final int UNSIGNED_BYTE = 0x08;

    private IdxReader() {
    }

    /** Images of an IDX3 file, pixels scaled from 0..255 to [0, 1] ({@code p / 255}), one image per row. */
    public record Images(int count, int height, int width, float[] pixels) {
        public int pixelsPerImage() {
            return height * width;
        }
    }

    public static Images readImages(Path file) throws IOException {
        try (InputStream in = MaybeGzipped.open(file)) {
            int[] dims = readHeader(in, file, IMAGES_MAGIC, 3, "images");
            long size = (long) dims[0] * dims[1] * dims[2];
            byte[] bytes = readPayload(in, file, size, dims[0] + " images of " + dims[1] + "x" + dims[2]);
            float[] pixels = new float[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                pixels[i] = (bytes[i] & 0xFF) / 255f;
            }
            return new Images(dims[0], dims[1], dims[2], pixels);
        } catch (EOFException | ZipException e) {
            throw new DataFileException(file, "corrupt or truncated gzip stream (" + e.getMessage() + ")", e);
        }
    }

    /** Labels of an IDX1 file, 0..255 each. */
    public static int[] readLabels(Path file) throws IOException {
        try (InputStream in = MaybeGzipped.open(file)) {
            int[] dims = readHeader(in, file, LABELS_MAGIC, 1, "labels");
            byte[] bytes = readPayload(in, file, dims[0], dims[0] + " labels");
            int[] labels = new int[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                labels[i] = bytes[i] & 0xFF;
            }
            return labels;
        } catch (EOFException | ZipException e) {
            throw new DataFileException(file, "corrupt or truncated gzip stream (" + e.getMessage() + ")", e);
        }
    }

    /**
     * An image file and its label file as one dataset of {@code classes} classes; the counts must agree and
     * every label must be below {@code classes}.
     */
    public static Dataset readDataset(Path imagesFile, Path labelsFile, int classes) throws IOException {
        if (classes < 1) {
            throw new IllegalArgumentException("classes must be positive, got " + classes);
        }
        Images images = readImages(imagesFile);
        int[] labels = readLabels(labelsFile);
        if (labels.length != images.count()) {
            throw new DataFileException(labelsFile, "has " + labels.length + " labels but " + imagesFile + " has "
                    + images.count() + " images; they must be the same");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] >= classes) {
                throw new DataFileException(labelsFile, "label " + i + " is " + labels[i] + ", expected 0.."
                        + (classes - 1));
            }
        }
        return new Dataset(images.pixels(), images.count(), images.pixelsPerImage(), labels, classes);
    }

    private static int[] readHeader(InputStream in, Path file, int expectedMagic, int dimensions, String what)
            throws IOException {
        byte[] header = in.readNBytes(4 + 4 * dimensions);
        if (header.length < 4) {
            throw new DataFileException(file, "truncated: " + header.length + " bytes, an IDX header needs "
                    + (4 + 4 * dimensions));
        }
        int magic = intAt(header, 0);
        if (magic != expectedMagic) {
            throw new DataFileException(file, "not an IDX " + what + " file: magic number is "
                    + String.format("0x%08x", magic) + ", expected " + String.format("0x%08x", expectedMagic)
                    + describeMagic(magic));
        }
        if (header.length < 4 + 4 * dimensions) {
            throw new DataFileException(file, "truncated header: " + header.length + " bytes, expected "
                    + (4 + 4 * dimensions));
        }
        int[] dims = new int[dimensions];
        for (int d = 0; d < dimensions; d++) {
            dims[d] = intAt(header, 4 + 4 * d);
            if (dims[d] <= 0) {
                throw new DataFileException(file, "dimension " + d + " is " + dims[d] + ", expected a positive size");
            }
        }
        return dims;
    }

    private static String describeMagic(int magic) {
        if ((magic >>> 16) != 0) {
            return " (the first two bytes of an IDX file are zero)";
        }
        int type = (magic >>> 8) & 0xFF;
        if (type != UNSIGNED_BYTE) {
            return String.format(" (data type 0x%02x; only unsigned bytes, 0x08, are supported)", type);
        }
        return " (" + (magic & 0xFF) + " dimensions)";
    }

    /** Reads exactly {@code size} bytes and checks that nothing follows. */
    private static byte[] readPayload(InputStream in, Path file, long size, String what) throws IOException {
        if (size > Integer.MAX_VALUE - 8) {
            throw new DataFileException(file, "header announces " + what + " = " + size
                    + " values, more than one array can hold");
        }
        // readNBytes grows its buffer as bytes arrive, so a corrupt header announcing gigabytes fails as
        // "truncated" instead of allocating them first.
        byte[] bytes = in.readNBytes((int) size);
        if (bytes.length != size) {
            throw new DataFileException(file, "truncated: header announces " + what + " = " + size
                    + " bytes of data, found " + bytes.length);
        }
        long extra = in.transferTo(OutputStream.nullOutputStream());
        if (extra > 0) {
            throw new DataFileException(file, "header announces " + what + " = " + size + " bytes of data, found "
                    + (size + extra) + " (" + extra + " bytes too many)");
        }
        return bytes;
    }

    private static int intAt(byte[] b, int offset) {
        return (b[offset] & 0xFF) << 24 | (b[offset + 1] & 0xFF) << 16 | (b[offset + 2] & 0xFF) << 8
                | (b[offset + 3] & 0xFF);
    }
}
