package io.trinity.pool.agents.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trinity.pool.Attachment;
import io.trinity.pool.Payload;
import io.trinity.pool.agent.Agent;
import io.trinity.pool.agent.AgentInit;
import io.trinity.pool.agent.NonRetryableException;
import io.trinity.pool.agent.TaskContext;
import io.trinity.pool.agents.common.Inputs;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code data} agent: statistics and grouping over tabular data, and BM25 passage
 * retrieval over a set of documents. The operation is chosen by the {@code op} field.
 *
 * <ul>
 *   <li>{@code stats}: per-column statistics (count, missing, distinct; numeric columns: min,
 *       max, sum, mean, sample stddev, median; text columns: top values).</li>
 *   <li>{@code group-by}: field {@code by} (a column) and {@code aggregates}, a list of
 *       {@code {"column": c, "fn": "sum|avg|min|max|count", "as": name}}.</li>
 *   <li>{@code retrieve}: field {@code documents}, a list of {@code {"id", "text"}}, a
 *       {@code query} and {@code k} (default 3): the top passages with BM25 scores.</li>
 * </ul>
 *
 * <p>Tabular input, for {@code stats} and {@code group-by}, is the first present of: field
 * {@code records} (a list of objects), field {@code json} (a JSON array of objects as a string),
 * field {@code csv} (CSV text with a header line; optional {@code delimiter}, default comma), or
 * attachment {@code file} ({@code text/csv} or {@code application/json}, UTF-8).
 *
 * <p>Output keys come in one fixed order, the same in every run (every map is built in
 * insertion order, never with {@code Map.of}): {@code stats} gives {@code rows, columns}, each
 * column {@code name, type, count, missing, distinct} then {@code min, max, sum, mean, stddev,
 * median} (numbers) or {@code top} (text, each {@code value, count}); {@code group-by} gives
 * {@code by, rows, groups}, each group the key, {@code rows}, then the aggregates in request
 * order; {@code retrieve} gives {@code query, documents, passages, results}, each result
 * {@code id, passage, score, text}. See docs/agents/data.md.
 */
public final class DataAgent implements Agent {

    static final List<String> OPS = List.of("stats", "group-by", "retrieve");
    /** Fractions are read exactly, then made doubles by {@link #doubles}, which names a number beyond a double. */
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private final AgentInit init;

    public DataAgent(AgentInit init) {
        this.init = Objects.requireNonNull(init, "init");
    }

    @Override
    public Payload execute(TaskContext ctx) throws Exception {
        String op = Inputs.requireString(ctx, "op");
        ctx.progress(0.0, op);
        Map<String, Object> out = switch (op) {
            case "stats" -> stats(ctx, load(ctx));
            case "group-by" -> groupBy(ctx, load(ctx));
            case "retrieve" -> retrieve(ctx);
            default -> throw Inputs.bad("op", "unknown operation for agent " + init.agentId()
                    + "; valid ops: " + String.join(", ", OPS), op);
        };
        ctx.progress(1.0, "done");
        return Payload.of(out);
    }

    private static Map<String, Object> stats(TaskContext ctx, Table table) {
        List<Map<String, Object>> columns = new ArrayList<>();
        for (int c = 0; c < table.columns().size(); c++) {
            ctx.checkCancelled();
            columns.add(ColumnStats.of(table, c));
            ctx.progress(0.1 + 0.9 * (c + 1) / table.columns().size(), "column " + table.columns().get(c));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("rows", (long) table.rows().size());
        out.put("columns", columns);
        return out;
    }

    private static Map<String, Object> groupBy(TaskContext ctx, Table table) {
        String by = Inputs.requireString(ctx, "by");
        int byIndex = table.columnIndex(by, "by");
        List<GroupBy.Aggregate> aggregates = GroupBy.parse(table, Inputs.requireList(ctx, "aggregates"));
        ctx.checkCancelled();
        List<Map<String, Object>> groups = GroupBy.run(table, by, byIndex, aggregates);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("by", by);
        out.put("rows", (long) table.rows().size());
        out.put("groups", groups);
        return out;
    }

    private static Map<String, Object> retrieve(TaskContext ctx) throws Exception {
        String query = Inputs.requireString(ctx, "query");
        int k = (int) Inputs.optLong(ctx, "k", 3, 1, 100);
        List<Object> documents = Inputs.requireList(ctx, "documents");
        if (documents.isEmpty()) {
            throw Inputs.bad("documents", "at least one document {\"id\", \"text\"} is required", documents);
        }
        List<PassageRetriever.Passage> passages = new ArrayList<>();
        for (int i = 0; i < documents.size(); i++) {
            String field = "documents[" + i + "]";
            if (!(documents.get(i) instanceof Map<?, ?> doc)) {
                throw Inputs.bad(field, "must be an object {\"id\": ..., \"text\": ...}", documents.get(i));
            }
            Object id = doc.get("id");
            if (!(id instanceof String || id instanceof Number) || String.valueOf(id).isBlank()) {
                throw Inputs.bad(field + ".id", "a non-empty string or number is required", id);
            }
            if (!(doc.get("text") instanceof String text) || text.isBlank()) {
                throw Inputs.bad(field + ".text", "a non-empty string is required", doc.get("text"));
            }
            passages.addAll(PassageRetriever.split(String.valueOf(id), text));
        }
        ctx.progress(0.1, "split " + documents.size() + " documents into " + passages.size() + " passages");
        List<Map<String, Object>> hits = PassageRetriever.retrieve(ctx, passages, query, k);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("query", query);
        out.put("documents", (long) documents.size());
        out.put("passages", (long) passages.size());
        out.put("results", hits);
        return out;
    }

    /** Reads the table from the first present source; see the class javadoc for the order. */
    static Table load(TaskContext ctx) {
        Map<String, Object> data = ctx.data();
        if (data.get("records") != null) {
            return Table.fromRecords(Inputs.requireList(ctx, "records"), "records");
        }
        if (data.get("json") != null) {
            return fromJson(Inputs.requireString(ctx, "json"), "json");
        }
        if (data.get("csv") != null) {
            return fromCsv(ctx, Inputs.requireString(ctx, "csv"), "csv");
        }
        Attachment file = ctx.attachment("file").orElseThrow(() -> new NonRetryableException(
                "input: no data given; send field 'records' (list of objects), 'json' (a JSON array string),"
                        + " 'csv' (CSV text) or attachment 'file' (text/csv or application/json)"));
        String text = new String(file.bytes(), StandardCharsets.UTF_8);
        String type = file.mediaType().toLowerCase(java.util.Locale.ROOT);
        if (type.startsWith("text/csv") || type.startsWith("text/plain")) {
            return fromCsv(ctx, text, "file");
        }
        if (type.startsWith("application/json")) {
            return fromJson(text, "file");
        }
        throw new NonRetryableException("input.file: media type must be text/csv or application/json (got '"
                + file.mediaType() + "')");
    }

    private static Table fromCsv(TaskContext ctx, String text, String source) {
        String delimiter = Inputs.optString(ctx, "delimiter").orElse(",");
        if (delimiter.equals("\\t")) {
            delimiter = "\t";
        }
        if (delimiter.length() != 1) {
            throw Inputs.bad("delimiter", "must be a single character such as ',' ';' '|' or '\\t'", delimiter);
        }
        return Table.fromCsv(new CsvParser(source, delimiter.charAt(0)).parse(text), source);
    }

    private static Table fromJson(String text, String source) {
        Object parsed;
        try {
            parsed = JSON.readValue(text, Object.class);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new NonRetryableException("input." + source + ": not valid JSON" + where + ": "
                    + e.getOriginalMessage() + "; send a JSON array of objects", e);
        }
        parsed = doubles(parsed, source);
        if (!(parsed instanceof List<?> list)) {
            throw new NonRetryableException("input." + source + ": must be a JSON array of objects (got a "
                    + (parsed == null ? "null" : parsed instanceof Map ? "single object" : parsed.getClass().getSimpleName())
                    + "); wrap a single record in [ ]");
        }
        return Table.fromRecords(list, source);
    }

    /**
     * The parsed JSON with its fractions as doubles, as a plain JSON read gives them, except that
     * a number beyond the range of a double (which such a read makes infinite) is refused here,
     * named by its path and shown as written.
     */
    private static Object doubles(Object value, String path) {
        if (value instanceof BigDecimal || value instanceof BigInteger) {
            double d = ((Number) value).doubleValue();
            if (Double.isInfinite(d)) {
                throw new NonRetryableException("input." + path + ": " + Table.abbreviate(value) + " is " + Table.BEYOND + "; "
                        + Table.WITHIN);
            }
            return value instanceof BigDecimal ? (Object) d : value;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                out.add(doubles(list.get(i), path + "[" + i + "]"));
            }
            return out;
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.put(e.getKey(), doubles(e.getValue(), path + "." + e.getKey()));
            }
            return out;
        }
        return value;
    }
}
