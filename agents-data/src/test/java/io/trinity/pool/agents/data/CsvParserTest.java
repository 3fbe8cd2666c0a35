package io.trinity.pool.agents.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trinity.pool.agent.NonRetryableException;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class CsvParserTest {

    private static List<List<String>> parse(String text) {
        return new CsvParser("csv", ',').parse(text).stream().map(CsvParser.Row::fields).toList();
    }

    @Test
    void quotedFieldsKeepCommasQuotesAndLineBreaks() {
        String csv = "name,quote\r\n\"Acme, Inc.\",\"she said \"\"hi\"\"\"\r\n\"two\nlines\",\"\"\r\n";
        assertThat(parse(csv)).containsExactly(
                List.of("name", "quote"),
                List.of("Acme, Inc.", "she said \"hi\""),
                List.of("two\nlines", ""));
    }

    @Test
    void lastRecordWithoutLineBreakAndBlankLinesAndBom() {
        assertThat(parse("\uFEFFa,b\n\n1,2\n\n3,4")).containsExactly(List.of("a", "b"), List.of("1", "2"), List.of("3", "4"));
    }

    @Test
    void recordsRememberTheLineTheyStartOn() {
        List<CsvParser.Row> rows = new CsvParser("csv", ',').parse("a,b\n\"x\ny\",1\nz,2\n");
        assertThat(rows).extracting(CsvParser.Row::line).containsExactly(1, 2, 4);
    }

    @Test
    void bareQuoteInsideUnquotedFieldIsLiteral() {
        assertThat(parse("size,unit\n5\" screen,in\n")).containsExactly(List.of("size", "unit"), List.of("5\" screen", "in"));
    }

    @Test
    void otherDelimiter() {
        assertThat(new CsvParser("csv", ';').parse("a;b\n\"1;5\";2\n").get(1).fields()).containsExactly("1;5", "2");
    }

    @Test
    void unterminatedQuoteNamesTheLineAndColumnWhereItOpened() {
        assertThatThrownBy(() -> parse("a,b\n1,2\n3,\"open\n4,5\n"))
                .isInstanceOf(NonRetryableException.class)
                .hasMessage("input.csv: unterminated quoted field starting at line 3, column 3; close the field with a"
                        + " double quote (\") and write a quote inside a quoted field as two (\"\")");
    }

    @Test
    void textAfterClosingQuoteIsRefused() {
        assertThatThrownBy(() -> parse("a,b\n\"x\"y,2\n"))
                .isInstanceOf(NonRetryableException.class)
                .hasMessageContaining("unexpected 'y' after the closing quote at line 2, column 4");
    }

    @Test
    void fieldCountMismatchNamesTheLine() {
        assertThatThrownBy(() -> parse("a,b,c\n1,2,3\n4,5\n"))
                .isInstanceOf(NonRetryableException.class)
                .hasMessageStartingWith("input.csv: line 3 has 2 fields but the header (line 1) has 3");
    }

    /** Whatever a correct writer produces, the parser reads back exactly. */
    @Property(tries = 300)
    void roundTripsAnyTable(@ForAll("tables") List<List<String>> table) {
        StringBuilder csv = new StringBuilder();
        for (List<String> row : table) {
            List<String> cells = new ArrayList<>();
            for (String cell : row) {
                cells.add("\"" + cell.replace("\"", "\"\"") + "\"");
            }
            csv.append(String.join(",", cells)).append("\r\n");
        }
        assertThat(parse(csv.toString())).isEqualTo(table);
    }

    @Provide
    Arbitrary<List<List<String>>> tables() {
        Arbitrary<String> cell = Arbitraries.strings().withChars("ab ,\"\n\r;x1").ofMaxLength(6);
        return Arbitraries.integers().between(1, 4).flatMap(width ->
                cell.list().ofSize(width).list().ofMinSize(1).ofMaxSize(6));
    }
}
