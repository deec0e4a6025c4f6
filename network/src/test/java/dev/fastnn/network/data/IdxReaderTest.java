package dev.fastnn.network.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdxReaderTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "gzipped={0}")
    @ValueSource(booleans = {false, true})
    void imagesMatchTheBytesWrittenScaledBy255InDouble(boolean gzipped) throws IOException {
        int count = 3;
        int height = 5;
        int width = 7;
        byte[] raw = IdxFiles.pixelPattern(count * height * width);
        byte[] file = IdxFiles.images(count, height, width, raw);
        // The name says nothing: detection is by content, so a gzipped file without .gz must work and vice versa.
        Path path = IdxFiles.write(dir.resolve(gzipped ? "images.idx" : "images.idx.gz"),
                gzipped ? IdxFiles.gzip(file) : file);

        IdxReader.Images images = IdxReader.readImages(path);

        assertEquals(count, images.count());
        assertEquals(height, images.height());
        assertEquals(width, images.width());
        assertEquals(count * height * width, images.pixels().length);
        for (int i = 0; i < raw.length; i++) {
            double expected = (raw[i] & 0xFF) / 255.0;
            assertEquals(expected, images.pixels()[i], 1e-7, "pixel " + i);
        }
        assertTrue(hasValue(images.pixels(), 0f) && hasValue(images.pixels(), 1f), "pattern covers 0 and 255");
    }

    @ParameterizedTest(name = "gzipped={0}")
    @ValueSource(booleans = {false, true})
    void labelsMatchTheBytesWritten(boolean gzipped) throws IOException {
        byte[] raw = {9, 0, 3, 3, 7, (byte) 255, 1};
        byte[] file = IdxFiles.labels(raw);
        Path path = IdxFiles.write(dir.resolve("labels"), gzipped ? IdxFiles.gzip(file) : file);

        assertArrayEquals(new int[] {9, 0, 3, 3, 7, 255, 1}, IdxReader.readLabels(path));
    }

    @Test
    void datasetPairsImagesWithLabelsRowByRow() throws IOException {
        byte[] pixels = IdxFiles.pixelPattern(4 * 2 * 3);
        Path images = IdxFiles.write(dir.resolve("i"), IdxFiles.gzip(IdxFiles.images(4, 2, 3, pixels)));
        Path labels = IdxFiles.write(dir.resolve("l"), IdxFiles.labels(new byte[] {2, 0, 1, 2}));

        Dataset d = IdxReader.readDataset(images, labels, 3);

        assertEquals(4, d.rows());
        assertEquals(6, d.cols());
        assertEquals(3, d.classes());
        assertArrayEquals(new int[] {2, 0, 1, 2}, d.labels());
        assertEquals((pixels[3 * 6 + 5] & 0xFF) / 255.0, d.feature(3, 5), 1e-7);
    }

    @Test
    void mismatchedImageAndLabelCountsNameBothFiles() throws IOException {
        Path images = IdxFiles.write(dir.resolve("imgs"), IdxFiles.images(3, 2, 2, new byte[12]));
        Path labels = IdxFiles.write(dir.resolve("lbls"), IdxFiles.labels(new byte[] {1, 2}));

        DataFileException e = assertThrows(DataFileException.class, () -> IdxReader.readDataset(images, labels, 10));
        assertMessage(e, labels.toString(), images.toString(), "2 labels", "3 images");
    }

    @Test
    void labelAboveClassCountIsRejected() throws IOException {
        Path images = IdxFiles.write(dir.resolve("imgs"), IdxFiles.images(2, 1, 1, new byte[2]));
        Path labels = IdxFiles.write(dir.resolve("lbls"), IdxFiles.labels(new byte[] {1, 10}));

        DataFileException e = assertThrows(DataFileException.class, () -> IdxReader.readDataset(images, labels, 10));
        assertMessage(e, labels.toString(), "label 1 is 10", "0..9");
    }

    @ParameterizedTest(name = "gzipped={0}")
    @ValueSource(booleans = {false, true})
    void wrongMagicSaysExpectedAndFound(boolean gzipped) throws IOException {
        // A label file given where images are expected: the commonest mix-up.
        byte[] file = IdxFiles.labels(new byte[] {1, 2, 3});
        Path path = IdxFiles.write(dir.resolve("swapped"), gzipped ? IdxFiles.gzip(file) : file);

        DataFileException e = assertThrows(DataFileException.class, () -> IdxReader.readImages(path));
        assertMessage(e, path.toString(), "0x00000801", "expected 0x00000803");
    }

    @Test
    void nonByteDataTypeIsNamed() throws IOException {
        Path path = IdxFiles.write(dir.resolve("floats"), IdxFiles.idx(0x00000D03, new int[] {1, 1, 1}, new byte[4]));

        DataFileException e = assertThrows(DataFileException.class, () -> IdxReader.readImages(path));
        assertMessage(e, path.toString(), "0x00000d03", "data type 0x0d");
    }

    @Test
    void textFileIsNotAnIdxFile() throws IOException {
        Path path = IdxFiles.write(dir.resolve("readme"), "hello, world\n".getBytes(StandardCharsets.US_ASCII));

        DataFileException e = assertThrows(DataFileException.class, () -> IdxReader.readLabels(path));
        assertMessage(e, path.toString(), "magic number", "expected 0x00000801");
    }

    @ParameterizedTest(name = "gzipped={0}")
    @ValueSource(booleans = {false, true})
    void truncatedPixelsSayHowManyBytesWereExpectedAndFound(boolean gzipped) throws IOException {
        byte[] full = IdxFiles.images(4, 3, 3, IdxFiles.pixelPattern(36));
        byte[] cut = Arrays.copyOf(full, full.length - 5);
        Path path = IdxFiles.write(dir.resolve("cut"), gzipped ? IdxFiles.gzip(cut) : cut);

        DataFileException e = assertThrows(DataFileException.class, () -> IdxReader.readImages(path));
        assertMessage(e, path.toString(), "truncated", "36", "found 31");
    }

    @Test
    void truncatedHeaderIsReported() throws IOException {
        byte[] cut = Arrays.copyOf(IdxFiles.images(4, 3, 3, new byte[36]), 10);
        Path path = IdxFiles.write(dir.resolve("cut"), cut);

        DataFileException e = assertThrows(DataFileException.class, () -> IdxReader.readImages(path));
        assertMessage(e, path.toString(), "truncated header", "10 bytes", "expected 16");
    }

    @Test
    void truncatedGzipStreamIsReportedAsCorrupt() throws IOException {
        byte[] gz = IdxFiles.gzip(IdxFiles.images(50, 10, 10, IdxFiles.pixelPattern(5000)));
        Path path = IdxFiles.write(dir.resolve("cut.gz"), Arrays.copyOf(gz, gz.length / 2));

        DataFileException e = assertThrows(DataFileException.class, () -> IdxReader.readImages(path));
        assertMessage(e, path.toString(), "gzip");
    }

    @Test
    void trailingBytesAreRejected() throws IOException {
        byte[] full = IdxFiles.labels(new byte[] {1, 2, 3});
        Path path = IdxFiles.write(dir.resolve("long"), Arrays.copyOf(full, full.length + 2));

        DataFileException e = assertThrows(DataFileException.class, () -> IdxReader.readLabels(path));
        assertMessage(e, path.toString(), "3 bytes of data", "found 5", "2 bytes too many");
    }

    @Test
    void hugeAnnouncedSizeFailsWithoutAllocatingIt() throws IOException {
        // 65535^3 pixels does not fit in an array; 40000^2 * 1 fits but the file holds 4 bytes of it.
        Path tooBig = IdxFiles.write(dir.resolve("big"),
                IdxFiles.idx(0x00000803, new int[] {65535, 65535, 65535}, new byte[4]));
        Path lying = IdxFiles.write(dir.resolve("lying"),
                IdxFiles.idx(0x00000803, new int[] {1, 40000, 40000}, new byte[4]));

        assertMessage(assertThrows(DataFileException.class, () -> IdxReader.readImages(tooBig)), tooBig.toString(),
                "more than one array can hold");
        assertMessage(assertThrows(DataFileException.class, () -> IdxReader.readImages(lying)), lying.toString(),
                "truncated", "1600000000", "found 4");
    }

    @Test
    void zeroOrNegativeDimensionIsRejected() throws IOException {
        Path path = IdxFiles.write(dir.resolve("neg"), IdxFiles.idx(0x00000803, new int[] {2, -28, 28}, new byte[0]));

        assertMessage(assertThrows(DataFileException.class, () -> IdxReader.readImages(path)), path.toString(),
                "dimension 1 is -28");
    }

    private static boolean hasValue(float[] values, float v) {
        for (float x : values) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }

    static void assertMessage(Exception e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), () -> "message '" + e.getMessage() + "' lacks '" + part + "'");
        }
    }
}
