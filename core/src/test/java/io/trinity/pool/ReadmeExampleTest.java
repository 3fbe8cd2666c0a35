package io.trinity.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The README's library example, verbatim apart from the assertion, so it cannot rot. */
class ReadmeExampleTest {

    @Test
    void theReadmeExampleWorks() {
        Map<String, Object> data;
        try (AgentPool pool = AgentPool.builder()
                .config(PoolConfig.custom().maxAgents(8).warmPool(2).build())
                .register("shout", init -> ctx -> {                       // an agent type: a factory
                    ctx.progress(0.5, "thinking");                         // heartbeat for the health monitor
                    return Payload.of(Map.of("text", ctx.data().get("text").toString().toUpperCase()));
                })
                .build()) {
            TaskHandle handle = pool.submit(Task.builder("shout").input(Map.of("text", "hello")).priority(5).build());
            data = handle.result().join().data();
        }
        assertThat(data).isEqualTo(Map.of("text", "HELLO"));
    }
}
