package io.trinity.pool.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trinity.pool.AgentPool;
import io.trinity.pool.Task;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The built-in types as tri serve registers them. */
class ServerAgentsTest {

    /**
     * POST /v1/tasks refuses a type no agent runs; a coordinator's graph must not get one past
     * it (the pool would run it on its generic fallback).
     */
    @Test
    void theCoordinatorRefusesAGraphNamingATypeTheServerDoesNotRegister() throws Exception {
        io.trinity.pool.PoolBuilder builder = AgentPool.builder();
        ServerAgents.registerBuiltIns(builder);
        AgentPool pool = builder.build();
        try {
            var handle = pool.submit(Task.of("coordinator", Map.of("graph",
                    List.of(Map.of("id", "a", "type", "nope", "input", Map.of())))));
            assertThatThrownBy(() -> handle.result().get(30, TimeUnit.SECONDS))
                    .hasMessageContaining("graph[0].type").hasMessageContaining("nope");
            assertThat(handle.attempts()).as("bad input: not retried").isEqualTo(1);
        } finally {
            pool.shutdown(Duration.ZERO).get(30, TimeUnit.SECONDS);
        }
    }
}
