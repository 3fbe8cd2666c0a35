package io.trinity.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void readsEveryUnitZeroAndIso() {
        assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Durations.parse("3s")).isEqualTo(Duration.ofSeconds(3));
        assertThat(Durations.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Durations.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Durations.parse("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(Durations.parse("0")).isEqualTo(Duration.ZERO);
        assertThat(Durations.parse("0s")).isEqualTo(Duration.ZERO);
        assertThat(Durations.parse(" 30s ")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("PT30S")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("pt1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse("P1D")).isEqualTo(Duration.ofDays(1));
    }

    @Test
    void decimalsAreExactNotFloatingPoint() {
        assertThat(Durations.parse("0.1s")).isEqualTo(Duration.ofMillis(100));
        assertThat(Durations.parse("2.675h")).isEqualTo(Duration.ofSeconds(9630));
        assertThat(Durations.parse("0.0005ms")).isEqualTo(Duration.ofNanos(500));
        assertThat(Durations.parse("0.000001ms")).isEqualTo(Duration.ofNanos(1));
        assertThat(Durations.parse("0.0000000006s")).as("rounds up to 1 ns").isEqualTo(Duration.ofNanos(1));
        assertThat(Durations.parse("0.000s")).isEqualTo(Duration.ZERO);
    }

    @Test
    void refusesAValueThatIsNotZeroButRoundsToZero() {
        // silently PT0S, it would be refused as "must be > 0 (got PT0S)", or mean "none" where 0 is allowed
        assertThatThrownBy(() -> Durations.parse("0.0000000001s"))
                .hasMessage("'0.0000000001s' is shorter than a nanosecond, the finest time the pool counts; write 0 for"
                        + " none, or at least 0.000001ms");
    }

    @Test
    void refusesAnythingElseNamingTheValueAndTheForms() {
        for (String bad : new String[] {"5", "3 s", "abc", "", "1.s", ".5s", "2w", "1e3ms", "30S", "PT", "1h30m"}) {
            assertThatThrownBy(() -> Durations.parse(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("'" + bad + "' is not a duration")
                    .hasMessageContaining("250ms, 1.5s, 2m, 1h, 1d, 0 or ISO-8601 such as PT30S");
        }
        assertThatThrownBy(() -> Durations.parse(null)).hasMessageStartingWith("null is not a duration");
    }

    @Test
    void refusesNegativeAndTooLong() {
        assertThatThrownBy(() -> Durations.parse("PT-5S")).hasMessageStartingWith("'PT-5S' is a negative duration");
        assertThatThrownBy(() -> Durations.parse("-PT5S")).hasMessageStartingWith("'-PT5S' is a negative duration");
        for (String negative : new String[] {"-5s", "-3s", "-1.5m", "-250ms"}) {
            assertThatThrownBy(() -> Durations.parse(negative)).as(negative)
                    .hasMessage("'" + negative + "' is a negative duration; durations here are lengths of time, write one"
                            + " such as 250ms, 1.5s, 2m, 1h, 1d, 0 or ISO-8601 such as PT30S");
        }
        assertThatThrownBy(() -> Durations.parse("200000d"))
                .hasMessage("'200000d' is too long a duration; the longest is 106751d");
        assertThatThrownBy(() -> Durations.parse("P200000D")).hasMessageContaining("too long");
        assertThat(Durations.parse("106751d")).isEqualTo(Duration.ofDays(106751));
    }

    @Test
    void formatsTheShortestForm() {
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0");
        assertThat(Durations.format(Duration.ofMillis(250))).isEqualTo("250ms");
        assertThat(Durations.format(Duration.ofSeconds(3))).isEqualTo("3s");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1.5s");
        assertThat(Durations.format(Duration.ofMillis(1234))).isEqualTo("1234ms");
        assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(Durations.format(Duration.ofMinutes(2))).isEqualTo("2m");
        assertThat(Durations.format(Duration.ofHours(1))).isEqualTo("1h");
        assertThat(Durations.format(Duration.ofDays(2))).isEqualTo("2d");
        assertThat(Durations.format(Duration.ofNanos(1500))).isEqualTo("PT0.0000015S");
    }
}
