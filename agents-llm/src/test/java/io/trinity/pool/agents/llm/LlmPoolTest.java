package io.trinity.pool.agents.llm;

import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.AgentPool;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.Task;
import io.trinity.pool.TaskHandle;
import io.trinity.pool.agents.testing.FakeOpenAiServer;
import io.trinity.pool.budget.Spend;
import io.trinity.pool.limit.ResourceLimit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** LLM agents in a real pool: their model is a paced resource and their reported usage is the spend. */
class LlmPoolTest {

    @Test
    void llmTasksArePacedAsTheirModelAndChargedWhatTheyReport() throws Exception {
        try (FakeOpenAiServer server = new FakeOpenAiServer()) {
            LlmSettings llm = LlmSettings.builder().provider("local").baseUrl(server.baseUrl())
                    .model("tiny-7b").apiKey("k").timeout(Duration.ofSeconds(20)).build();
            AgentPool pool = AgentPool.builder()
                    .config(PoolConfig.custom().warmPool(0).warmPoolMin(0).price(llm.resourceKey(), 2.0)
                            .resourceLimit(ResourceLimit.of(llm.resourceKey()).withMaxConcurrent(1)).build())
                    .register(LlmAgent.agentType("llm", llm, 100))
                    .build();
            try {
                List<TaskHandle> handles = new ArrayList<>();
                for (String prompt : List.of("a b c", "d e", "f g h i")) {
                    handles.add(pool.submit(Task.builder("llm").tenant("team-a").input(Map.of("prompt", prompt)).build()));
                }
                long tokens = 0;
                for (TaskHandle h : handles) {
                    Map<String, Object> out = h.result().get(60, TimeUnit.SECONDS).data();
                    tokens += ((Number) ((Map<?, ?>) out.get("usage")).get("totalTokens")).longValue();
                }
                assertThat(server.requests).hasSize(3);
                Spend spend = pool.tenantSpend("team-a");
                assertThat(spend.tokens()).isEqualTo(tokens);
                assertThat(spend.tokensByResource()).containsEntry("local:tiny-7b", tokens);
                assertThat(spend.cost()).isCloseTo(tokens * 2.0 / 1000, org.assertj.core.data.Offset.offset(1e-9));
            } finally {
                pool.shutdown(Duration.ofSeconds(5)).get(30, TimeUnit.SECONDS);
            }
        }
    }
}
