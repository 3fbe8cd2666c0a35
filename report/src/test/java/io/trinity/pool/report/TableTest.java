package io.trinity.pool.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TableTest {

    @Test
    void plainTextRightAlignsNumericColumnsAndRulesTheHeader() {
        Table t = new Table("name", "p99 ms").row("steady", "12").row(List.of("bursty", "1,250"));

        assertThat(t.render()).isEqualTo("""
                name    p99 ms
                ------  ------
                steady      12
                bursty   1,250
                """);
        assertThat(t.size()).isEqualTo(2);
    }

    @Test
    void markdownKeepsCellsAsTheyAre() {
        Table t = new Table("a", "b").row(1, null);

        assertThat(t.markdown()).isEqualTo("| a | b |\n|---|---|\n| 1 | null |\n");
    }

    @Test
    void aRowWithTheWrongNumberOfCellsIsRefused() {
        assertThatThrownBy(() -> new Table("a", "b").row("only one"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("row has 1 cells, header has 2");
    }

    @Test
    void numbersAreFormattedTheSameOnEveryLocale() {
        assertThat(Table.f("%.2f", 1.5)).isEqualTo("1.50");
    }
}
