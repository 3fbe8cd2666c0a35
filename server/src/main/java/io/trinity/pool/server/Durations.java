package io.trinity.pool.server;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as the API writes them: {@code 250ms}, {@code 30s}, {@code 2m}, {@code 1h}, or ISO-8601 {@code PT30S}. */
final class Durations {

    private static final Pattern SHORT = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

    private Durations() {
    }

    /** Parses {@code text}; the exception names {@code field} and the forms allowed. */
    static Duration parse(String field, String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        Matcher m = SHORT.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        }
        if (t.startsWith("pt") && t.length() < 40) {
            try {
                return Duration.parse(t.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException ignored) {
                // falls through to the message below
            }
        }
        throw ApiError.badRequest(field, field + " must be a duration such as 250ms, 30s, 2m or 1h (got "
                + Views.quote(text) + ")");
    }

    /** {@link #parse} with bounds, inclusive. */
    static Duration parse(String field, String text, Duration min, Duration max) {
        Duration d = parse(field, text);
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw ApiError.badRequest(field, field + " must be between " + format(min) + " and " + format(max)
                    + " (got " + Views.quote(text) + ")");
        }
        return d;
    }

    static String format(Duration d) {
        if (d.toMillis() % 1000 != 0) {
            return d.toMillis() + "ms";
        }
        long s = d.toSeconds();
        return s % 3600 == 0 && s > 0 ? s / 3600 + "h" : s % 60 == 0 && s > 0 ? s / 60 + "m" : s + "s";
    }
}
