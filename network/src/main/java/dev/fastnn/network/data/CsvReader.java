package dev.fastnn.network.data;

import dev.fastnn.network.model.ClassLabels;
import dev.fastnn.network.model.Task;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.ZipException;

/**
 * Reads a CSV file into a {@link Dataset}: one sample per record, cells separated by a delimiter (comma by
 * default) and quoted as RFC 4180 quotes them, optionally header lines, and one label column (class labels,
 * or a numeric target for regression) or none; every other column is a numeric feature. Blank lines are
 * skipped; a gzipped file is inflated (told by its content, not its name).
 *
 * <p>Class labels may be integers ({@code 0..9}, {@code 1..3}, {@code 10/20/30}; {@code 3.0} is {@code 3}) or
 * strings ({@code benign/malignant}). Unless {@link #withClassLabels} gives them, the classes are the distinct
 * labels of the file in order (numeric order for integers, {@link String#compareTo} order for strings), so a
 * file sorted by class or not gives the same mapping; the {@link Dataset#classLabels()} keep it.
 *
 * <p>Immutable: each {@code with...} returns a new reader, so one configured reader can be shared.
 * <pre>{@code
 * Dataset d = CsvReader.defaults().withLabelColumn(CsvReader.LAST_COLUMN).read(Path.of("wine.csv.gz"));
 * }</pre>
 */
public final class CsvReader {
    /** Whether the file starts with header lines. */
    public enum Header {
        /** The first line is data. */
        NO,
        /** The first line is a header and is skipped. */
        YES,
        /**
         * Each leading line is judged against the lines below it, column by column (the way Python's
         * {@code csv.Sniffer} does): in the columns that hold numbers below, a header line has mostly names
         * and a data line mostly numbers. Header lines are skipped, so several are fine (sklearn's files start
         * with a count line and a names line); a line that is half and half is an error that asks which it is.
         * A data line with a typo ({@code O.3}) is therefore read as data and its cell reported, never
         * silently dropped as a header. A line with nothing below to compare with (the only line of the file,
         * or the last after headers) is data when it could be a row: a number in every feature column, a name
         * allowed only for a class label. A file that is all headers is an error, never an empty dataset.
         */
        AUTO
    }

    /** {@link #withLabelColumn} value for the last column. */
    public static final int LAST_COLUMN = -1;
    /** Leading lines {@link Header#AUTO} judges against: enough to see each column's kind. */
    private static final int LOOKAHEAD = 100;

    private enum LabelMode {
        /** The label column holds class labels or regression targets. */
        READ,
        /** The label column is dropped unread (data to predict on that still has its labels). */
        IGNORE,
        /** There is no label column. */
        NONE
    }

    private final Header header;
    private final int labelColumn;
    private final LabelMode labelMode;
    private final char delimiter;
    private final Task task;
    private final ClassLabels classLabels;

    private CsvReader(Header header, int labelColumn, LabelMode labelMode, char delimiter, Task task,
                      ClassLabels classLabels) {
        this.header = header;
        this.labelColumn = labelColumn;
        this.labelMode = labelMode;
        this.delimiter = delimiter;
        this.task = task;
        this.classLabels = classLabels;
    }

    /** Header detected, comma-separated, class labels in the first column, classes inferred. */
    public static CsvReader defaults() {
        return new CsvReader(Header.AUTO, 0, LabelMode.READ, ',', Task.CLASSIFICATION, null);
    }

    public CsvReader withHeader(Header header) {
        return new CsvReader(Objects.requireNonNull(header, "header"), labelColumn, labelMode, delimiter, task,
                classLabels);
    }

    /** The 0-based column holding the label (or target), or {@link #LAST_COLUMN}. */
    public CsvReader withLabelColumn(int column) {
        if (column < 0 && column != LAST_COLUMN) {
            throw new IllegalArgumentException("label column must be >= 0 or LAST_COLUMN, got " + column);
        }
        return new CsvReader(header, column, labelMode == LabelMode.NONE ? LabelMode.READ : labelMode, delimiter,
                task, classLabels);
    }

    /** Every column is a feature; the dataset is unlabelled (data to predict on). */
    public CsvReader withoutLabels() {
        return new CsvReader(header, labelColumn, LabelMode.NONE, delimiter, task, classLabels);
    }

    /** The label column is there but dropped unread; the dataset is unlabelled (data to predict on). */
    public CsvReader ignoringLabels() {
        return new CsvReader(header, labelColumn, LabelMode.IGNORE, delimiter, task, classLabels);
    }

    /** The character between cells; not a quote, a line break, or a character of numbers. */
    public CsvReader withDelimiter(char delimiter) {
        if (delimiter == '"' || delimiter == '\n' || delimiter == '\r' || delimiter == '.' || delimiter == '-'
                || delimiter == '+' || Character.isLetterOrDigit(delimiter)) {
            throw new IllegalArgumentException("'" + delimiter + "' cannot separate numeric cells");
        }
        return new CsvReader(header, labelColumn, labelMode, delimiter, task, classLabels);
    }

    /** {@link Task#CLASSIFICATION} (default): the label column holds classes; {@link Task#REGRESSION}: numbers. */
    public CsvReader withTask(Task task) {
        return new CsvReader(header, labelColumn, labelMode, delimiter, Objects.requireNonNull(task, "task"),
                classLabels);
    }

    /**
     * The classes, in order, instead of those the file holds: a label that is not one of them is an error.
     * For a test set, give the training set's ({@link Dataset#classLabels()}), or a model's.
     */
    public CsvReader withClassLabels(ClassLabels classLabels) {
        return new CsvReader(header, labelColumn, labelMode, delimiter, task,
                Objects.requireNonNull(classLabels, "classLabels"));
    }

    public Dataset read(Path file) throws IOException {
        Reader text = new InputStreamReader(MaybeGzipped.open(file), StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT));
        CsvRecords records = new CsvRecords(text, file, delimiter);
        try (text) {
            return read(records, file);
        } catch (CharacterCodingException e) {
            throw new DataFileException(file, "near line " + Math.max(1, records.line())
                    + ": not UTF-8 text (is it a binary file, or in another encoding?)", e);
        } catch (EOFException | ZipException e) {
            throw new DataFileException(file, "corrupt or truncated gzip stream (" + e.getMessage() + ")", e);
        }
    }

    /** One record and the line it starts on. */
    private record Row(String[] cells, int line) {
    }

    private Dataset read(CsvRecords records, Path file) throws IOException {
        List<Row> lookahead = new ArrayList<>();
        List<String> cells = new ArrayList<>();
        while (lookahead.size() < LOOKAHEAD && records.next(cells)) {
            lookahead.add(new Row(cells.toArray(new String[0]), records.line()));
        }
        int headerLines = switch (header) {
            case NO -> 0;
            case YES -> Math.min(1, lookahead.size());
            case AUTO -> autoHeaderLines(lookahead, file);
        };
        if (headerLines == lookahead.size()) {
            throw new DataFileException(file, "no data rows" + (lookahead.isEmpty() ? " (the file is empty)"
                    : " (" + (headerLines == 1 ? "line " + lookahead.get(0).line() + " is a header"
                    : "lines " + lookahead.get(0).line() + "-" + lookahead.get(headerLines - 1).line() + " are headers")
                    + (header == Header.AUTO ? "; if " + (headerLines == 1 ? "it is" : "they are")
                    + " data, read the file with header 'no'" : "") + ")"));
        }
        Columns columns = new Columns(file, lookahead.get(headerLines));
        String[] names = headerLines > 0 ? lookahead.get(headerLines - 1).cells() : null;
        if (names != null && names.length == columns.width) {
            columns.names = names;
        }
        Table table = new Table(file, columns);
        for (int i = headerLines; i < lookahead.size(); i++) {
            table.add(lookahead.get(i), i == 0 && header == Header.AUTO);
        }
        while (records.next(cells)) {
            table.add(new Row(cells.toArray(new String[0]), records.line()), false);
        }
        return table.dataset();
    }

    /** The column layout, fixed by the first data record. */
    private final class Columns {
        final int width;
        final int line;
        final int labelAt;
        final int features;
        String[] names;

        Columns(Path file, Row first) throws DataFileException {
            width = first.cells().length;
            line = first.line();
            labelAt = labelAt(width);
            if (labelAt >= width) {
                throw new DataFileException(file, "line " + first.line() + ": label column " + labelAt
                        + " does not exist, the line has " + width + " columns (0.." + (width - 1) + ")");
            }
            if (labelAt >= 0 && width == 1) {
                throw new DataFileException(file, "line " + first.line()
                        + ": the only column is the label, there are no features");
            }
            features = labelAt >= 0 ? width - 1 : width;
        }

        /** "column 3" or "column 3 (alcohol)", 1-based as spreadsheets count. */
        String describe(int column) {
            return "column " + (column + 1) + (names == null || names[column].isEmpty() ? "" : " (" + names[column] + ")");
        }

        List<String> featureNames() {
            if (names == null) {
                return List.of();
            }
            List<String> out = new ArrayList<>();
            for (int c = 0; c < width; c++) {
                if (c != labelAt) {
                    out.add(names[c]);
                }
            }
            return out;
        }
    }

    /** The values read so far, grown as records come. */
    private final class Table {
        private final Path file;
        private final Columns columns;
        private float[] features = new float[1024];
        private int[] labels;
        private float[] targets;
        private final LabelIndex labelIndex;
        private int rows;

        Table(Path file, Columns columns) {
            this.file = file;
            this.columns = columns;
            boolean reading = labelMode == LabelMode.READ;
            this.labels = reading && task == Task.CLASSIFICATION ? new int[64] : null;
            this.targets = reading && task == Task.REGRESSION ? new float[64] : null;
            this.labelIndex = labels == null ? null : new LabelIndex(file, classLabels);
        }

        /** {@code judgedAsData}: the record was the first line, which {@link Header#AUTO} took for data. */
        void add(Row row, boolean judgedAsData) throws DataFileException {
            String[] cells = row.cells();
            if (cells.length != columns.width) {
                throw new DataFileException(file, "line " + row.line() + ": expected " + columns.width
                        + " columns (as on line " + columns.line + "), found " + cells.length);
            }
            int cols = columns.features;
            if ((long) (rows + 1) * cols > Integer.MAX_VALUE - 8) {
                throw new DataFileException(file, "line " + row.line() + ": more features than one array can hold");
            }
            if ((rows + 1) * cols > features.length) {
                features = Arrays.copyOf(features, (int) Math.min(Integer.MAX_VALUE - 8L,
                        Math.max((long) features.length * 2, (long) (rows + 1) * cols)));
            }
            if (labels != null && rows == labels.length) {
                labels = Arrays.copyOf(labels, rows * 2);
            }
            if (targets != null && rows == targets.length) {
                targets = Arrays.copyOf(targets, rows * 2);
            }
            String note = judgedAsData ? " (line " + row.line() + " was read as data because most of its cells are"
                    + " numbers; if it is a header, read the file with header 'yes')" : "";
            int f = rows * cols;
            for (int c = 0; c < cells.length; c++) {
                if (c != columns.labelAt) {
                    features[f++] = number(cells[c], row.line(), c, "", note);
                } else if (labels != null) {
                    labels[rows] = labelIndex.add(cells[c], row.line(), columns.describe(c));
                } else if (targets != null) {
                    targets[rows] = number(cells[c], row.line(), c, "target ", note);
                }
            }
            rows++;
        }

        private float number(String cell, int line, int column, String what, String note) throws DataFileException {
            float value = parseNumber(cell);
            String where = "line " + line + ", " + columns.describe(column) + ": " + what;
            if (cell.isEmpty()) {
                throw new DataFileException(file, where + "the cell is empty (a missing value?)" + note);
            }
            if (Float.isNaN(value) && !isNaNText(cell)) {
                throw new DataFileException(file, where + "'" + cell + "' is not a number" + delimiterHint(cell) + note);
            }
            if (!Float.isFinite(value)) {
                throw new DataFileException(file, where + "'" + cell + "' is not a finite number" + note);
            }
            return value;
        }

        Dataset dataset() throws DataFileException {
            int cols = columns.features;
            float[] x = Arrays.copyOf(features, rows * cols);
            Dataset d;
            if (labels != null) {
                LabelIndex.Mapping mapping = labelIndex.mapping();
                int[] l = new int[rows];
                for (int i = 0; i < rows; i++) {
                    l[i] = mapping.classOf()[labels[i]];
                }
                d = Dataset.classification(x, rows, cols, l, mapping.labels());
            } else if (targets != null) {
                d = Dataset.regression(x, rows, cols, Arrays.copyOf(targets, rows));
            } else {
                d = Dataset.unlabelled(x, rows, cols);
            }
            return d.withFeatureNames(columns.featureNames());
        }
    }

    /**
     * How many leading records {@link Header#AUTO} takes for headers: each is judged against the records
     * after it, until one is data.
     */
    private int autoHeaderLines(List<Row> rows, Path file) throws DataFileException {
        int width = commonWidth(rows);
        int headers = 0;
        while (headers < rows.size()) {
            Row row = rows.get(headers);
            List<Row> below = rows.subList(headers + 1, rows.size());
            boolean header;
            if (below.isEmpty()) {
                // Nothing to compare with (a file of one line, or the last line after headers): the line is data
                // when it could be a row, numbers wherever a row must have them.
                header = !numbersWhereARowNeedsThem(row.cells());
            } else if (row.cells().length != width) {
                header = !allNumbers(row.cells());
            } else {
                int votes = 0;
                boolean numericColumns = false;
                for (int c = 0; c < width; c++) {
                    if (mostlyNumbers(below, c, width)) {
                        numericColumns = true;
                        votes += isNumber(row.cells()[c]) ? -1 : 1;
                    }
                }
                if (votes == 0 && numericColumns) {
                    throw new DataFileException(file, "line " + row.line() + " may be a header or data: in the columns"
                            + " that hold numbers below it, half of its cells are numbers; read the file with header"
                            + " 'yes' or 'no'");
                }
                header = votes > 0;
            }
            if (!header) {
                break;
            }
            headers++;
        }
        return headers;
    }

    /** The most frequent record width, that of the data. */
    private static int commonWidth(List<Row> rows) {
        Map<Integer, Integer> counts = new HashMap<>();
        for (Row r : rows) {
            counts.merge(r.cells().length, 1, Integer::sum);
        }
        return counts.entrySet().stream().max(Map.Entry.<Integer, Integer>comparingByValue()
                .thenComparing(Map.Entry.comparingByKey())).map(Map.Entry::getKey).orElse(0);
    }

    private static boolean mostlyNumbers(List<Row> rows, int column, int width) {
        int numbers = 0;
        int total = 0;
        for (Row r : rows) {
            if (r.cells().length == width) {
                total++;
                if (isNumber(r.cells()[column])) {
                    numbers++;
                }
            }
        }
        return total > 0 && 2 * numbers > total;
    }

    /** The label column of a record of {@code width} cells, or -1 when there is none. */
    private int labelAt(int width) {
        return labelMode == LabelMode.NONE ? -1 : labelColumn == LAST_COLUMN ? width - 1 : labelColumn;
    }

    /** Whether every feature cell, and a regression target, is a number: a class label may be a name. */
    private boolean numbersWhereARowNeedsThem(String[] cells) {
        int label = labelAt(cells.length);
        boolean labelMayBeAName = labelMode == LabelMode.IGNORE || task == Task.CLASSIFICATION;
        for (int c = 0; c < cells.length; c++) {
            if (!(c == label && labelMayBeAName) && !isNumber(cells[c])) {
                return false;
            }
        }
        return true;
    }

    private static boolean allNumbers(String[] cells) {
        for (String cell : cells) {
            if (!isNumber(cell)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isNumber(String cell) {
        return !Float.isNaN(parseNumber(cell)) || isNaNText(cell);
    }

    private static boolean isNaNText(String cell) {
        return cell.equals("NaN") || cell.equals("+NaN") || cell.equals("-NaN");
    }

    /** The cell's value as {@link Float#parseFloat} reads it, or NaN when it is not a number. */
    private static float parseNumber(String cell) {
        int small = smallInteger(cell);
        if (small >= 0) {
            return small;
        }
        try {
            return Float.parseFloat(cell);
        } catch (NumberFormatException e) {
            return Float.NaN;
        }
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

    /** A hint when a cell that is not a number is numbers joined by another common delimiter. */
    private String delimiterHint(String cell) {
        for (char other : new char[] {',', ';', '\t', '|', ' '}) {
            if (other != delimiter && cell.indexOf(other) > 0) {
                String[] parts = cell.split(java.util.regex.Pattern.quote(String.valueOf(other)));
                if (parts.length > 1 && Arrays.stream(parts).allMatch(p -> isNumber(p.strip()))) {
                    String name = other == '\t' ? "a tab" : other == ' ' ? "a space" : "'" + other + "'";
                    return " (is the delimiter " + name + "? the reader splits at '" + printable(delimiter) + "')";
                }
            }
        }
        return "";
    }

    private static String printable(char c) {
        return c == '\t' ? "\\t" : String.valueOf(c);
    }

    /**
     * Turns label cells into class indices: against given labels, or by collecting the distinct labels and
     * ordering them at the end. Integers are keyed by their canonical decimal, so {@code 3}, {@code 3.0}
     * and {@code 3.000e+00} are one class.
     */
    private static final class LabelIndex {
        private final Path file;
        private final ClassLabels given;
        private final Map<String, Integer> seen = new HashMap<>();
        private final List<String> keys = new ArrayList<>();
        private final List<Long> integers = new ArrayList<>();
        private int integerCount;
        private int stringCount;
        private String firstInteger;
        private String firstString;
        private String firstFraction;

        LabelIndex(Path file, ClassLabels given) {
            this.file = file;
            this.given = given;
        }

        /** The class of {@code cell} (against given labels) or a provisional index into the distinct labels. */
        int add(String cell, int line, String column) throws DataFileException {
            String where = "line " + line + ", " + column + ": label '" + cell + "'";
            Long integer = integerValue(cell, where);
            if (given != null) {
                String key = given.kind() == ClassLabels.Kind.INTEGER && integer != null ? integer.toString() : cell;
                int c = given.indexOf(key);
                if (c < 0) {
                    throw new DataFileException(file, where + " is not one of the " + given.size()
                            + " known classes (" + shortList(given.values()) + ")");
                }
                return c;
            }
            String key;
            if (integer != null) {
                key = integer.toString();
                integerCount++;
                firstInteger = firstInteger == null ? where : firstInteger;
            } else {
                key = cell;
                if (isNumber(cell) && !isNaNText(cell)) {
                    firstFraction = firstFraction == null ? where : firstFraction;
                } else {
                    stringCount++;
                    firstString = firstString == null ? where : firstString;
                }
            }
            Integer index = seen.get(key);
            if (index == null) {
                index = keys.size();
                seen.put(key, index);
                keys.add(key);
                integers.add(integer);
            }
            return index;
        }

        /** The cell as a whole number, or null when it is not one; a whole number beyond 64 bits is an error. */
        private Long integerValue(String cell, String where) throws DataFileException {
            try {
                return Long.parseLong(cell.startsWith("+") ? cell.substring(1) : cell);
            } catch (NumberFormatException notALong) {
                double value;
                try {
                    value = Double.parseDouble(cell);
                } catch (NumberFormatException notANumber) {
                    return null;
                }
                if (!Double.isFinite(value) || value != Math.rint(value)) {
                    return null;
                }
                if (Math.abs(value) >= 0x1p63) {
                    throw new DataFileException(file, where + " is a whole number beyond the 64-bit range of"
                            + " integer labels");
                }
                return (long) value;
            }
        }

        record Mapping(ClassLabels labels, int[] classOf) {
        }

        /** The classes in order and, for each provisional index, its class. */
        Mapping mapping() throws DataFileException {
            if (given != null) {
                int[] identity = new int[given.size()];
                Arrays.setAll(identity, i -> i);
                return new Mapping(given, identity);
            }
            if (firstFraction != null) {
                throw new DataFileException(file, firstFraction + " is not a whole number: class labels are whole"
                        + " numbers or names; for a numeric target train a regression (task 'regression')");
            }
            if (integerCount > 0 && stringCount > 0) {
                String odd = integerCount >= stringCount ? firstString : firstInteger;
                throw new DataFileException(file, odd + (integerCount >= stringCount
                        ? " is not a whole number, but " + integerCount + " other labels are"
                        : " is a number, but " + stringCount + " other labels are names")
                        + "; is it a typo?");
            }
            boolean numeric = integerCount > 0;
            Integer[] order = new Integer[keys.size()];
            Arrays.setAll(order, i -> i);
            Arrays.sort(order, numeric ? Comparator.comparing(integers::get) : Comparator.comparing(keys::get));
            int[] classOf = new int[order.length];
            List<String> sorted = new ArrayList<>();
            for (int c = 0; c < order.length; c++) {
                classOf[order[c]] = c;
                sorted.add(keys.get(order[c]));
            }
            return new Mapping(ClassLabels.of(numeric ? ClassLabels.Kind.INTEGER : ClassLabels.Kind.STRING, sorted),
                    classOf);
        }

        private static String shortList(List<String> labels) {
            List<String> shown = labels.size() <= 10 ? labels : labels.subList(0, 10);
            return String.join(", ", shown) + (labels.size() > 10 ? ", ..." : "");
        }
    }

    @Override
    public String toString() {
        return "CsvReader[header=" + header + ", labelColumn="
                + (labelMode == LabelMode.NONE ? "none" : labelColumn == LAST_COLUMN ? "last" : labelColumn)
                + (labelMode == LabelMode.IGNORE ? " (ignored)" : "")
                + ", delimiter='" + printable(delimiter) + "', task=" + task.id() + ", classes="
                + (classLabels == null ? "inferred" : classLabels.values()) + "]";
    }
}
