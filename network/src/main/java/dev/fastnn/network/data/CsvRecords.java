package dev.fastnn.network.data;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Path;
import java.util.List;

/**
 * Splits CSV text into records of cells, as RFC 4180 writes them: cells separated by one delimiter
 * character, records by {@code \n} or {@code \r\n}; a cell in double quotes may hold delimiters, line breaks
 * and quotes (doubled, {@code ""}). Unquoted cells lose their surrounding blanks; blanks around a quoted
 * cell are ignored. A record's line is the line it starts on, for messages.
 */
final class CsvRecords {
    private static final char QUOTE = '"';
    /** What some editors put before the first character of a UTF-8 file. */
    private static final char BYTE_ORDER_MARK = '\uFEFF';

    private final Reader in;
    private final Path file;
    private final char delimiter;
    private final char[] buffer = new char[1 << 16];
    private int position;
    private int limit;
    private int line = 1;
    private int recordLine;
    private final StringBuilder cell = new StringBuilder();

    CsvRecords(Reader in, Path file, char delimiter) {
        this.in = in;
        this.file = file;
        this.delimiter = delimiter;
    }

    /** The line the last record read starts on (from 1). */
    int line() {
        return recordLine;
    }

    /**
     * Reads the next record that is not blank into {@code cells} (cleared first); false at the end of the
     * text.
     */
    boolean next(List<String> cells) throws IOException {
        while (true) {
            cells.clear();
            int c = read();
            if (c == BYTE_ORDER_MARK && recordLine == 0) {
                c = read();
            }
            if (c < 0) {
                return false;
            }
            recordLine = line;
            boolean quotedCell = false;
            while (true) {
                // One cell per turn: c is its first character (or the delimiter / line end that ends it).
                cell.setLength(0);
                quotedCell = false;
                while (isBlank(c)) {
                    cell.append((char) c);
                    c = read();
                }
                if (c == QUOTE) {
                    quotedCell = true;
                    cell.setLength(0);
                    c = readQuoted();
                    while (isBlank(c)) {
                        c = read();
                    }
                    if (c >= 0 && c != delimiter && c != '\n' && c != '\r') {
                        throw new DataFileException(file, "line " + line + ": '" + (char) c
                                + "' after the closing quote of a quoted cell (a quote inside a quoted cell is written \"\")");
                    }
                } else {
                    while (c >= 0 && c != delimiter && c != '\n' && c != '\r') {
                        cell.append((char) c);
                        c = read();
                    }
                }
                cells.add(quotedCell ? cell.toString() : cell.toString().strip());
                if (c == delimiter) {
                    c = read();
                    continue;
                }
                endLine(c);
                break;
            }
            if (!(cells.size() == 1 && !quotedCell && cells.get(0).isEmpty())) {
                return true;
            }
        }
    }

    /** A blank around a cell, unless it is the delimiter. */
    private boolean isBlank(int c) {
        return (c == ' ' || c == '\t') && c != delimiter;
    }

    /** Reads a quoted cell's content after its opening quote; returns the character after the closing quote. */
    private int readQuoted() throws IOException {
        int start = line;
        while (true) {
            int c = read();
            if (c < 0) {
                throw new DataFileException(file, "line " + start + ": a quoted cell is not closed before the end"
                        + " of the file");
            }
            if (c == QUOTE) {
                int after = read();
                if (after != QUOTE) {
                    return after;
                }
            } else if (c == '\r') {
                int after = peek();
                if (after == '\n') {
                    read();
                }
                cell.append('\n');
                line++;
                continue;
            } else if (c == '\n') {
                line++;
            }
            cell.append((char) c);
        }
    }

    /** Consumes the line end {@code c} (a {@code \r} may be followed by {@code \n}) and counts the line. */
    private void endLine(int c) throws IOException {
        if (c == '\r' && peek() == '\n') {
            read();
        }
        if (c >= 0) {
            line++;
        }
    }

    private int read() throws IOException {
        if (position == limit && !fill()) {
            return -1;
        }
        return buffer[position++];
    }

    private int peek() throws IOException {
        if (position == limit && !fill()) {
            return -1;
        }
        return buffer[position];
    }

    private boolean fill() throws IOException {
        int n = in.read(buffer, 0, buffer.length);
        if (n <= 0) {
            return false;
        }
        position = 0;
        limit = n;
        return true;
    }
}
