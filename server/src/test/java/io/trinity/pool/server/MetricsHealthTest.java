package io.trinity.pool.server;

import static io.trinity.pool.server.TestServers.ACME;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** /healthz, /readyz, /metrics and the dashboard's files are public. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MetricsHealthTest {

    @Test
    void healthReadinessMetricsAndDashboard() {
        try (PoolServer server = TestServers.start(2, 10)) {
            Http http = new Http(server.url());
            assertThat(http.get("/healthz", null).json().get("status").asText()).isEqualTo("up");
            assertThat(http.get("/readyz", null).json().get("status").asText()).isEqualTo("ready");

            String id = http.post("/v1/tasks", ACME, "{\"type\": \"echo\"}").json().get("id").asText();
            http.get("/v1/tasks/" + id + "?wait=10s", ACME);
            http.get("/v1/tasks/404404", ACME);

            Http.Answer m = http.get("/metrics", null);
            assertThat(m.status()).isEqualTo(200);
            assertThat(m.header("Content-Type")).startsWith("text/plain");
            assertThat(m.body())
                    .contains("jvm_memory_used_bytes", "process_uptime_seconds", "jvm_threads_live_threads")
                    .contains("http_server_requests_seconds_count{method=\"POST\",route=\"/v1/tasks\",status=\"202\"}")
                    .contains("route=\"/v1/tasks/{id}\",status=\"404\"")
                    .containsPattern("trinity_pool_tasks_total\\{outcome=\"succeeded\",type=\"echo\"\\} 1")
                    .containsPattern("trinity_pool_agents\\{state=\"ready\",type=\"echo\"\\} [0-9]")
                    .contains("trinity_pool_queue_size{type=\"echo\"}");
            assertThat(m.body()).doesNotContain("404404");
            // the pool gauges keep their state after a collection (gauges hold it weakly unless told not to)
            for (int i = 0; i < 3; i++) {
                System.gc();
            }
            assertThat(http.get("/metrics", null).body())
                    .containsPattern("trinity_pool_agents\\{state=\"ready\",type=\"echo\"\\} [0-9]")
                    .containsPattern("trinity_pool_queue_size\\{type=\"echo\"\\} [0-9]");

            Http.Answer page = http.get("/", null);
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.body()).contains("Trinity Agent Pool", "vendor/uPlot.iife.min.js", "app.js");
            assertThat(http.get("/vendor/uPlot.iife.min.js", null).body()).startsWith("/*! https://github.com/leeoniya/uPlot (v1.6.32)");
            assertThat(http.get("/app.js", null).status()).isEqualTo(200);
        }
    }
}
