package io.trinity.pool.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {

    @Test
    void readsEveryUnit() {
        assertThat(DurationConverter.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(DurationConverter.parse("3s")).isEqualTo(Duration.ofSeconds(3));
        assertThat(DurationConverter.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(DurationConverter.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(DurationConverter.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(DurationConverter.parse("0s")).isEqualTo(Duration.ZERO);
        assertThat(DurationConverter.parse("0")).isEqualTo(Duration.ZERO);
        assertThat(DurationConverter.parse("2d")).isEqualTo(Duration.ofDays(2));
        assertThat(DurationConverter.parse("PT30S")).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void refusesWhatIsNotADuration() {
        for (String bad : new String[] {"5", "3 s", "abc", "", "1.s", "2w"}) {
            assertThatThrownBy(() -> DurationConverter.parse(bad)).as(bad)
                    .isInstanceOf(TypeConversionException.class).hasMessageContaining("'" + bad + "' is not a duration").hasMessageContaining("250ms, 1.5s, 2m");
        }
        assertThatThrownBy(() -> DurationConverter.parse("-3s")).isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("'-3s' is a negative duration").hasMessageContaining("250ms, 1.5s, 2m");
    }

    @Test
    void formatsShort() {
        assertThat(DurationConverter.format(Duration.ofMillis(250))).isEqualTo("250ms");
        assertThat(DurationConverter.format(Duration.ofSeconds(3))).isEqualTo("3s");
        assertThat(DurationConverter.format(Duration.ofMillis(1500))).isEqualTo("1.5s");
        assertThat(DurationConverter.format(Duration.ofMinutes(2))).isEqualTo("2m");
        assertThat(DurationConverter.format(Duration.ofMillis(1234))).isEqualTo("1234ms");
    }
}
