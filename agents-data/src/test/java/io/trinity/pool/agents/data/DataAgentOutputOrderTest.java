package io.trinity.pool.agents.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.agent.AgentInit;
import io.trinity.pool.agents.testing.FakeTaskContext;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedMap;
import org.junit.jupiter.api.Test;

/**
 * The output keys come in the order docs/agents/data.md lists them, in every run, so a JSON
 * rendering of the same input is byte-for-byte the same.
 */
class DataAgentOutputOrderTest {

    static final List<String> STATS = List.of("rows", "columns");
    static final List<String> NUMBER_COLUMN = List.of("name", "type", "count", "missing", "distinct",
            "min", "max", "sum", "mean", "stddev", "median");
    static final List<String> TEXT_COLUMN = List.of("name", "type", "count", "missing", "distinct", "top");
    static final List<String> TOP_VALUE = List.of("value", "count");
    static final List<String> GROUP_BY = List.of("by", "rows", "groups");
    static final List<String> RETRIEVE = List.of("query", "documents", "passages", "results");
    static final List<String> RESULT = List.of("id", "passage", "score", "text");

    static final String CSV = "city,temp,sky\nOslo,4,grey\nRome,18,blue\nCairo,29,blue\nLima,,\n";

    private final DataAgent agent = new DataAgent(new AgentInit("data-1", "data", Optional.empty()));

    private Map<String, Object> run(Map<String, ?> input) throws Exception {
        return agent.execute(FakeTaskContext.of("data", input)).data();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Object o) {
        return (List<Map<String, Object>>) o;
    }

    @Test
    void statsKeysComeInTheDocumentedOrder() throws Exception {
        Map<String, Object> out = run(Map.of("op", "stats", "csv", CSV));

        assertThat(out.keySet()).containsExactlyElementsOf(STATS);
        List<Map<String, Object>> columns = list(out.get("columns"));
        assertThat(columns).extracting(c -> c.get("name")).containsExactly("city", "temp", "sky");
        assertThat(columns.get(0).keySet()).containsExactlyElementsOf(TEXT_COLUMN);
        assertThat(columns.get(1).keySet()).containsExactlyElementsOf(NUMBER_COLUMN);
        assertThat(columns.get(2).keySet()).containsExactlyElementsOf(TEXT_COLUMN);
        List<Map<String, Object>> top = list(columns.get(2).get("top"));
        assertThat(top).hasSize(2).allSatisfy(v -> assertThat(v.keySet()).containsExactlyElementsOf(TOP_VALUE));
        assertThat(top.get(0)).containsEntry("value", "blue").containsEntry("count", 2L);
    }

    @Test
    void topValuesAreBuiltInInsertionOrder() {
        // Map.of's iteration order is fixed per JVM by a random salt, so the order check above
        // alone would catch a Map.of here in only some runs; this one catches it in every run.
        Table table = Table.fromCsv(new CsvParser("csv", ',').parse(CSV), "csv");
        List<Map<String, Object>> top = list(ColumnStats.of(table, 2).get("top"));

        assertThat(top).isNotEmpty().allSatisfy(v -> assertThat(v).isInstanceOf(SequencedMap.class));
    }

    @Test
    void groupByKeysComeInTheDocumentedOrder() throws Exception {
        Map<String, Object> out = run(Map.of("op", "group-by", "csv", CSV, "by", "sky", "aggregates", List.of(
                Map.of("column", "temp", "fn", "max", "as", "hottest"),
                Map.of("fn", "count"),
                Map.of("column", "temp", "fn", "avg"))));

        assertThat(out.keySet()).containsExactlyElementsOf(GROUP_BY);
        assertThat(list(out.get("groups"))).allSatisfy(g ->
                assertThat(g.keySet()).containsExactly("sky", "rows", "hottest", "count", "temp_avg"));
    }

    @Test
    void retrieveKeysComeInTheDocumentedOrder() throws Exception {
        Map<String, Object> out = run(Map.of("op", "retrieve", "query", "honey bees", "k", 2, "documents", List.of(
                Map.of("id", "bees", "text", "Bees live in colonies.\n\nWorker bees turn nectar into honey."),
                Map.of("id", "bread", "text", "Yeast makes bread rise."))));

        assertThat(out.keySet()).containsExactlyElementsOf(RETRIEVE);
        assertThat(list(out.get("results"))).isNotEmpty()
                .allSatisfy(r -> assertThat(r.keySet()).containsExactlyElementsOf(RESULT));
    }
}
