package io.trinity.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A task's origin node: validated at the builder, kept by toBuilder and plain data, absent by default. */
class TaskOriginTest {

    @Test
    void originRoundTripsThroughPlainDataAndToBuilder() {
        Task task = Task.builder("code").origin("node-a").affinity("k").build();
        Map<String, Object> plain = task.toPlainData();
        assertThat(plain).containsEntry("origin", "node-a");
        assertThat(Task.fromPlainData(plain).origin()).contains("node-a");
        assertThat(task.toBuilder().build().origin()).contains("node-a");
        assertThat(task.toBuilder().origin(null).build().origin()).isEmpty();
    }

    @Test
    void noOriginLeavesNoKeySoOlderPlainDataStillLoads() {
        Task task = Task.of("code", Map.of("x", 1));
        assertThat(task.origin()).isEmpty();
        Map<String, Object> plain = task.toPlainData();
        assertThat(plain).doesNotContainKey("origin");
        // plain data written before origins existed: no key at all
        Map<String, Object> old = new HashMap<>(plain);
        assertThat(Task.fromPlainData(old).origin()).isEmpty();
    }

    @Test
    void aBadOriginIsRefusedNamingTheFieldTheValueAndWhatToDo() {
        assertThatThrownBy(() -> Task.builder("code").origin("  "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("origin must not be blank (got '  ')")
                .hasMessageContaining("give the submitting node's name");
        assertThatThrownBy(() -> Task.builder("code").origin("n".repeat(Task.MAX_ORIGIN_LENGTH + 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("origin must be at most 128 characters (got 129 characters)");
        assertThatThrownBy(() -> Task.builder("code").origin("node\na"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("origin must not contain control characters (got 'node\\u000aa')");
        assertThat(Task.builder("code").origin("n".repeat(Task.MAX_ORIGIN_LENGTH)).build().origin()).isPresent();
    }

    @Test
    void fromPlainDataAppliesTheSameRule() {
        Map<String, Object> plain = Task.of("code", Map.of()).toPlainData();
        plain.put("origin", "");
        assertThatThrownBy(() -> Task.fromPlainData(plain))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("origin must not be blank");
    }
}
