package io.trinity.pool.agents.pool;

import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.AgentPool;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.Task;
import io.trinity.pool.agents.BuiltInAgents;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The coordinator fanning out to three real agent types in a real pool, one subtask failing. */
class CoordinatorPoolTest {

    @Test
    void fansOutAcrossThreeTypesAndReportsTheFailedSubtask() throws Exception {
        AgentPool pool = BuiltInAgents.registerAll(AgentPool.builder()
                .config(PoolConfig.custom().warmPool(0).warmPoolMin(0).build())).build();
        try {
            List<Object> graph = List.of(
                    Map.of("id", "stats", "type", "data",
                            "input", Map.of("op", "stats", "csv", "city,temp\nOslo,4\nRome,18\nCairo,29\n")),
                    Map.of("id", "words", "type", "generic",
                            "input", Map.of("op", "count", "text", "The pool grows. The pool shrinks.")),
                    Map.of("id", "compile", "type", "code",
                            "input", Map.of("source", "class A { int f(int x) { if (x > 0) { return 1; } return 0; } }")),
                    Map.of("id", "broken", "type", "data", "input", Map.of("op", "stats", "csv", "a,b\n\"unterminated,1\n")),
                    Map.of("id", "after", "type", "generic", "input", Map.of("op", "count", "text", "x"),
                            "after", List.of("broken")));
            Map<String, Object> out = pool.submit(Task.of("coordinator", Map.of("graph", graph)))
                    .result().get(120, TimeUnit.SECONDS).data();
            assertThat(out).containsEntry("total", 5L).containsEntry("succeeded", 3L)
                    .containsEntry("failed", 1L).containsEntry("skipped", 1L);
            @SuppressWarnings("unchecked")
            Map<String, Map<String, Object>> subtasks = (Map<String, Map<String, Object>>) out.get("subtasks");
            assertThat(subtasks.get("broken").get("state")).isEqualTo("failed");
            assertThat((String) subtasks.get("broken").get("reason")).contains("unterminated");
            assertThat(subtasks.get("after").get("state")).isEqualTo("skipped");
            @SuppressWarnings("unchecked")
            Map<String, Object> words = (Map<String, Object>) subtasks.get("words").get("output");
            assertThat(words.get("words")).isEqualTo(6L);
            assertThat(subtasks.get("compile").get("state")).isEqualTo("succeeded");
        } finally {
            pool.shutdown(Duration.ofSeconds(5)).get(30, TimeUnit.SECONDS);
        }
    }
}
