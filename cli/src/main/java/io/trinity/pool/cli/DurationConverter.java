package io.trinity.pool.cli;

import io.trinity.pool.Durations;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads duration flags in the project's one grammar ({@link Durations}: {@code 250ms},
 * {@code 1.5s}, {@code 2m}, {@code 1h}, {@code 0}, {@code PT30S}), so a value that works in a
 * config file works on the command line too. Zero is accepted here; each option decides
 * whether zero makes sense for it.
 */
final class DurationConverter implements ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    static Duration parse(String value) {
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }

    /** The short form used in output, which reads back as the same duration: {@code 250ms}, {@code 1.5s}, {@code 2m}. */
    static String format(Duration d) {
        return Durations.format(d);
    }
}
