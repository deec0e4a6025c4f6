package dev.fastnn.network.data;

import static dev.fastnn.network.data.IdxReaderTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastnn.network.model.ClassLabels;
import dev.fastnn.network.model.Preprocessing;
import dev.fastnn.network.model.Task;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every case is a file written here; the reference is the file's text as a person reads it. */
class CsvReaderTest {
    @TempDir
    Path dir;

    private Path csv(String content) throws IOException {
        return csv("data.csv", content);
    }

    private Path csv(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    private static CsvReader last() {
        return CsvReader.defaults().withLabelColumn(CsvReader.LAST_COLUMN);
    }

    @Test
    void headerIsDetectedAndLabelsComeFromTheFirstColumn() throws IOException {
        Path file = csv("label,a,b\n2,0.5,1e-3\n0,-4,7\n");

        Dataset d = CsvReader.defaults().read(file);

        assertEquals(2, d.rows());
        assertEquals(2, d.cols());
        assertEquals(ClassLabels.ofIntegers(0, 2), d.classLabels(), "the labels the file has, in order");
        assertArrayEquals(new float[] {0.5f, 1e-3f, -4f, 7f}, d.features());
        assertArrayEquals(new int[] {1, 0}, d.labels());
        assertEquals(List.of("a", "b"), d.featureNames());
    }

    @Test
    void numericFirstLineIsDataUnderAutoAndSkippedUnderYes() throws IOException {
        Path file = csv("1,2,3\n0,5,6\n");

        assertEquals(2, CsvReader.defaults().read(file).rows());
        Dataset skipped = CsvReader.defaults().withHeader(CsvReader.Header.YES).read(file);
        assertEquals(1, skipped.rows());
        assertArrayEquals(new float[] {5, 6}, skipped.features());
        assertEquals(List.of("2", "3"), skipped.featureNames());
        assertMessage(assertThrows(DataFileException.class,
                () -> CsvReader.defaults().withHeader(CsvReader.Header.NO).read(csv("x,y\n1,2\n"))),
                "line 1, column 2", "'y' is not a number");
    }

    /** The case: one typo in the first data row must not turn it into a silently dropped header. */
    @Test
    void typoInTheFirstRowIsReportedNotTakenForAHeader() throws IOException {
        Path file = csv("O.3,1.2,0.7,1\n0.4,1.1,0.9,0\n0.2,1.3,0.6,1\n0.5,1.0,0.8,0\n");

        DataFileException e = assertThrows(DataFileException.class, () -> last().read(file));

        assertMessage(e, file.toString(), "line 1, column 1", "'O.3' is not a number", "read as data",
                "header 'yes'");
        assertEquals(3, last().withHeader(CsvReader.Header.YES).read(file).rows(), "said to be a header, it is one");
    }

    @Test
    void headerLikeSklearnsOddFirstLinesIsSkipped() throws IOException {
        // wine_data.csv: a count line of another width; iris.csv: the same width, mostly names.
        Path wine = csv("wine.csv", "3,2,class_0,class_1\n14.2,1.7,0\n13.2,1.8,1\n12.4,2.1,1\n");
        Path iris = csv("iris.csv", "3,4,setosa,versicolor,virginica\n5.1,3.5,1.4,0.2,0\n4.9,3.0,1.4,0.2,1\n"
                + "6.3,2.5,5.0,1.9,2\n");
        // boston_house_prices.csv: a count line and a names line.
        Path boston = csv("boston.csv", "2,4,,,\n\"CRIM\",\"ZN\",\"RM\",\"AGE\",\"MEDV\"\n0.006,18,6.5,65.2,24\n"
                + "0.02,0,6.4,78.9,21.6\n");

        Dataset w = last().read(wine);
        Dataset i = last().read(iris);
        Dataset b = last().withTask(Task.REGRESSION).read(boston);

        assertEquals(3, w.rows());
        assertEquals(List.of(), w.featureNames(), "a header of another width names nothing");
        assertEquals(3, i.rows());
        assertArrayEquals(new float[] {5.1f, 3.5f, 1.4f, 0.2f}, i.row(0));
        assertEquals(2, b.rows());
        assertEquals(List.of("CRIM", "ZN", "RM", "AGE"), b.featureNames());
        assertArrayEquals(new float[] {24f, 21.6f}, b.targets());
    }

    /**
     * A line with nothing below to judge it by is data when it could be a row (numbers in the feature columns, a
     * class label may be a name), else a header; a file of headers only is an error, never an empty dataset.
     */
    @Test
    void aLineWithNothingBelowIsDataWhenItCouldBeARow() throws IOException {
        Path one = csv("one.csv", "1,2,x\n");
        Path afterHeader = csv("after-header.csv", "a,b,class\n1,2,x\n");

        Dataset d = last().read(one);
        Dataset h = last().read(afterHeader);

        assertEquals(1, d.rows());
        assertArrayEquals(new float[] {1, 2}, d.features());
        assertEquals(ClassLabels.ofStrings("x"), d.classLabels());
        assertEquals(1, h.rows());
        assertEquals(List.of("a", "b"), h.featureNames());
        assertArrayEquals(new float[] {1, 2}, h.features());
        // Where x is a feature (label first) or a regression target, the line cannot be a row.
        assertMessage(assertThrows(DataFileException.class, () -> CsvReader.defaults().read(one)), one.toString(),
                "no data rows", "line 1 is a header", "if it is data, read the file with header 'no'");
        assertMessage(assertThrows(DataFileException.class, () -> last().withTask(Task.REGRESSION).read(one)),
                one.toString(), "no data rows", "line 1 is a header");
        assertMessage(assertThrows(DataFileException.class, () -> last().withTask(Task.REGRESSION).read(afterHeader)),
                afterHeader.toString(), "no data rows", "lines 1-2 are headers", "if they are data");
        assertEquals(1, CsvReader.defaults().withHeader(CsvReader.Header.NO).withLabelColumn(2).read(one).rows(),
                "said to be data, it is");
    }

    @Test
    void aLineThatIsHalfNamesHalfNumbersAsksWhatItIs() throws IOException {
        Path file = csv("a,b,3,4\n1,2,3,0\n5,6,7,1\n");

        assertMessage(assertThrows(DataFileException.class, () -> last().read(file)), "line 1 may be a header or data",
                "header 'yes' or 'no'");
    }

    @Test
    void labelColumnMayBeAnywhereOrLast() throws IOException {
        Path file = csv("1,2,3,1\n4,5,6,0\n");

        Dataset middle = CsvReader.defaults().withLabelColumn(1).read(file);
        Dataset lastColumn = last().read(file);

        assertArrayEquals(new int[] {0, 1}, middle.labels());
        assertEquals(ClassLabels.ofIntegers(2, 5), middle.classLabels());
        assertArrayEquals(new float[] {1, 3, 1, 4, 6, 0}, middle.features());
        assertArrayEquals(new int[] {1, 0}, lastColumn.labels());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, lastColumn.features());
        assertEquals(2, lastColumn.classes());
    }

    @Test
    void withoutLabelsEveryColumnIsAFeatureAndIgnoredLabelsAreDropped() throws IOException {
        Dataset d = CsvReader.defaults().withoutLabels().read(csv("p1,p2\n0.25 , 3\n\n7,8\n\n"));
        Dataset ignored = last().ignoringLabels().read(csv("x,y,label\n1,2,cat\n3,4,?\n"));

        assertFalse(d.hasLabels());
        assertEquals(0, d.classes());
        assertArrayEquals(new float[] {0.25f, 3, 7, 8}, d.features());
        assertFalse(ignored.hasLabels());
        assertArrayEquals(new float[] {1, 2, 3, 4}, ignored.features());
        assertEquals(List.of("x", "y"), ignored.featureNames());
    }

    @Test
    void stringLabelsAreClassesInNameOrder() throws IOException {
        Path file = csv("r,t,diagnosis\n17.9,10.3,malignant\n13.5,14.3,benign\n\"12.4\",15.7,\"benign\"\n");

        Dataset d = last().read(file);

        assertEquals(ClassLabels.ofStrings("benign", "malignant"), d.classLabels());
        assertArrayEquals(new int[] {1, 0, 0}, d.labels());
        assertEquals(12.4f, d.feature(2, 0));
    }

    @Test
    void integerLabelsOfAnyRangeAreClassesInNumericOrder() throws IOException {
        Dataset oneBased = last().read(csv("0.1,3\n0.2,1\n0.3,2\n0.4,3\n"));
        Dataset tens = last().read(csv("tens.csv", "0.1,30\n0.2,10\n0.3,20\n0.4,100\n0.5,-5\n"));
        Dataset numpy = last().read(csv("numpy.csv", "0.1,3.000000000000000000e+00\n0.2,0.0\n0.3,3\n"));

        assertEquals(ClassLabels.ofIntegers(1, 2, 3), oneBased.classLabels());
        assertArrayEquals(new int[] {2, 0, 1, 2}, oneBased.labels());
        assertEquals(ClassLabels.ofIntegers(-5, 10, 20, 30, 100), tens.classLabels(), "numeric, not text, order");
        assertArrayEquals(new int[] {3, 1, 2, 4, 0}, tens.labels());
        assertEquals(ClassLabels.ofIntegers(0, 3), numpy.classLabels(), "3.0 and 3 are one class");
        assertArrayEquals(new int[] {1, 0, 1}, numpy.labels());
    }

    @Test
    void aFileSortedByClassMapsLikeTheSameRowsShuffled() throws IOException {
        Dataset sorted = last().read(csv("1,a\n2,a\n3,b\n4,c\n5,c\n"));
        Dataset shuffled = last().read(csv("shuffled.csv", "4,c\n1,a\n3,b\n5,c\n2,a\n"));

        assertEquals(sorted.classLabels(), shuffled.classLabels());
        assertEquals(2, shuffled.label(0));
        assertEquals(0, shuffled.label(1));
    }

    @Test
    void givenClassLabelsMapATestFileAndRejectAnUnknownLabelNamingFileLineAndValue() throws IOException {
        ClassLabels training = ClassLabels.ofIntegers(1, 2, 3);
        Path test = csv("test.csv", "0.5,2\n0.7,1\n");
        Path unknown = csv("unknown.csv", "0.5,2\n0.7,1\n0.9,4\n");

        Dataset d = last().withClassLabels(training).read(test);

        assertEquals(training, d.classLabels());
        assertArrayEquals(new int[] {1, 0}, d.labels());
        assertMessage(assertThrows(DataFileException.class, () -> last().withClassLabels(training).read(unknown)),
                unknown.toString(), "line 3, column 2", "label '4'", "not one of the 3 known classes (1, 2, 3)");
    }

    @Test
    void badLabelsNameFileLineAndCell() throws IOException {
        Path fraction = csv("fraction.csv", "0,1,2\n1,3,4\n2.5,5,6\n");
        Path typo = csv("typo.csv", "0,1,2\n1,3,4\nl,5,6\n");
        Path notANumber = csv("nan.csv", "0,1,2\n1,3,4\nNaN,5,6\n");
        Path number = csv("number.csv", "cat,1,2\ndog,3,4\n3,5,6\n");
        Path huge = csv("huge.csv", "1e30,1,2\n1,3,4\n");

        assertMessage(assertThrows(DataFileException.class, () -> CsvReader.defaults().read(fraction)),
                fraction.toString(), "line 3, column 1", "label '2.5'", "not a whole number", "regression");
        assertMessage(assertThrows(DataFileException.class, () -> CsvReader.defaults().read(typo)),
                typo.toString(), "line 3, column 1", "label 'l'", "2 other labels are");
        assertMessage(assertThrows(DataFileException.class, () -> CsvReader.defaults().read(notANumber)),
                "line 3, column 1", "label 'NaN'");
        assertMessage(assertThrows(DataFileException.class, () -> CsvReader.defaults().read(number)),
                "line 3, column 1", "label '3' is a number, but 2 other labels are names");
        assertMessage(assertThrows(DataFileException.class, () -> CsvReader.defaults().read(huge)),
                huge.toString(), "line 1, column 1", "label '1e30'", "64-bit");
    }

    @Test
    void regressionReadsTheLabelColumnAsNumbers() throws IOException {
        Path file = csv("x,y\n0.5,1.25\n1.5,-3e2\n");
        Path bad = csv("bad.csv", "x,y\n0.5,1.25\n1.5,high\n");

        Dataset d = last().withTask(Task.REGRESSION).read(file);

        assertEquals(Task.REGRESSION, d.task());
        assertFalse(d.hasLabels());
        assertArrayEquals(new float[] {1.25f, -300f}, d.targets());
        assertArrayEquals(new float[] {0.5f, 1.5f}, d.features());
        assertMessage(assertThrows(DataFileException.class, () -> last().withTask(Task.REGRESSION).read(bad)),
                "line 3, column 2 (y)", "target 'high' is not a number");
    }

    @Test
    void quotedCellsHoldDelimitersQuotesAndLineBreaks() throws IOException {
        Path file = csv("\"a, first\";\"say \"\"hi\"\"\nnow\";label\n\" 1.5 \";2;\"x;y\"\n3 ; \"4\" ;\"\"\n"
                .replace(';', ','));

        Dataset d = last().read(file);

        assertEquals(List.of("a, first", "say \"hi\"\nnow"), d.featureNames());
        assertEquals(ClassLabels.ofStrings("", "x,y"), d.classLabels());
        assertArrayEquals(new float[] {1.5f, 2, 3, 4}, d.features());
        assertArrayEquals(new int[] {1, 0}, d.labels());
    }

    @Test
    void brokenQuotingNamesTheLine() throws IOException {
        Path open = csv("open.csv", "1,2\n3,\"4\n5,6\n");
        Path after = csv("after.csv", "1,2\n3,\"4\"x\n");

        assertMessage(assertThrows(DataFileException.class, () -> CsvReader.defaults().read(open)),
                open.toString(), "line 2", "quoted cell is not closed");
        assertMessage(assertThrows(DataFileException.class, () -> CsvReader.defaults().read(after)),
                after.toString(), "line 2", "'x' after the closing quote");
    }

    @Test
    void semicolonDelimiterIsGivenAndACommaFileReadWithItSaysWhatIsWrong() throws IOException {
        Path semicolons = csv("semi.csv", "a;b;label\n0.5;1;yes\n1.5;2;no\n");

        Dataset d = last().withDelimiter(';').read(semicolons);

        assertArrayEquals(new float[] {0.5f, 1, 1.5f, 2}, d.features());
        assertEquals(ClassLabels.ofStrings("no", "yes"), d.classLabels());
        assertMessage(assertThrows(DataFileException.class, () -> CsvReader.defaults().withoutLabels().read(
                csv("wrong.csv", "0.5;1\n1.5;2\n"))), "'0.5;1' is not a number", "is the delimiter ';'");
    }

    @Test
    void gzipIsToldByContentNotByName() throws IOException {
        String text = "a,b,label\n0.5,1,1\n1.5,2,2\n";
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        }
        Path gzipped = Files.write(dir.resolve("digits.csv.gz"), bytes.toByteArray());
        Path misnamed = Files.write(dir.resolve("plain.csv"), bytes.toByteArray());
        Path plainGz = csv("not-gzipped.csv.gz", text);

        Dataset reference = last().read(csv(text));
        for (Path file : List.of(gzipped, misnamed, plainGz)) {
            Dataset d = last().read(file);
            assertArrayEquals(reference.features(), d.features(), file.toString());
            assertArrayEquals(reference.labels(), d.labels(), file.toString());
        }
        byte[] cut = java.util.Arrays.copyOf(bytes.toByteArray(), bytes.size() - 12);
        Path truncated = Files.write(dir.resolve("cut.csv.gz"), cut);
        assertMessage(assertThrows(DataFileException.class, () -> last().read(truncated)), truncated.toString(),
                "gzip");
    }

    @Test
    void binaryFileSaysItIsNotText() throws IOException {
        Path file = Files.write(dir.resolve("image.csv"), new byte[] {'1', ',', (byte) 0xC3, (byte) 0x28, '\n'});

        assertMessage(assertThrows(DataFileException.class, () -> CsvReader.defaults().read(file)), file.toString(),
                "not UTF-8 text");
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

        Dataset fromCsv = CsvReader.defaults().read(csv(text.append('\n').toString()));

        assertArrayEquals(IdxReader.readImages(idx).pixels(),
                Preprocessing.divisor(255).apply(fromCsv.features(), 1, 256));
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
    void raggedRowNamesTheLineAndTheExpectedWidth() throws IOException {
        Path file = csv("a,b,c\n0,1,2\n1,3,4\n\n1,5\n");

        DataFileException e = assertThrows(DataFileException.class, () -> CsvReader.defaults().read(file));

        assertMessage(e, file.toString(), "line 5", "expected 3 columns (as on line 2)", "found 2");
    }

    @Test
    void nonNumericEmptyOrNonFiniteFeatureNamesTheCellAndItsColumnName() throws IOException {
        Path file = csv("label,alcohol,ash\n0,1,2\n1,3,x4\n");
        Path infinite = csv("infinite.csv", "0,1,2\n1,3,Infinity\n");
        Path empty = csv("empty.csv", "0,1,2\n1,,4\n");

        assertMessage(assertThrows(DataFileException.class, () -> CsvReader.defaults().read(file)),
                "line 3, column 3 (ash)", "'x4' is not a number");
        assertMessage(assertThrows(DataFileException.class, () -> CsvReader.defaults().read(infinite)),
                "line 2, column 3", "not a finite number");
        assertMessage(assertThrows(DataFileException.class, () -> CsvReader.defaults().read(empty)),
                "line 2, column 2", "empty");
    }

    @Test
    void emptyHeaderOnlyAndLabelOnlyFilesAreErrors() throws IOException {
        assertMessage(assertThrows(DataFileException.class, () -> CsvReader.defaults().read(csv(""))),
                "no data rows", "empty");
        assertMessage(assertThrows(DataFileException.class, () -> CsvReader.defaults().read(csv("label,x\n"))),
                "no data rows", "line 1 is a header");
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
        assertEquals(List.of("x"), d.featureNames());
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
    void otherDelimitersWorkAndImpossibleOnesAreRejected() throws IOException {
        Dataset tabs = CsvReader.defaults().withDelimiter('\t').withoutLabels().read(csv("1\t2\n3\t 4\n"));
        Dataset spaces = CsvReader.defaults().withDelimiter(' ').withoutLabels().read(csv("spaces.csv", "1 2\n3 4\n"));

        assertArrayEquals(new float[] {1, 2, 3, 4}, tabs.features());
        assertArrayEquals(new float[] {1, 2, 3, 4}, spaces.features());
        for (char bad : new char[] {'.', '"', '\n', '-', 'e', '7'}) {
            assertThrows(IllegalArgumentException.class, () -> CsvReader.defaults().withDelimiter(bad), "'" + bad + "'");
        }
        assertThrows(IllegalArgumentException.class, () -> CsvReader.defaults().withLabelColumn(-2));
        assertTrue(CsvReader.defaults().withDelimiter(';').toString().contains("delimiter=';'"));
    }
}
