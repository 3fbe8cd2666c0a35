package io.trinity.pool.agents.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trinity.pool.agent.NonRetryableException;
import io.trinity.pool.agents.testing.FakeTaskContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InputsTest {

    @Test
    void readsPresentFieldsAndDefaultsAbsentOnes() {
        FakeTaskContext ctx = FakeTaskContext.of("t", Map.of("op", "stats", "k", 7, "ratio", 0.5,
                "items", List.of(1, 2), "opts", Map.of("a", true)));

        assertThat(Inputs.requireString(ctx, "op")).isEqualTo("stats");
        assertThat(Inputs.optString(ctx, "missing")).isEmpty();
        assertThat(Inputs.optLong(ctx, "k", 3, 1, 10)).isEqualTo(7);
        assertThat(Inputs.optLong(ctx, "absent", 3, 1, 10)).isEqualTo(3);
        assertThat(Inputs.optDouble(ctx, "ratio", 1.0, 0.0, 1.0)).isEqualTo(0.5);
        assertThat(Inputs.requireList(ctx, "items")).containsExactly(1L, 2L);
        assertThat(Inputs.requireMap(ctx, "opts")).containsEntry("a", true);
    }

    @Test
    void badInputNamesTheFieldTheProblemAndTheValue() {
        FakeTaskContext ctx = FakeTaskContext.of("t", Map.of("op", "", "k", 2.5, "n", 99, "text", "x".repeat(200)));

        assertThatThrownBy(() -> Inputs.requireString(ctx, "op")).isInstanceOf(NonRetryableException.class)
                .hasMessage("input.op: a non-empty string is required (got '')");
        assertThatThrownBy(() -> Inputs.optLong(ctx, "k", 3, 1, 10))
                .hasMessage("input.k: must be an integer (got 2.5)");
        assertThatThrownBy(() -> Inputs.optLong(ctx, "n", 3, 1, 10))
                .hasMessage("input.n: must be between 1 and 10 (got 99)");
        assertThatThrownBy(() -> Inputs.requireList(ctx, "absent"))
                .hasMessage("input.absent: a list is required (got nothing)");
        assertThatThrownBy(() -> Inputs.requireMap(ctx, "text"))
                .hasMessage("input.text: an object is required (got '" + "x".repeat(77) + "...')");
        assertThatThrownBy(() -> Inputs.requireAttachment(ctx, "image"))
                .hasMessage("input.image: attachment missing (attachments present: [])");
    }
}
