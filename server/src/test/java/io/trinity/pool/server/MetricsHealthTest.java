package io.trinity.pool.server;

import static io.trinity.pool.server.TestServers.ACME;
import static io.trinity.pool.server.TestServers.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

    /** The metric names docs/service.md lists under "Metrics", such as {@code trinity_pool_queue_size}. */
    static Set<String> documentedMetrics() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "service.md"));
        int from = doc.indexOf("\n## Metrics");
        assertThat(from).as("docs/service.md has a Metrics section").isPositive();
        int to = doc.indexOf("\n## ", from + 1);
        // a metric name has an underscore: `static` and `unmatched` are label values
        Matcher m = Pattern.compile("`([a-z][a-z0-9]*_[a-z0-9_]+)[{`]").matcher(doc.substring(from, to < 0 ? doc.length() : to));
        Set<String> names = new LinkedHashSet<>();
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    @Test
    void everyMetricTheDocumentListsIsServed() throws Exception {
        Set<String> documented = documentedMetrics();
        assertThat(documented).contains("trinity_pool_tasks_running", "http_server_requests_seconds");
        String gate = UUID.randomUUID().toString();
        // resources close in reverse: the gate opens before the server drains, whatever the test saw
        try (PoolServer server = TestServers.start(2, 10); AutoCloseable opened = () -> TestAgents.open(gate)) {
            Http http = new Http(server.url());
            // a counter is served from its first count: one task that ends makes trinity_pool_tasks_total
            String echo = http.post("/v1/tasks", ACME, "{\"type\": \"echo\"}").json().get("id").asText();
            assertThat(http.get("/v1/tasks/" + echo + "?wait=10s", ACME).json().get("state").asText())
                    .isEqualTo("SUCCEEDED");
            String id = http.post("/v1/tasks", ACME, "{\"type\": \"gate\", \"input\": {\"gate\": \"" + gate + "\"}}")
                    .json().get("id").asText();
            await().atMost(Duration.ofSeconds(20)).until(() -> http.get("/v1/tasks/" + id, ACME).json()
                    .get("state").asText().equals("RUNNING"));
            String body = http.get("/metrics", null).body();
            for (String name : documented) {
                // a timer or counter is served as its _count/_sum or _total series
                assertThat(body).as("/metrics serves " + name).containsPattern("(?m)^" + name + "(_count|_total)?[{ ]");
            }
            assertThat(body).containsPattern("(?m)^trinity_pool_tasks_running 1(\\.0)?$");
            TestAgents.open(gate);
            await().atMost(Duration.ofSeconds(20)).until(() -> http.get("/metrics", null).body()
                    .contains("\ntrinity_pool_tasks_running 0"));
        }
    }

    @Test
    void requestsRefusedBeforeTheHandlerCarryTheRouteTemplate() {
        try (PoolServer server = TestServers.builder(TestAgents.pool(1, 10)).rateLimit(0.001, 3).build().start()) {
            Http http = new Http(server.url());
            assertThat(http.get("/v1/pool", null).status()).isEqualTo(401);
            assertThat(http.get("/v1/pool", ACME).status()).isEqualTo(403);
            assertThat(http.get("/v1/tasks/77", null).status()).isEqualTo(401);
            assertThat(http.get("/v1/events", ACME).status()).isEqualTo(406);
            assertThat(http.send(http.request("/v1/events", ACME).header("Accept", "text/event-stream")
                    .header("Last-Event-ID", "nope").GET()).status()).isEqualTo(400);
            assertThat(http.get("/v1/me", ACME).status()).isEqualTo(429); // the burst of 3 is spent
            assertThat(http.get("/no/such/route/12345", null).status()).isEqualTo(404);

            String body = http.get("/metrics", null).body();
            assertThat(body)
                    .contains("route=\"/v1/pool\",status=\"401\"", "route=\"/v1/pool\",status=\"403\"")
                    .contains("route=\"/v1/tasks/{id}\",status=\"401\"")
                    .contains("route=\"/v1/events\",status=\"406\"", "route=\"/v1/events\",status=\"400\"")
                    .contains("route=\"/v1/me\",status=\"429\"")
                    .contains("route=\"unmatched\",status=\"404\"")
                    .doesNotContain("route=\"static\",status=\"4")
                    .doesNotContain("12345").doesNotContain("/no/such");
        }
    }

    @Test
    void thePoolViewAndTheMetricCountTheSameRejectedTasks() throws Exception {
        String gate = UUID.randomUUID().toString();
        try (PoolServer server = TestServers.start(1, 1); AutoCloseable opened = () -> TestAgents.open(gate)) {
            Http http = new Http(server.url());
            String body = "{\"type\": \"gate\", \"input\": {\"gate\": \"" + gate + "\"}}";
            int refused = 0;
            for (int i = 0; i < 6; i++) {
                if (http.post("/v1/tasks", ACME, body).status() == 429) {
                    refused++;
                }
            }
            assertThat(refused).as("one runs, one waits, the rest find the queue full").isGreaterThanOrEqualTo(3);
            int expected = refused;
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(http.get("/v1/pool", ADMIN).json().get("tasks").get("REJECTED").asInt()).isEqualTo(expected);
                assertThat(http.get("/metrics", null).body())
                        .containsPattern("trinity_pool_tasks_total\\{outcome=\"rejected\",type=\"gate\"\\} " + expected);
            });
        }
    }
}
