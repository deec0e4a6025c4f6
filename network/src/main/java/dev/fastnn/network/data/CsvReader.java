package dev.fastnn.network.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * Reads a numeric CSV file into a {@link Dataset}: one sample per line, cells separated by a delimiter
 * (comma by default), optionally a header line, optionally one column of integer class labels; every other
 * column is a feature. Blank lines are skipped; quoting is not supported (the cells are numbers).
 *
 * <p>Immutable: each {@code with...} returns a new reader, so one configured reader can be shared.
 * <pre>{@code
 * Dataset d = CsvReader.defaults().withLabelColumn(0).withDivisor(255).read(Path.of("train.csv"));
 * }</pre>
 */
public final class CsvReader {
    /** Whether the first line is a header. */
    public enum Header {
        /** The first line is data. */
        NO,
        /** The first line is a header and is skipped. */
        YES,
        /**
         * The first line is a header when one of its cells is not a number; a header made only of numbers is
         * read as data, so say {@link #YES} for such files.
         */
        AUTO
    }

    /** {@link #withLabelColumn} value for the last column. */
    public static final int LAST_COLUMN = -1;
    private static final int NO_LABELS = Integer.MIN_VALUE;

    private final Header header;
    private final int labelColumn;
    private final char delimiter;
    private final float divisor;
    private final int classes;

    private CsvReader(Header header, int labelColumn, char delimiter, float divisor, int classes) {
        this.header = header;
        this.labelColumn = labelColumn;
        this.delimiter = delimiter;
        this.divisor = divisor;
        this.classes = classes;
    }

    /** Header auto-detected, comma-separated, labels in the first column, features as written, classes inferred. */
    public static CsvReader defaults() {
        return new CsvReader(Header.AUTO, 0, ',', 1f, 0);
    }

    public CsvReader withHeader(Header header) {
        return new CsvReader(Objects.requireNonNull(header, "header"), labelColumn, delimiter, divisor,
                classes);
    }

    /** The 0-based column holding the label, or {@link #LAST_COLUMN}. */
    public CsvReader withLabelColumn(int column) {
        if (column < 0 && column != LAST_COLUMN) {
            throw new IllegalArgumentException("label column must be >= 0 or LAST_COLUMN, got " + column);
        }
        return new CsvReader(header, column, delimiter, divisor, classes);
    }

    /** Every column is a feature; the dataset is unlabelled (data to predict on). */
    public CsvReader withoutLabels() {
        return new CsvReader(header, NO_LABELS, delimiter, divisor, classes);
    }

    public CsvReader withDelimiter(char delimiter) {
        if (delimiter == '"' || delimiter == '\n' || delimiter == '\r' || delimiter == '.' || delimiter == '-'
                || Character.isDigit(delimiter)) {
            throw new IllegalArgumentException("'" + delimiter + "' cannot separate numeric cells");
        }
        return new CsvReader(header, labelColumn, delimiter, divisor, classes);
    }

    /**
     * Features are divided by {@code divisor} as they are read, e.g. 255 for raw pixels. Division, not
     * multiplication by a reciprocal, so that pixels divided by 255 are bit-identical to {@link IdxReader}'s.
     */
    public CsvReader withDivisor(float divisor) {
        if (!(divisor != 0 && Float.isFinite(divisor))) {
            throw new IllegalArgumentException("divisor must be finite and non-zero, got " + divisor);
        }
        return new CsvReader(header, labelColumn, delimiter, divisor, classes);
    }

    /**
     * The number of classes; a label outside {@code [0, classes)} is an error. Without it (or with 0) the
     * count is one more than the largest label.
     */
    public CsvReader withClasses(int classes) {
        if (classes < 0) {
            throw new IllegalArgumentException("classes must be >= 0, got " + classes);
        }
        return new CsvReader(header, labelColumn, delimiter, divisor, classes);
    }

    public Dataset read(Path file) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(in, file);
        }
    }

    private Dataset read(BufferedReader in, Path file) throws IOException {
        boolean labelled = labelColumn != NO_LABELS;
        float[] features = new float[1024];
        int[] labels = labelled ? new int[64] : null;
        int rows = 0;
        int width = -1;
        int widthLine = 0;
        int labelAt = -1;
        int maxLabel = -1;
        boolean firstLine = true;
        String line;
        int lineNumber = 0;
        while ((line = in.readLine()) != null) {
            lineNumber++;
            if (lineNumber == 1 && !line.isEmpty() && line.charAt(0) == '\uFEFF') {
                line = line.substring(1);
            }
            if (line.isBlank()) {
                continue;
            }
            String[] cells = split(line);
            if (firstLine) {
                firstLine = false;
                if (header == Header.YES || header == Header.AUTO && !allNumeric(cells)) {
                    continue;
                }
            }
            if (width < 0) {
                width = cells.length;
                widthLine = lineNumber;
                if (labelled) {
                    labelAt = labelColumn == LAST_COLUMN ? width - 1 : labelColumn;
                    if (labelAt >= width) {
                        throw new DataFileException(file, "line " + lineNumber + ": label column " + labelAt
                                + " does not exist, the line has " + width + " columns (0.." + (width - 1) + ")");
                    }
                    if (width == 1) {
                        throw new DataFileException(file, "line " + lineNumber
                                + ": the only column is the label, there are no features");
                    }
                }
            } else if (cells.length != width) {
                throw new DataFileException(file, "line " + lineNumber + ": expected " + width
                        + " columns (as on line " + widthLine + "), found " + cells.length);
            }
            int cols = labelled ? width - 1 : width;
            if ((long) (rows + 1) * cols > Integer.MAX_VALUE - 8) {
                throw new DataFileException(file, "line " + lineNumber + ": more features than one array can hold");
            }
            if ((rows + 1) * cols > features.length) {
                features = Arrays.copyOf(features, (int) Math.min(Integer.MAX_VALUE - 8L,
                        Math.max((long) features.length * 2, (long) (rows + 1) * cols)));
            }
            int f = rows * cols;
            for (int c = 0; c < width; c++) {
                if (c == labelAt) {
                    int label = parseLabel(cells[c], file, lineNumber, c);
                    if (classes > 0 && label >= classes) {
                        throw new DataFileException(file, "line " + lineNumber + ", column " + (c + 1) + ": label "
                                + label + " is not below the " + classes + " classes expected");
                    }
                    if (rows == labels.length) {
                        labels = Arrays.copyOf(labels, rows * 2);
                    }
                    labels[rows] = label;
                    maxLabel = Math.max(maxLabel, label);
                } else {
                    features[f++] = parseFeature(cells[c], file, lineNumber, c) / divisor;
                }
            }
            rows++;
        }
        if (rows == 0) {
            throw new DataFileException(file, "no data rows" + (lineNumber == 0 ? " (the file is empty)" : ""));
        }
        int cols = labelled ? width - 1 : width;
        features = Arrays.copyOf(features, rows * cols);
        if (!labelled) {
            return Dataset.unlabelled(features, rows, cols);
        }
        labels = Arrays.copyOf(labels, rows);
        return new Dataset(features, rows, cols, labels, classes > 0 ? classes : maxLabel + 1);
    }

    /**
     * Cells with surrounding blanks removed. A plain scan: String.split takes a regex, in which a delimiter
     * such as '|' means something else.
     */
    private String[] split(String line) {
        int count = 1;
        for (int i = line.indexOf(delimiter); i >= 0; i = line.indexOf(delimiter, i + 1)) {
            count++;
        }
        String[] cells = new String[count];
        int start = 0;
        for (int c = 0; c < count; c++) {
            int end = c == count - 1 ? line.length() : line.indexOf(delimiter, start);
            cells[c] = line.substring(start, end).strip();
            start = end + 1;
        }
        return cells;
    }

    private static boolean allNumeric(String[] cells) {
        for (String cell : cells) {
            try {
                Float.parseFloat(cell);
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return true;
    }

    private static float parseFeature(String cell, Path file, int line, int column) throws DataFileException {
        int small = smallInteger(cell);
        if (small >= 0) {
            return small;
        }
        float value;
        try {
            value = Float.parseFloat(cell);
        } catch (NumberFormatException e) {
            throw new DataFileException(file, "line " + line + ", column " + (column + 1) + ": '" + cell
                    + "' is not a number");
        }
        if (!Float.isFinite(value)) {
            throw new DataFileException(file, "line " + line + ", column " + (column + 1) + ": '" + cell
                    + "' is not a finite number");
        }
        return value;
    }

    /**
     * The value of a cell of at most 7 decimal digits, else -1. Pixel CSVs are mostly such cells, and below
     * 2^24 an int converts to exactly the float {@code Float.parseFloat} would give, at a fraction of its cost.
     */
    private static int smallInteger(String cell) {
        int n = cell.length();
        if (n == 0 || n > 7) {
            return -1;
        }
        int value = 0;
        for (int i = 0; i < n; i++) {
            int digit = cell.charAt(i) - '0';
            if (digit < 0 || digit > 9) {
                return -1;
            }
            value = value * 10 + digit;
        }
        return value;
    }

    private static int parseLabel(String cell, Path file, int line, int column) throws DataFileException {
        try {
            return nonNegative(Integer.parseInt(cell), cell, file, line, column);
        } catch (NumberFormatException notAnInt) {
            // numpy.savetxt writes integers as "3.000000000000000000e+00" unless told otherwise.
            try {
                double value = Double.parseDouble(cell);
                if (value == Math.rint(value) && Math.abs(value) <= Integer.MAX_VALUE) {
                    return nonNegative((int) value, cell, file, line, column);
                }
            } catch (NumberFormatException notANumber) {
                // reported below with the cell
            }
            throw new DataFileException(file, "line " + line + ", column " + (column + 1) + ": label '" + cell
                    + "' is not a non-negative integer");
        }
    }

    private static int nonNegative(int label, String cell, Path file, int line, int column) throws DataFileException {
        if (label < 0) {
            throw new DataFileException(file, "line " + line + ", column " + (column + 1) + ": label '" + cell
                    + "' is not a non-negative integer");
        }
        return label;
    }

    @Override
    public String toString() {
        return "CsvReader[header=" + header + ", labelColumn="
                + (labelColumn == NO_LABELS ? "none" : labelColumn == LAST_COLUMN ? "last" : labelColumn)
                + ", delimiter='" + delimiter + "', divisor=" + divisor + ", classes="
                + (classes == 0 ? "inferred" : classes) + "]";
    }
}
