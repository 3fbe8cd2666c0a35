package io.trinity.pool.agents.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Statistics of one column. A column is numeric when every present value is a number;
 * otherwise its values are compared as text. Missing means null or an empty/blank string.
 *
 * <p>{@code stddev} is the sample standard deviation (divisor n - 1, 0 for a single value),
 * computed with Welford's update so that large offsets do not cancel out; {@code median} is
 * the middle value, or the mean of the two middle values for an even count.
 */
final class ColumnStats {

    static final int TOP_VALUES = 5;

    private ColumnStats() {
    }

    static Map<String, Object> of(Table table, int column) {
        List<Object> present = new ArrayList<>();
        int missing = 0;
        for (List<Object> row : table.rows()) {
            Object v = row.get(column);
            if (v == null || v instanceof String s && s.isBlank()) {
                missing++;
            } else {
                present.add(v);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", table.columns().get(column));
        boolean numeric = !present.isEmpty() && present.stream().allMatch(v -> v instanceof Number);
        out.put("type", present.isEmpty() ? "empty" : numeric ? "number" : "text");
        out.put("count", (long) present.size());
        out.put("missing", (long) missing);
        if (numeric) {
            double[] values = present.stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray();
            out.put("distinct", Arrays.stream(values).distinct().count());
            numeric(values, out);
        } else {
            Map<String, Long> counts = new HashMap<>();
            for (Object v : present) {
                counts.merge(String.valueOf(v), 1L, Long::sum);
            }
            out.put("distinct", (long) counts.size());
            out.put("top", top(counts));
        }
        return out;
    }

    private static void numeric(double[] values, Map<String, Object> out) {
        double mean = 0;
        double m2 = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        for (int i = 0; i < values.length; i++) {
            double x = values[i];
            double delta = x - mean;
            mean += delta / (i + 1);
            m2 += delta * (x - mean);
            min = Math.min(min, x);
            max = Math.max(max, x);
            sum += x;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        out.put("min", min);
        out.put("max", max);
        out.put("sum", sum);
        out.put("mean", mean);
        out.put("stddev", n > 1 ? Math.sqrt(m2 / (n - 1)) : 0.0);
        out.put("median", median);
    }

    /** The most frequent values, ties broken alphabetically so the answer is stable. */
    private static List<Map<String, Object>> top(Map<String, Long> counts) {
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()))
                .limit(TOP_VALUES)
                .map(e -> valueCount(e.getKey(), e.getValue()))
                .toList();
    }

    /** Insertion-ordered: Map.of iterates in an order that changes from one JVM run to the next. */
    private static Map<String, Object> valueCount(String value, long count) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("value", value);
        m.put("count", count);
        return m;
    }
}
