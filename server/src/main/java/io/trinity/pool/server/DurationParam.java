package io.trinity.pool.server;

import io.trinity.pool.Durations;
import java.time.Duration;

/**
 * A duration the API takes ({@code timeout}, {@code ?wait=}): written in the project's one
 * grammar ({@link Durations#parse}: {@code 250ms}, {@code 1.5s}, {@code 2m}, {@code 1h},
 * {@code 7d}, {@code 0}, ISO {@code PT30S}), then held to the server's bounds. A text that is not
 * a duration and one out of range get different messages, each naming the field and the value.
 */
final class DurationParam {

    private DurationParam() {
    }

    /** Parses {@code text} and checks {@code min <= d <= max}; a 400 naming {@code field} otherwise. */
    static Duration parse(String field, String text, Duration min, Duration max) {
        Duration d;
        try {
            d = Durations.parse(text);
        } catch (IllegalArgumentException e) { // its message would echo the text whole: quote it short instead
            throw ApiError.badRequest(field, field + " must be a duration such as " + Durations.FORMS + " (got "
                    + Views.quote(text) + ")");
        }
        if (d.compareTo(min) < 0) {
            throw ApiError.badRequest(field, field + " must be at least " + Durations.format(min) + " (got "
                    + Views.quote(text) + ")");
        }
        if (d.compareTo(max) > 0) {
            throw ApiError.badRequest(field, field + " must be at most " + Durations.format(max) + " (got "
                    + Views.quote(text) + ")");
        }
        return d;
    }
}
