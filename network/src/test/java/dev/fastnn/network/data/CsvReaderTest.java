package dev.fastnn.network.data;

import static dev.fastnn.network.data.IdxReaderTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvReaderTest {
    @TempDir
    Path dir;

    private Path csv(String content) throws IOException {
        return csv("data.csv", content);
    }

    private Path csv(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    @Test
    void headerIsDetectedAndLabelsComeFromTheFirstColumn() throws IOException {
        Path file = csv("label,a,b\n2,0.5,1e-3\n0,-4,7\n");

        Dataset d = CsvReader.defaults().read(file);

        assertEquals(2, d.rows());
        assertEquals(2, d.cols());
        assertEquals(3, d.classes());
        assertArrayEquals(new float[] {0.5f, 1e-3f, -4f, 7f}, d.features());
        assertArrayEquals(new int[] {2, 0}, d.labels());
    }

    @Test
    void numericFirstLineIsDataUnderAutoAndSkippedUnderYes() throws IOException {
        Path file = csv("1,2,3\n0,5,6\n");

        assertEquals(2, CsvReader.defaults().read(file).rows());
        Dataset skipped = CsvReader.defaults().withHeader(CsvReader.Header.YES).read(file);
        assertEquals(1, skipped.rows());
        assertArrayEquals(new float[] {5, 6}, skipped.features());
        assertMessage(assertThrows(DataFileException.class,
                () -> CsvReader.defaults().withHeader(CsvReader.Header.NO).read(csv("x,y\n1,2\n"))),
                "line 1, column 1", "label 'x'");
    }

    @Test
    void labelColumnMayBeAnywhereOrLast() throws IOException {
        Path file = csv("1,2,3,1\n4,5,6,0\n");

        Dataset middle = CsvReader.defaults().withLabelColumn(1).read(file);
        Dataset last = CsvReader.defaults().withLabelColumn(CsvReader.LAST_COLUMN).read(file);

        assertArrayEquals(new int[] {2, 5}, middle.labels());
        assertArrayEquals(new float[] {1, 3, 1, 4, 6, 0}, middle.features());
        assertArrayEquals(new int[] {1, 0}, last.labels());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, last.features());
        assertEquals(2, last.classes());
    }

    @Test
    void withoutLabelsEveryColumnIsAFeature() throws IOException {
        Dataset d = CsvReader.defaults().withoutLabels().read(csv("p1;p2\n0.25 ; 3\n\n7;8\n\n"
                .replace(';', ',')));

        assertFalse(d.hasLabels());
        assertEquals(0, d.classes());
        assertArrayEquals(new float[] {0.25f, 3, 7, 8}, d.features());
    }

    @Test
    void divisorOf255GivesTheSameFloatsAsTheIdxReader() throws IOException {
        StringBuilder text = new StringBuilder("label");
        for (int c = 0; c < 256; c++) {
            text.append(",p").append(c);
        }
        text.append("\n3");
        for (int c = 0; c < 256; c++) {
            text.append(',').append(c);
        }
        byte[] pixels = new byte[256];
        for (int c = 0; c < 256; c++) {
            pixels[c] = (byte) c;
        }
        Path idx = IdxFiles.write(dir.resolve("one.idx"), IdxFiles.images(1, 16, 16, pixels));

        Dataset fromCsv = CsvReader.defaults().withDivisor(255).read(csv(text.append('\n').toString()));

        assertArrayEquals(IdxReader.readImages(idx).pixels(), fromCsv.features());
    }

    @Test
    void everyCellReadsAsFloatParseFloatReadsIt() throws IOException {
        String[] cells = {"0", "7", "0000123", "9999999", "16777217", "123456789", "-5", "+3", "1.5", "-0", "2e3",
                " 42 ", ".5", "3.4028235e38", "1e-45"};
        Dataset d = CsvReader.defaults().withoutLabels().read(csv(String.join(",", cells) + "\n"));

        for (int i = 0; i < cells.length; i++) {
            assertEquals(Float.floatToRawIntBits(Float.parseFloat(cells[i])), Float.floatToRawIntBits(d.features()[i]),
                    cells[i]);
        }
    }

    @Test
    void classCountCanBeGivenAndLabelsAboveItAreErrors() throws IOException {
        Path file = csv("1,0.5\n0,0.25\n");

        assertEquals(10, CsvReader.defaults().withClasses(10).read(file).classes());
        assertMessage(assertThrows(DataFileException.class, () -> CsvReader.defaults().withClasses(2)
                .read(csv("1,0.5\n2,0.25\n"))), "data.csv", "line 2, column 1", "label 2", "2 classes");
    }

    @Test
    void integralFloatLabelsAsNumpyWritesThemAreAccepted() throws IOException {
        Dataset d = CsvReader.defaults().read(csv("3.000000000000000000e+00,1\n0.0,2\n"));

        assertArrayEquals(new int[] {3, 0}, d.labels());
    }

    @Test
    void badLabelsNameFileLineAndCell() throws IOException {
        for (String bad : new String[] {"-1", "2.5", "cat", "1e12", "NaN"}) {
            Path file = csv("0,1,2\n1,3,4\n" + bad + ",5,6\n");
            DataFileException e = assertThrows(DataFileException.class, () -> CsvReader.defaults().read(file), bad);
            assertMessage(e, file.toString(), "line 3, column 1", "'" + bad + "'", "not a non-negative integer");
        }
    }

    @Test
    void raggedRowNamesTheLineAndTheExpectedWidth() throws IOException {
        Path file = csv("a,b,c\n0,1,2\n1,3,4\n\n1,5\n");

        DataFileException e = assertThrows(DataFileException.class, () -> CsvReader.defaults().read(file));

        assertMessage(e, file.toString(), "line 5", "expected 3 columns (as on line 2)", "found 2");
    }

    @Test
    void nonNumericOrNonFiniteFeatureNamesTheCell() throws IOException {
        Path file = csv("0,1,2\n1,3,x4\n");
        Path infinite = csv("infinite.csv", "0,1,2\n1,3,Infinity\n");

        assertMessage(assertThrows(DataFileException.class, () -> CsvReader.defaults().read(file)),
                "line 2, column 3", "'x4' is not a number");
        assertMessage(assertThrows(DataFileException.class, () -> CsvReader.defaults().read(infinite)),
                "line 2, column 3", "not a finite number");
    }

    @Test
    void emptyHeaderOnlyAndLabelOnlyFilesAreErrors() throws IOException {
        assertMessage(assertThrows(DataFileException.class, () -> CsvReader.defaults().read(csv(""))),
                "no data rows", "empty");
        assertMessage(assertThrows(DataFileException.class, () -> CsvReader.defaults().read(csv("label,x\n"))),
                "no data rows");
        assertMessage(assertThrows(DataFileException.class, () -> CsvReader.defaults().read(csv("1\n2\n"))),
                "line 1", "no features");
        assertMessage(assertThrows(DataFileException.class,
                () -> CsvReader.defaults().withLabelColumn(5).read(csv("1,2\n"))), "label column 5", "2 columns");
    }

    @Test
    void byteOrderMarkAndWindowsLineEndsAreTolerated() throws IOException {
        Dataset d = CsvReader.defaults().read(csv("\uFEFFlabel,x\r\n1,2\r\n0,3\r\n"));

        assertArrayEquals(new int[] {1, 0}, d.labels());
        assertArrayEquals(new float[] {2, 3}, d.features());
    }

    @Test
    void manyRowsGrowTheBuffersWithoutLosingValues() throws IOException {
        StringBuilder text = new StringBuilder();
        int rows = 3001;
        for (int r = 0; r < rows; r++) {
            text.append(r % 7).append(',').append(r).append(',').append(-r).append('\n');
        }

        Dataset d = CsvReader.defaults().read(csv(text.toString()));

        assertEquals(rows, d.rows());
        assertEquals(7, d.classes());
        for (int r = 0; r < rows; r++) {
            assertEquals(r % 7, d.label(r));
            assertEquals(r, d.feature(r, 0));
            assertEquals(-r, d.feature(r, 1));
        }
    }

    @Test
    void otherDelimitersWork() throws IOException {
        Dataset d = CsvReader.defaults().withDelimiter('\t').withoutLabels().read(csv("1\t2\n3\t4\n"));

        assertArrayEquals(new float[] {1, 2, 3, 4}, d.features());
        assertThrows(IllegalArgumentException.class, () -> CsvReader.defaults().withDelimiter('.'));
        assertThrows(IllegalArgumentException.class, () -> CsvReader.defaults().withDivisor(0));
        assertThrows(IllegalArgumentException.class, () -> CsvReader.defaults().withLabelColumn(-2));
    }
}
