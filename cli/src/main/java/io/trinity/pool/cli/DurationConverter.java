package io.trinity.pool.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads durations the way people write them: {@code 250ms}, {@code 3s}, {@code 1.5s},
 * {@code 2m}, {@code 1h}. A bare number is refused because its unit would be a guess.
 * Zero is accepted here; each option decides whether zero makes sense for it.
 */
final class DurationConverter implements ITypeConverter<Duration> {

    private static final Pattern FORMAT = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    static Duration parse(String value) {
        String v = value == null ? "" : value.trim();
        Matcher m = FORMAT.matcher(v);
        if (!m.matches()) {
            throw new TypeConversionException("'" + value + "' is not a duration; write a number and a unit,"
                    + " such as 250ms, 3s, 1.5s, 2m or 1h");
        }
        double amount = Double.parseDouble(m.group(1));
        long unitMillis = switch (m.group(2)) {
            case "ms" -> 1;
            case "s" -> 1_000;
            case "m" -> 60_000;
            default -> 3_600_000;
        };
        double millis = amount * unitMillis;
        if (millis > Long.MAX_VALUE / 1_000_000.0) {
            throw new TypeConversionException("'" + value + "' is too long a duration");
        }
        return Duration.ofNanos(Math.round(millis * 1_000_000));
    }

    /** The short form used in output: {@code 250ms}, {@code 3s}, {@code 1.5s}, {@code 2m}. */
    static String format(Duration d) {
        long ms = d.toMillis();
        if (ms < 1_000 || ms % 100 != 0) {
            return ms + "ms";
        }
        if (ms % 60_000 == 0 && ms >= 60_000) {
            return ms % 3_600_000 == 0 ? ms / 3_600_000 + "h" : ms / 60_000 + "m";
        }
        return ms % 1_000 == 0 ? ms / 1_000 + "s" : (ms / 100) / 10.0 + "s";
    }
}
