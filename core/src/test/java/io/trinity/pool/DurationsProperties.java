package io.trinity.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

class DurationsProperties {

    /** What the CLI and the docs print must read back as exactly the same duration. */
    @Property(tries = 500, seed = "4242")
    void formatReadsBackExactly(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long nanos) {
        Duration d = Duration.ofNanos(nanos);
        assertThat(Durations.parse(Durations.format(d))).isEqualTo(d);
    }

    @Property(tries = 500, seed = "4243")
    void wholeMillisecondsFormatWithoutIso(@ForAll @LongRange(min = 0, max = 10_000_000_000L) long millis) {
        String text = Durations.format(Duration.ofMillis(millis));
        assertThat(text).matches("0|\\d+(\\.\\d)?(ms|s|m|h|d)");
        assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
    }
}
