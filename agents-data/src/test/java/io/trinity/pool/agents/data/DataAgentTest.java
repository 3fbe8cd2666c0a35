package io.trinity.pool.agents.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.trinity.pool.Attachment;
import io.trinity.pool.Payload;
import io.trinity.pool.Task;
import io.trinity.pool.agent.AgentInit;
import io.trinity.pool.agent.NonRetryableException;
import io.trinity.pool.agents.testing.FakeTaskContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DataAgentTest {

    // Quoted commas, doubled quotes, a line break inside a field and an empty cell.
    static final String SALES = """
            region,customer,amount,note
            north,"Acme, Inc.",10,"said ""hi\"""
            south,Bolt,20,
            north,"Cray
            Research",30,multi
            east,Dyn,40,"x"
            """;

    private final DataAgent agent = new DataAgent(new AgentInit("data-1", "data", Optional.empty()));

    private Map<String, Object> run(Map<String, ?> input) throws Exception {
        FakeTaskContext ctx = FakeTaskContext.of("data", input);
        Payload out = agent.execute(ctx);
        assertThat(ctx.progress).last().isEqualTo(1.0);
        return out.data();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> column(Map<String, Object> stats, String name) {
        return ((List<Map<String, Object>>) stats.get("columns")).stream()
                .filter(c -> c.get("name").equals(name)).findFirst().orElseThrow();
    }

    @Test
    void statsOfCsv() throws Exception {
        Map<String, Object> out = run(Map.of("op", "stats", "csv", SALES));
        assertThat(out.get("rows")).isEqualTo(4L);
        Map<String, Object> amount = column(out, "amount");
        assertThat(amount).containsEntry("type", "number").containsEntry("count", 4L).containsEntry("missing", 0L)
                .containsEntry("distinct", 4L).containsEntry("min", 10.0).containsEntry("max", 40.0)
                .containsEntry("sum", 100.0).containsEntry("mean", 25.0).containsEntry("median", 25.0);
        // sample stddev of 10,20,30,40 = sqrt(500/3)
        assertThat((double) amount.get("stddev")).isCloseTo(Math.sqrt(500.0 / 3), within(1e-12));

        Map<String, Object> region = column(out, "region");
        assertThat(region).containsEntry("type", "text").containsEntry("distinct", 3L);
        assertThat(region.get("top")).isEqualTo(List.of(
                Map.of("value", "north", "count", 2L), Map.of("value", "east", "count", 1L),
                Map.of("value", "south", "count", 1L)));

        assertThat(column(out, "note")).containsEntry("missing", 1L).containsEntry("count", 3L);
        assertThat(column(out, "customer").get("top").toString()).contains("Acme, Inc.", "Cray\nResearch");
    }

    @Test
    void medianOfEvenAndOddCountsAndStddevOfOneValue() throws Exception {
        Map<String, Object> out = run(Map.of("op", "stats", "records", List.of(
                Map.of("x", 5L, "y", 1.5), Map.of("x", 1L), Map.of("x", 3L, "y", "n/a"))));
        assertThat(column(out, "x")).containsEntry("median", 3.0).containsEntry("stddev", 2.0);
        Map<String, Object> y = column(out, "y");
        assertThat(y).containsEntry("type", "text").containsEntry("missing", 1L); // mixed number and text
    }

    @Test
    void groupBySumsAndAverages() throws Exception {
        Map<String, Object> out = run(Map.of("op", "group-by", "csv", SALES, "by", "region", "aggregates", List.of(
                Map.of("column", "amount", "fn", "sum"),
                Map.of("column", "amount", "fn", "avg", "as", "mean"),
                Map.of("fn", "count"),
                Map.of("column", "note", "fn", "count"))));
        assertThat(out.get("groups")).isEqualTo(List.of(
                Map.of("region", "north", "rows", 2L, "amount_sum", 40.0, "mean", 20.0, "count", 2L, "note_count", 2L),
                Map.of("region", "south", "rows", 1L, "amount_sum", 20.0, "mean", 20.0, "count", 1L, "note_count", 0L),
                Map.of("region", "east", "rows", 1L, "amount_sum", 40.0, "mean", 40.0, "count", 1L, "note_count", 1L)));
    }

    @Test
    void groupByOverJsonStringAndRecordsAgree() throws Exception {
        String json = "[{\"team\":\"a\",\"pts\":3},{\"team\":\"b\",\"pts\":7},{\"team\":\"a\",\"pts\":4.5},{\"team\":\"b\"}]";
        List<Object> aggregates = List.of(Map.of("column", "pts", "fn", "min"), Map.of("column", "pts", "fn", "max"));
        Map<String, Object> fromJson = run(Map.of("op", "group-by", "json", json, "by", "team", "aggregates", aggregates));
        assertThat(fromJson.get("groups")).isEqualTo(List.of(
                Map.of("team", "a", "rows", 2L, "pts_min", 3.0, "pts_max", 4.5),
                Map.of("team", "b", "rows", 2L, "pts_min", 7.0, "pts_max", 7.0)));
        Map<String, Object> fromRecords = run(Map.of("op", "group-by", "by", "team", "aggregates", aggregates,
                "records", List.of(Map.of("team", "a", "pts", 3L), Map.of("team", "b", "pts", 7L),
                        Map.of("team", "a", "pts", 4.5), Map.of("team", "b"))));
        assertThat(fromRecords.get("groups")).isEqualTo(fromJson.get("groups"));
    }

    @Test
    void csvAttachment() throws Exception {
        FakeTaskContext ctx = new FakeTaskContext(Task.builder("data")
                .input(Payload.of(Map.of("op", "stats"), Map.of("file",
                        Attachment.of("text/csv", "v\n2\n4\n9\n".getBytes(StandardCharsets.UTF_8)))))
                .build());
        Map<String, Object> out = agent.execute(ctx).data();
        assertThat(column(out, "v")).containsEntry("mean", 5.0).containsEntry("median", 4.0);
    }

    @Test
    void retrieveFindsTheBestPassage() throws Exception {
        String longDoc = "Hives need care all year. ".repeat(40)
                + "In spring the queen lays eggs and the colony grows quickly. "
                + "Worker bees collect nectar from flowers and turn it into honey by evaporating the water. "
                + "They store the honey in wax cells and cap them. "
                + "Beekeepers harvest surplus frames in late summer. ".repeat(30);
        List<Object> docs = List.of(
                Map.of("id", "rust", "text", "Iron rusts when it reacts with oxygen and water.\n\nPaint slows rust."),
                Map.of("id", "bees", "text", longDoc),
                Map.of("id", "bread", "text", "Yeast turns sugar into carbon dioxide, which makes bread rise."));
        Map<String, Object> out = run(Map.of("op", "retrieve", "documents", docs,
                "query", "how do bees make honey from nectar", "k", 2L));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> results = (List<Map<String, Object>>) out.get("results");
        assertThat((long) out.get("passages")).isGreaterThan(4L); // the long paragraph was split into windows
        assertThat(results).hasSizeLessThanOrEqualTo(2).isNotEmpty();
        assertThat(results.get(0).get("id")).isEqualTo("bees");
        assertThat((String) results.get(0).get("text")).contains("collect nectar from flowers");
        assertThat((double) results.get(0).get("score")).isPositive();
        if (results.size() == 2) {
            assertThat((double) results.get(0).get("score")).isGreaterThanOrEqualTo((double) results.get(1).get("score"));
        }
        Map<String, Object> rust = run(Map.of("op", "retrieve", "documents", docs, "query", "paint against rusting", "k", 1L));
        assertThat(rust.get("results").toString()).contains("id=rust, passage=1");
    }

    @Test
    void numbersBeyondADoubleAreRefusedNamingWhereTheyAre() {
        assertThatThrownBy(() -> run(Map.of("op", "stats", "csv", "a\n1e400\n1\n")))
                .isInstanceOf(NonRetryableException.class)
                .hasMessage("input.csv: column 'a' holds 1e400 at line 2, beyond the range of a double (magnitude at"
                        + " most 1.7976931348623157E308); send numbers within it");
        assertThatThrownBy(() -> run(Map.of("op", "group-by", "by", "k", "aggregates", List.of(Map.of("fn", "count")),
                "csv", "k,v\nx,1\ny,-2e308\n")))
                .isInstanceOf(NonRetryableException.class)
                .hasMessageStartingWith("input.csv: column 'v' holds -2e308 at line 3, beyond the range of a double");
        assertThatThrownBy(() -> run(Map.of("op", "stats", "json", "[{\"a\": 1}, {\"a\": 1e400}]")))
                .isInstanceOf(NonRetryableException.class)
                .hasMessage("input.json[1].a: 1E+400 is beyond the range of a double (magnitude at most"
                        + " 1.7976931348623157E308); send numbers within it");
        assertThatThrownBy(() -> run(Map.of("op", "stats", "json", "[{\"a\": {\"deep\": [2, -1e999]}}]")))
                .isInstanceOf(NonRetryableException.class)
                .hasMessageStartingWith("input.json[0].a.deep[1]: -1E+999 is beyond the range of a double");
        assertThatThrownBy(() -> run(Map.of("op", "stats", "records", List.of(Map.of("a", 1L),
                Map.of("a", new java.math.BigDecimal("1e400"))))))
                .isInstanceOf(NonRetryableException.class)
                .hasMessageStartingWith("input.records[1].a: 1E+400 is beyond the range of a double");
        FakeTaskContext file = new FakeTaskContext(Task.builder("data")
                .input(Payload.of(Map.of("op", "stats"), Map.of("file",
                        Attachment.of("text/csv", "v\n2\n1E309\n".getBytes(StandardCharsets.UTF_8)))))
                .build());
        assertThatThrownBy(() -> agent.execute(file))
                .isInstanceOf(NonRetryableException.class)
                .hasMessageStartingWith("input.file: column 'v' holds 1E309 at line 3");
        // JSON fractions still read as doubles, exactly as before
        assertThat(column(runUnchecked(Map.of("op", "stats", "json", "[{\"a\": 0.1}, {\"a\": 0.2}]")), "a"))
                .containsEntry("sum", 0.1 + 0.2).containsEntry("max", 0.2);
    }

    @Test
    void sumsThatPassTheLargestDoubleOnTheWayAreStillFound() throws Exception {
        Map<String, Object> a = column(run(Map.of("op", "stats", "csv", "a\n1e300\n1e300\n-1e300\n")), "a");
        assertThat(a).containsEntry("sum", 1e300).containsEntry("min", -1e300).containsEntry("max", 1e300)
                .containsEntry("median", 1e300);
        assertThat((double) a.get("mean")).isCloseTo(1e300 / 3, within(1e285));
        // deviations 2/3, 2/3, -4/3 of 1e300: sqrt((4/9 + 4/9 + 16/9) / 2) = sqrt(4/3)
        assertThat((double) a.get("stddev")).isCloseTo(Math.sqrt(4.0 / 3) * 1e300, within(1e286));

        Map<String, Object> b = column(run(Map.of("op", "stats", "csv", "b\n1e308\n1e308\n-1e308\n1.5e308\n")), "b");
        assertThat(b).containsEntry("sum", null).containsEntry("median", 1e308); // 2.5e308 is beyond a double
        assertThat((double) b.get("mean")).isCloseTo(0.625e308, within(1e293));
        assertThat((double) b.get("stddev")).isCloseTo(Math.sqrt(3.6875 / 3) * 1e308, within(1e294));
        // a stddev of 1.7e308 * sqrt 2 is beyond a double too; the mean and median are not
        assertThat(column(run(Map.of("op", "stats", "csv", "s\n-1.7e308\n1.7e308\n")), "s"))
                .containsEntry("sum", 0.0).containsEntry("mean", 0.0).containsEntry("stddev", null)
                .containsEntry("median", 0.0);
        assertThat(column(run(Map.of("op", "stats", "csv", "c\n1.7e308\n1.7e308\n")), "c"))
                .containsEntry("median", 1.7e308).containsEntry("mean", 1.7e308).containsEntry("stddev", 0.0);

        Map<String, Object> grouped = run(Map.of("op", "group-by", "by", "k", "csv", "k,v\nx,1e308\nx,1e308\ny,1e308\ny,1e308\ny,-1e308\n",
                "aggregates", List.of(Map.of("column", "v", "fn", "sum"), Map.of("column", "v", "fn", "avg"))));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> groups = (List<Map<String, Object>>) grouped.get("groups");
        assertThat(groups.get(0)).containsEntry("v_sum", null).containsEntry("v_avg", 1e308);
        assertThat(groups.get(1)).containsEntry("v_sum", 1e308);
        assertThat((double) groups.get(1).get("v_avg")).isCloseTo(1e308 / 3, within(1e293));
    }

    private Map<String, Object> runUnchecked(Map<String, ?> input) {
        try {
            return run(input);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void badInputIsNonRetryableAndSaysWhy() {
        assertThatThrownBy(() -> run(Map.of("op", "pivot")))
                .isInstanceOf(NonRetryableException.class)
                .hasMessage("input.op: unknown operation for agent data-1; valid ops: stats, group-by, retrieve (got 'pivot')");
        assertThatThrownBy(() -> run(Map.of("op", "stats", "csv", "a,b\n1,\"2\n")))
                .isInstanceOf(NonRetryableException.class)
                .hasMessageStartingWith("input.csv: unterminated quoted field starting at line 2, column 3");
        assertThatThrownBy(() -> run(Map.of("op", "group-by", "csv", SALES, "by", "city",
                "aggregates", List.of(Map.of("column", "amount", "fn", "sum")))))
                .isInstanceOf(NonRetryableException.class)
                .hasMessage("input.by: no column named 'city' (columns: region, customer, amount, note)");
        assertThatThrownBy(() -> run(Map.of("op", "group-by", "csv", SALES, "by", "region",
                "aggregates", List.of(Map.of("column", "customer", "fn", "sum")))))
                .isInstanceOf(NonRetryableException.class)
                .hasMessageContaining("column 'customer' holds 'Acme, Inc.' at line 2");
        assertThatThrownBy(() -> run(Map.of("op", "group-by", "csv", SALES, "by", "region",
                "aggregates", List.of(Map.of("column", "amount", "fn", "median")))))
                .isInstanceOf(NonRetryableException.class)
                .hasMessage("input.aggregates[0].fn: must be one of sum, avg, min, max, count (got 'median')");
        assertThatThrownBy(() -> run(Map.of("op", "stats", "json", "{\"a\":1}")))
                .isInstanceOf(NonRetryableException.class)
                .hasMessageStartingWith("input.json: must be a JSON array of objects (got a single object)");
        assertThatThrownBy(() -> run(Map.of("op", "stats")))
                .isInstanceOf(NonRetryableException.class)
                .hasMessageStartingWith("input: no data given");
        assertThatThrownBy(() -> run(Map.of("op", "retrieve", "query", "the of and",
                "documents", List.of(Map.of("id", "d", "text", "some text")))))
                .isInstanceOf(NonRetryableException.class)
                .hasMessageStartingWith("input.query: has no searchable words");
        assertThatThrownBy(() -> run(Map.of("op", "retrieve", "query", "x",
                "documents", List.of(Map.of("id", "d")))))
                .isInstanceOf(NonRetryableException.class)
                .hasMessage("input.documents[0].text: a non-empty string is required (got nothing)");
    }
}
