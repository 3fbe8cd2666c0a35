package io.trinity.pool.micrometer;

import io.trinity.pool.agents.testing.ScriptedAgent;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.trinity.pool.AgentPool;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.Task;
import io.trinity.pool.limit.ResourceLimit;
import io.trinity.pool.time.VirtualClock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusScrapeTest {

    @Test
    void aScrapeListsEveryMeterWithItsTagsAndTheTimersHistogramBuckets() {
        VirtualClock clock = new VirtualClock();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        TrinityPoolMetrics metrics = TrinityPoolMetrics.builder().tags("pool", "main").build();
        metrics.bindTo(registry);
        AgentPool pool = AgentPool.builder()
                .config(PoolConfig.custom().maxAgents(4).warmPool(1).warmPoolMin(1).warmPoolMax(2).queueCapacity(100)
                        .idleTimeout(Duration.ofSeconds(5)).scaleDownWindow(Duration.ofSeconds(5))
                        .resourceLimit(ResourceLimit.of("openai:gpt-4o").withMaxConcurrent(1)).build())
                .deterministic(clock)
                .register("code", ScriptedAgent.factory(clock))
                .listener(metrics)
                .build();
        for (int i = 0; i < 20; i++) {
            pool.submit(Task.builder("code").input(Map.of("ms", 1_500)).tenant("acme")
                    .resource("openai:gpt-4o", i % 2 == 0 ? 10 : 0).build());
        }
        clock.advance(Duration.ofSeconds(2));
        String during = registry.scrape();
        clock.advance(Duration.ofSeconds(60));
        pool.close();
        String after = registry.scrape();

        assertThat(during).contains(
                "trinity_pool_agents{pool=\"main\",state=\"busy\",type=\"code\"}",
                "trinity_pool_queue_size{pool=\"main\",type=\"code\"}",
                "trinity_pool_tenant_running{pool=\"main\",tenant=\"acme\"}",
                "trinity_pool_tenant_running{pool=\"main\",tenant=\"other\"}",
                "trinity_pool_resource_waiting{pool=\"main\",resource=\"openai:gpt-4o\"}");
        assertThat(after).contains(
                "trinity_pool_tasks_total{outcome=\"succeeded\",pool=\"main\",type=\"code\"} 20",
                "trinity_pool_task_wait_seconds_bucket{pool=\"main\",type=\"code\",le=",
                "trinity_pool_task_wait_seconds_count{pool=\"main\",type=\"code\"} 20",
                "trinity_pool_task_wait_seconds_max{pool=\"main\",type=\"code\"}",
                "trinity_pool_task_run_seconds_bucket{pool=\"main\",type=\"code\",le=",
                "trinity_pool_task_run_seconds_count{pool=\"main\",type=\"code\"} 20",
                "trinity_pool_spawns_total{cause=\"warm_pool\",pool=\"main\",type=\"code\"}",
                "trinity_pool_destroys_total{pool=\"main\",reason=\"shutdown\",type=\"code\"}",
                "trinity_pool_scale_decisions_total{pool=\"main\",type=\"code\"}");
    }
}
