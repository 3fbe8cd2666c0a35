package io.trinity.pool.agents.data;

import io.trinity.pool.agent.NonRetryableException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Groups rows by the value of one column and computes aggregates per group. Groups come out in
 * the order their key first appears. Missing values are skipped by every function; {@code count}
 * without a column counts rows, with a column counts its present values. A {@code sum} whose
 * value lies beyond the range of a double is null; partial sums that pass it on the way are
 * recomputed scaled, so {@code avg} always has a value.
 */
final class GroupBy {

    enum Fn { SUM, AVG, MIN, MAX, COUNT }

    /** One requested aggregate; {@code column} is null only for a row count. */
    record Aggregate(String column, int index, Fn fn, String name) {
    }

    private GroupBy() {
    }

    /** Reads the {@code aggregates} list: each item {@code {"column":..., "fn":..., "as":...}}. */
    static List<Aggregate> parse(Table table, List<Object> specs) {
        if (specs.isEmpty()) {
            throw new NonRetryableException("input.aggregates: at least one aggregate is required (got an empty list);"
                    + " e.g. [{\"column\":\"amount\",\"fn\":\"sum\"}]");
        }
        List<Aggregate> out = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            String field = "aggregates[" + i + "]";
            if (!(specs.get(i) instanceof Map<?, ?> spec)) {
                throw new NonRetryableException("input." + field + ": must be an object like"
                        + " {\"column\":\"amount\",\"fn\":\"sum\"} (got " + specs.get(i) + ")");
            }
            Object fnValue = spec.get("fn");
            Fn fn;
            try {
                fn = Fn.valueOf(String.valueOf(fnValue).toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new NonRetryableException("input." + field + ".fn: must be one of sum, avg, min, max, count (got "
                        + (fnValue == null ? "nothing" : "'" + fnValue + "'") + ")");
            }
            Object columnValue = spec.get("column");
            if (columnValue == null && fn != Fn.COUNT) {
                throw new NonRetryableException("input." + field + ".column: required for fn '"
                        + fn.name().toLowerCase(Locale.ROOT) + "' (got nothing); columns: " + String.join(", ", table.columns()));
            }
            String column = columnValue == null ? null : String.valueOf(columnValue);
            int index = column == null ? -1 : table.columnIndex(column, field + ".column");
            String fnName = fn.name().toLowerCase(Locale.ROOT);
            String name = spec.get("as") instanceof String as && !as.isBlank() ? as
                    : column == null ? fnName : column + "_" + fnName;
            out.add(new Aggregate(column, index, fn, name));
        }
        return out;
    }

    static List<Map<String, Object>> run(Table table, String by, int byIndex, List<Aggregate> aggregates) {
        Map<Object, List<Integer>> groups = new LinkedHashMap<>();
        for (int r = 0; r < table.rows().size(); r++) {
            Object key = table.rows().get(r).get(byIndex);
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
        }
        List<Map<String, Object>> out = new ArrayList<>(groups.size());
        for (Map.Entry<Object, List<Integer>> group : groups.entrySet()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put(by, group.getKey());
            row.put("rows", (long) group.getValue().size());
            for (Aggregate a : aggregates) {
                row.put(a.name(), aggregate(table, group.getValue(), a));
            }
            out.add(row);
        }
        return out;
    }

    private static Object aggregate(Table table, List<Integer> rows, Aggregate a) {
        if (a.fn() == Fn.COUNT && a.index() < 0) {
            return (long) rows.size();
        }
        long n = 0;
        double sum = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int r : rows) {
            Object v = table.rows().get(r).get(a.index());
            if (v == null || v instanceof String s && s.isBlank()) {
                continue;
            }
            n++;
            if (a.fn() == Fn.COUNT) {
                continue;
            }
            if (!(v instanceof Number number)) {
                throw new NonRetryableException("input.aggregates: fn '" + a.fn().name().toLowerCase(Locale.ROOT)
                        + "' needs numbers but column '" + a.column() + "' holds '" + v + "' at " + table.rowName(r)
                        + "; use fn 'count' for text columns");
            }
            double d = number.doubleValue();
            sum += d;
            min = Math.min(min, d);
            max = Math.max(max, d);
        }
        double avg = sum / n;
        if (n > 0 && !Double.isFinite(sum)) {
            // a partial sum passed the largest double: again, the largest magnitude scaled to 1..2
            // (by a power of two: exact), so the average is always found, the sum when it fits
            int scale = -Math.getExponent(Math.max(-min, max));
            double scaled = 0;
            for (int r : rows) {
                if (table.rows().get(r).get(a.index()) instanceof Number number) {
                    scaled += Math.scalb(number.doubleValue(), scale);
                }
            }
            sum = Math.scalb(scaled, -scale);
            avg = Math.scalb(scaled / n, -scale);
        }
        return switch (a.fn()) {
            case COUNT -> n;
            // a sum beyond the range of a double has no value: null
            case SUM -> ColumnStats.finiteOrNull(sum);
            // With no values there is no average, minimum or maximum: null, not a made-up 0.
            case AVG -> n == 0 ? null : avg;
            case MIN -> n == 0 ? null : min;
            case MAX -> n == 0 ? null : max;
        };
    }
}
