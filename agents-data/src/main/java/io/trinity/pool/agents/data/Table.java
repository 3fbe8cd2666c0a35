package io.trinity.pool.agents.data;

import io.trinity.pool.agent.NonRetryableException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Tabular data as the data agent sees it: named columns, and rows of plain values (String,
 * Long, Double, BigDecimal, Boolean, or null for a missing value). CSV cells are text, so a
 * CSV column whose every non-empty cell is a decimal number is turned into numbers; an empty
 * CSV cell is a missing value. JSON values keep their own types.
 *
 * @param columns column names in first-seen order
 * @param rows    one list per row, aligned with {@code columns}
 * @param lines   for CSV, the source line of each row (for messages); empty for JSON
 */
record Table(List<String> columns, List<List<Object>> rows, List<Integer> lines) {

    // Plain decimal notation only: Double.parseDouble would also take "NaN", "Infinity" and
    // hex, which in a data file are text, not numbers.
    private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?");
    /** Why a number is refused: every statistic is computed with doubles. */
    static final String BEYOND = "beyond the range of a double (magnitude at most " + Double.MAX_VALUE + ")";
    static final String WITHIN = "send numbers within it";

    static Table fromCsv(List<CsvParser.Row> parsed, String source) {
        if (parsed.isEmpty()) {
            throw new NonRetryableException("input." + source + ": no header line found (the CSV is empty);"
                    + " the first line must name the columns");
        }
        List<String> columns = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        List<String> header = parsed.get(0).fields();
        for (int c = 0; c < header.size(); c++) {
            String name = header.get(c).strip();
            if (name.isEmpty()) {
                name = "column" + (c + 1);
            }
            if (!seen.add(name)) {
                throw new NonRetryableException("input." + source + ": column name '" + name
                        + "' appears twice in the header; give every column a distinct name");
            }
            columns.add(name);
        }
        List<List<Object>> rows = new ArrayList<>(parsed.size() - 1);
        List<Integer> lines = new ArrayList<>(parsed.size() - 1);
        for (CsvParser.Row row : parsed.subList(1, parsed.size())) {
            List<Object> values = new ArrayList<>(row.fields().size());
            for (String cell : row.fields()) {
                values.add(cell.isBlank() ? null : cell);
            }
            rows.add(values);
            lines.add(row.line());
        }
        for (int c = 0; c < columns.size(); c++) {
            if (allNumeric(rows, c)) {
                for (int r = 0; r < rows.size(); r++) {
                    List<Object> row = rows.get(r);
                    Object v = row.get(c);
                    if (v != null) {
                        double d = Double.parseDouble(((String) v).strip());
                        if (Double.isInfinite(d)) {
                            throw new NonRetryableException("input." + source + ": column '" + columns.get(c)
                                    + "' holds " + abbreviate(((String) v).strip()) + " at line " + lines.get(r)
                                    + ", " + BEYOND + "; " + WITHIN);
                        }
                        row.set(c, d);
                    }
                }
            }
        }
        return new Table(List.copyOf(columns), freeze(rows), List.copyOf(lines));
    }

    /** Builds a table from a list of JSON objects; columns are the union of their keys. */
    static Table fromRecords(List<?> records, String source) {
        Set<String> columns = new LinkedHashSet<>();
        for (int r = 0; r < records.size(); r++) {
            if (!(records.get(r) instanceof Map<?, ?> m)) {
                Object v = records.get(r);
                throw new NonRetryableException("input." + source + "[" + r + "]: every record must be an object"
                        + " (got " + (v == null ? "null" : v.getClass().getSimpleName() + " " + abbreviate(v)) + ")");
            }
            for (Object key : m.keySet()) {
                columns.add(String.valueOf(key));
            }
        }
        List<String> names = List.copyOf(columns);
        List<List<Object>> rows = new ArrayList<>(records.size());
        for (int r = 0; r < records.size(); r++) {
            Map<?, ?> m = (Map<?, ?>) records.get(r);
            List<Object> values = new ArrayList<>(names.size());
            for (String name : names) {
                Object v = m.get(name);
                if (v instanceof Number n && !Double.isFinite(n.doubleValue())) {
                    throw new NonRetryableException("input." + source + "[" + r + "]." + name + ": "
                            + abbreviate(v) + " is " + BEYOND + "; " + WITHIN);
                }
                values.add(v);
            }
            rows.add(values);
        }
        return new Table(names, freeze(rows), List.of());
    }

    int columnIndex(String name, String field) {
        int i = columns.indexOf(name);
        if (i < 0) {
            throw new NonRetryableException("input." + field + ": no column named '" + name + "' (columns: "
                    + String.join(", ", columns) + ")");
        }
        return i;
    }

    /** Where row {@code r} came from, for messages: "line 7" for CSV, "record 5" for JSON. */
    String rowName(int r) {
        return lines.isEmpty() ? "record " + r : "line " + lines.get(r);
    }

    private static boolean allNumeric(List<List<Object>> rows, int c) {
        boolean any = false;
        for (List<Object> row : rows) {
            Object v = row.get(c);
            if (v != null) {
                if (!NUMBER.matcher(((String) v).strip()).matches()) {
                    return false;
                }
                any = true;
            }
        }
        return any;
    }

    private static List<List<Object>> freeze(List<List<Object>> rows) {
        List<List<Object>> out = new ArrayList<>(rows.size());
        for (List<Object> row : rows) {
            out.add(Collections.unmodifiableList(row));
        }
        return Collections.unmodifiableList(out);
    }

    static String abbreviate(Object v) {
        String s = String.valueOf(v);
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
