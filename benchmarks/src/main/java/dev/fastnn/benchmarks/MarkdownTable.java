package dev.fastnn.benchmarks;

import java.util.ArrayList;
import java.util.List;

/**
 * A Markdown table as the report writes them: a header row, text columns aligned left, then number columns
 * aligned right, and rows of exactly as many cells. Every table of BENCHMARKS.md is one of these.
 */
final class MarkdownTable {
    private final List<String> header;
    private final int leftColumns;
    private final List<List<String>> rows = new ArrayList<>();

    /** Columns named {@code left} (aligned left) followed by those named {@code right} (aligned right). */
    MarkdownTable(List<String> left, List<String> right) {
        this.header = new ArrayList<>(left);
        this.header.addAll(right);
        this.leftColumns = left.size();
    }

    MarkdownTable row(List<String> cells) {
        if (cells.size() != header.size()) {
            throw new IllegalArgumentException(cells.size() + " cells for the " + header.size() + " columns " + header);
        }
        rows.add(List.copyOf(cells));
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    /** The table, each line ending in a newline, followed by the blank line that ends a Markdown block. */
    String render() {
        StringBuilder md = new StringBuilder();
        line(md, header);
        md.append('|');
        for (int c = 0; c < header.size(); c++) {
            md.append(c < leftColumns ? "---|" : "---:|");
        }
        md.append('\n');
        rows.forEach(r -> line(md, r));
        return md.append('\n').toString();
    }

    private static void line(StringBuilder md, List<String> cells) {
        md.append('|');
        for (String cell : cells) {
            md.append(' ').append(cell).append(" |");
        }
        md.append('\n');
    }
}
