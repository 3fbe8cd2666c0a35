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
 *
 * <p>Every value is a finite double (the table refuses others), but sums of them need not be:
 * when a partial sum or square passes {@link Double#MAX_VALUE}, the moments are computed again
 * on the values scaled by a power of two, so {@code 1e308, 1e308, -1e308} sums to 1e308 and
 * {@code 1e300, 1e300, -1e300} has a stddev of 1.15e300. A {@code sum} or {@code stddev} whose
 * value itself lies beyond a double is null; {@code min}, {@code max}, {@code mean} and
 * {@code median} always have one.
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
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double x : values) {
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        Moments m = Moments.of(values, 0);
        if (!m.finite()) {
            // a partial sum or square passed the largest double: again, the largest magnitude scaled to 1..2
            m = Moments.of(values, -Math.getExponent(Math.max(-min, max)));
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        out.put("min", min);
        out.put("max", max);
        out.put("sum", finiteOrNull(m.sum()));
        out.put("mean", m.mean());
        Double stddev = n > 1 ? finiteOrNull(Math.scalb(Math.sqrt(m.m2() / (n - 1)), -m.scale())) : Double.valueOf(0);
        out.put("stddev", stddev); // (Double.valueOf: a bare 0.0 would make the ?: unbox a null)
        out.put("median", n % 2 == 1 ? sorted[n / 2] : midpoint(sorted[n / 2 - 1], sorted[n / 2]));
    }

    /**
     * Sum, mean and Welford's sum of squared deviations of {@code values * 2^scale}; the sum and
     * mean are given back unscaled, {@code m2} scaled. Scaling by a power of two is exact (but for
     * values so much smaller than the largest that they turn subnormal, far below the sum's last
     * digit), so a scaled run gives what an unscaled one would have, had its partials fitted a double.
     */
    private record Moments(double sum, double mean, double m2, int scale) {
        static Moments of(double[] values, int scale) {
            double mean = 0;
            double m2 = 0;
            double sum = 0;
            for (int i = 0; i < values.length; i++) {
                double x = scale == 0 ? values[i] : Math.scalb(values[i], scale);
                double delta = x - mean;
                mean += delta / (i + 1);
                m2 += delta * (x - mean);
                sum += x;
            }
            return new Moments(Math.scalb(sum, -scale), Math.scalb(mean, -scale), m2, scale);
        }

        boolean finite() {
            return Double.isFinite(sum) && Double.isFinite(mean) && Double.isFinite(m2);
        }
    }

    /** The mean of two doubles, also when their sum would pass the largest double. */
    static double midpoint(double a, double b) {
        double m = (a + b) / 2;
        return Double.isFinite(m) ? m : a / 2 + b / 2;
    }

    /** A statistic whose value lies beyond the range of a double has none: null. */
    static Double finiteOrNull(double v) {
        return Double.isFinite(v) ? v : null;
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
