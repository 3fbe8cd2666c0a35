package io.trinity.pool;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one way durations are written in this project: in configuration files, environment
 * variables, Spring properties and on the command line.
 *
 * <table>
 *   <caption>Accepted forms</caption>
 *   <tr><th>form</th><th>examples</th></tr>
 *   <tr><td>a number and a unit: {@code ms}, {@code s}, {@code m}, {@code h}, {@code d}</td>
 *       <td>{@code 250ms}, {@code 1.5s}, {@code 2m}, {@code 1h}, {@code 7d}</td></tr>
 *   <tr><td>zero alone</td><td>{@code 0}</td></tr>
 *   <tr><td>ISO-8601, as {@link Duration#parse}</td><td>{@code PT30S}, {@code PT1M30S}, {@code P1D}</td></tr>
 * </table>
 *
 * <p>A bare number other than zero is refused because its unit would be a guess (seconds to one
 * reader, milliseconds to another). Negative durations are refused: every setting here is a
 * length of time. The longest duration is the one that fits in a {@code long} of nanoseconds
 * (about 292 years), since the pool's clock counts in nanoseconds.
 */
public final class Durations {

    /** The accepted forms, as error messages and help text show them. */
    public static final String FORMS = "250ms, 1.5s, 2m, 1h, 1d, 0 or ISO-8601 such as PT30S";

    private static final Pattern UNIT_FORM = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h|d)");
    private static final BigDecimal MAX_NANOS = BigDecimal.valueOf(Long.MAX_VALUE);

    private Durations() {
    }

    /**
     * Reads {@code text} in one of the accepted forms; surrounding spaces are ignored. A value
     * with a unit is rounded to the nearest nanosecond ({@code 1.5s} is exactly 1,500 ms); one
     * that is not zero but would round to zero ({@code 0.0000000001s}) is refused, since zero
     * means something else.
     *
     * @param text the duration as written, such as {@code 250ms} or {@code PT30S}; null is
     *     refused like any other text that is not a duration
     * @return the duration, never negative and never longer than {@code Long.MAX_VALUE}
     *     nanoseconds
     * @throws IllegalArgumentException naming the text and the accepted forms, if it is null,
     *     blank, a bare number other than 0, negative ({@code -5s}, {@code PT-5S}), shorter than a
     *     nanosecond but not 0, too long, or not a duration at all
     */
    public static Duration parse(String text) {
        String t = text == null ? "" : text.strip();
        if (t.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = UNIT_FORM.matcher(t);
        if (m.matches()) {
            BigDecimal amount = new BigDecimal(m.group(1));
            BigDecimal nanos = amount.multiply(BigDecimal.valueOf(unitNanos(m.group(2))))
                    .setScale(0, RoundingMode.HALF_UP);
            if (nanos.compareTo(MAX_NANOS) > 0) {
                throw tooLong(text);
            }
            if (nanos.signum() == 0 && amount.signum() != 0) {
                // Rounded to 0 it would mean "none" (or be refused as 0), which is not what was written.
                throw new IllegalArgumentException(quote(text) + " is shorter than a nanosecond, the finest time the"
                        + " pool counts; write 0 for none, or at least 0.000001ms");
            }
            return Duration.ofNanos(nanos.longValueExact());
        }
        if (t.startsWith("-") && UNIT_FORM.matcher(t.substring(1)).matches()) {
            throw negative(text);
        }
        Duration d;
        try {
            d = Duration.parse(t);
        } catch (DateTimeParseException e) {
            throw notADuration(text);
        }
        if (d.isNegative()) {
            throw negative(text);
        }
        try {
            d.toNanos();
        } catch (ArithmeticException e) {
            throw tooLong(text);
        }
        return d;
    }

    /**
     * The shortest text {@link #parse} reads back to exactly {@code d}: {@code 250ms},
     * {@code 1.5s}, {@code 2m}, {@code 1h}, {@code 1d}, {@code 0}; sub-millisecond durations
     * in ISO-8601.
     *
     * @param d the duration, not null and not negative
     * @return its shortest text in the accepted forms, never null
     * @throws IllegalArgumentException if {@code d} is negative
     */
    public static String format(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("cannot format a negative duration (got " + d + ")");
        }
        if (d.isZero()) {
            return "0";
        }
        if (d.getNano() % 1_000_000 != 0) {
            return d.toString();
        }
        long ms = d.toMillis();
        long[] units = {86_400_000L, 3_600_000L, 60_000L, 1_000L};
        String[] names = {"d", "h", "m", "s"};
        for (int i = 0; i < units.length; i++) {
            if (ms % units[i] == 0) {
                return ms / units[i] + names[i];
            }
        }
        // One decimal of seconds reads better than four digits of milliseconds (1.5s, not 1500ms).
        if (ms >= 1_000 && ms % 100 == 0) {
            return BigDecimal.valueOf(ms, 3).stripTrailingZeros().toPlainString() + "s";
        }
        return ms + "ms";
    }

    private static long unitNanos(String unit) {
        return switch (unit) {
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            default -> 86_400_000_000_000L;
        };
    }

    private static IllegalArgumentException notADuration(String text) {
        return new IllegalArgumentException(quote(text) + " is not a duration; write a number and a unit (ms, s, m, h, d)"
                + " such as " + FORMS);
    }

    private static IllegalArgumentException negative(String text) {
        return new IllegalArgumentException(quote(text) + " is a negative duration; durations here are lengths"
                + " of time, write one such as " + FORMS);
    }

    private static IllegalArgumentException tooLong(String text) {
        return new IllegalArgumentException(quote(text) + " is too long a duration; the longest is "
                + format(Duration.ofNanos(Long.MAX_VALUE).truncatedTo(java.time.temporal.ChronoUnit.DAYS)));
    }

    private static String quote(String text) {
        return text == null ? "null" : "'" + text + "'";
    }

    /**
     * The nanoseconds of {@code d}, saturating instead of overflowing: a duration of about 292
     * years or more (such as {@code ChronoUnit.FOREVER.getDuration()}) gives
     * {@link Long#MAX_VALUE} ({@link Long#MIN_VALUE} when negative). Timers and limits use it so
     * an enormous setting means "never" rather than an {@link ArithmeticException}.
     *
     * @param d the duration, not null
     * @return its nanoseconds, clamped to the range of {@code long}
     */
    public static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException tooLong) {
            return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }
}
