package dev.fastnn.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Tables as Markdown writes them by hand: text columns left, numbers right, a blank line after. */
class MarkdownTableTest {

    @Test
    void textColumnsAlignLeftAndNumberColumnsRight() {
        String md = new MarkdownTable(List.of("operation"), List.of("elements", "naive, 1 t"))
                .row(List.of("sigmoid", "1024", "0.17")).render();
        assertEquals("| operation | elements | naive, 1 t |\n|---|---:|---:|\n| sigmoid | 1024 | 0.17 |\n\n", md);
    }

    @Test
    void aRowOfTheWrongWidthIsRefused() {
        MarkdownTable table = new MarkdownTable(List.of("a"), List.of("b"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> table.row(List.of("1")));
        assertEquals("1 cells for the 2 columns [a, b]", e.getMessage());
    }
}
