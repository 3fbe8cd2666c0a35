package io.trinity.pool.server;

import static io.trinity.pool.server.TestServers.ACME;
import static io.trinity.pool.server.TestServers.GLOBEX;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link PoolServer#submit} and {@link PoolServer#read}, the {@code POST /v1/tasks} and
 * {@code GET /v1/tasks/{id}} a cluster node's front makes without HTTP, answer what the HTTP
 * routes answer: the same status, error body and headers for the same request, over the same key
 * limits, idempotency keys and task index.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DirectCallsTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode json(PoolServer.Answer a) throws Exception {
        return Http.JSON.readTree(a.body());
    }

    @Test
    void anAcceptedTaskIsTheRoutesAnswerAndReadableOverHttp() throws Exception {
        try (PoolServer server = TestServers.start(2, 100)) {
            Http http = new Http(server.url());
            PoolServer.Answer a = server.submit("Bearer " + ACME, null, "n2", utf8("{\"type\": \"echo\", \"input\": {\"x\": 1}}"));

            assertThat(a.status()).isEqualTo(202);
            JsonNode body = json(a);
            String id = body.get("id").asText();
            assertThat(a.headers()).containsEntry("Location", "/v1/tasks/" + id).containsEntry("Content-Type", "application/json");
            assertThat(http.get("/metrics", null).body()).as("counted with the route's requests").containsPattern(
                    "http_server_requests_seconds_count\\{method=\"POST\",route=\"/v1/tasks\",status=\"202\"} 1(\\.0)?\n");
            Http.Answer viaHttp = http.post("/v1/tasks", ACME, "{\"type\": \"echo\", \"input\": {\"x\": 1}}");
            assertThat(body.properties().stream().map(Map.Entry::getKey).toList())
                    .as("the same fields as the route's answer").isEqualTo(viaHttp.json().properties().stream()
                            .map(Map.Entry::getKey).toList());

            Http.Answer read = http.get("/v1/tasks/" + id + "?wait=10s", ACME);
            assertThat(read.status()).as(read.toString()).isEqualTo(200);
            assertThat(read.json().get("state").asText()).isEqualTo("SUCCEEDED");
            assertThat(read.json().at("/result/x").asInt()).isEqualTo(1);
            assertThat(http.get("/v1/tasks/" + id, GLOBEX).status()).as("another tenant's task").isEqualTo(404);
        }
    }

    @Test
    void anIdempotencyKeyNamesOneTaskWhicheverWayItCame() throws Exception {
        try (PoolServer server = TestServers.start(2, 100)) {
            Http http = new Http(server.url());
            String key = "k-" + UUID.randomUUID();
            byte[] task = utf8("{\"type\": \"echo\"}");

            PoolServer.Answer first = server.submit("Bearer " + ACME, key, null, task);
            PoolServer.Answer again = server.submit("Bearer " + ACME, key, null, task);
            Http.Answer overHttp = http.post("/v1/tasks", ACME, "{\"type\": \"echo\"}", "Idempotency-Key", key);
            PoolServer.Answer otherTenant = server.submit("Bearer " + GLOBEX, key, null, task);

            assertThat(first.status()).isEqualTo(202);
            assertThat(again.status()).isEqualTo(200);
            assertThat(overHttp.status()).isEqualTo(200);
            String id = json(first).get("id").asText();
            assertThat(json(again).get("id").asText()).isEqualTo(id);
            assertThat(overHttp.json().get("id").asText()).isEqualTo(id);
            assertThat(otherTenant.status()).as("keys are per tenant").isEqualTo(202);
            assertThat(json(otherTenant).get("id").asText()).isNotEqualTo(id);
            assertThat(server.submit("Bearer " + ACME, "bad key with spaces", null, task).status()).isEqualTo(400);
        }
    }

    @Test
    void refusalsAreTheRoutesRefusals() throws Exception {
        try (PoolServer server = TestServers.builder(TestAgents.pool(1, 100)).maxBody(1024).build().start()) {
            Http http = new Http(server.url());
            String tooBig = "{\"type\": \"echo\", \"input\": {\"text\": \"" + "x".repeat(2000) + "\"}}";
            for (var c : new Object[][] {
                    {null, "{\"type\": \"echo\"}"},
                    {"not-a-key", "{\"type\": \"echo\"}"},
                    {ACME, "{\"type\": \"echo\""},
                    {ACME, ""},
                    {ACME, "{\"type\": \"summarize-the-internet\"}"},
                    {ACME, "{\"type\": \"echo\", \"priority\": \"high\"}"},
                    {ACME, tooBig}}) {
                String key = (String) c[0];
                String body = (String) c[1];
                Http.Answer route = http.post("/v1/tasks", key, body);
                PoolServer.Answer direct = server.submit(key == null ? null : "Bearer " + key, null, "n1", utf8(body));
                String what = key + " " + body.substring(0, Math.min(40, body.length()));
                assertThat(direct.status()).as(what).isEqualTo(route.status()).isBetween(400, 499);
                assertThat(json(direct)).as(what).isEqualTo(route.json());
                if (route.header("WWW-Authenticate") != null) {
                    assertThat(direct.headers()).as(what).containsEntry("WWW-Authenticate", route.header("WWW-Authenticate"));
                }
            }
        }
    }

    @Test
    void theKeysRequestRateAndAFullQueueAnd429WithRetryAfter() throws Exception {
        // one token per 1000 s: the burst of 3 is all a key gets, shared by both ways in
        try (PoolServer server = TestServers.builder(TestAgents.pool(1, 1)).rateLimit(0.001, 3).build().start()) {
            Http http = new Http(server.url());
            String gate = "direct-" + UUID.randomUUID();
            String task = "{\"type\": \"gate\", \"input\": {\"gate\": \"" + gate + "\"}}";
            assertThat(http.post("/v1/tasks", ACME, task).status()).isEqualTo(202);
            // the first runs (or waits for its agent); the queue holds one more
            PoolServer.Answer second = server.submit("Bearer " + ACME, null, null, utf8(task));
            PoolServer.Answer third = server.submit("Bearer " + ACME, null, null, utf8(task));
            PoolServer.Answer limited = server.submit("Bearer " + ACME, null, null, utf8(task));
            TestAgents.open(gate);

            assertThat(second.status()).isIn(202, 429);
            PoolServer.Answer full = second.status() == 429 ? second : third;
            assertThat(full.status()).as(new String(full.body(), StandardCharsets.UTF_8)).isEqualTo(429);
            assertThat(json(full).get("reason").asText()).isEqualTo("queue_full");
            assertThat(full.headers()).containsEntry("Retry-After", "1");
            assertThat(limited.status()).isEqualTo(429);
            assertThat(json(limited).get("reason").asText()).isEqualTo("rate_limit");
            assertThat(Long.parseLong(limited.headers().get("Retry-After"))).isBetween(1L, 1000L);
            assertThat(http.post("/v1/tasks", ACME, task).status()).as("the same key's limit over HTTP").isEqualTo(429);
        }
    }

    @Test
    void aDrainingServerRefusesWith503() throws Exception {
        PoolServer server = TestServers.start(1, 10);
        server.drain(Duration.ofSeconds(5));

        PoolServer.Answer a = server.submit("Bearer " + ACME, null, null, utf8("{\"type\": \"echo\"}"));

        assertThat(a.status()).isEqualTo(503);
        assertThat(json(a).get("reason").asText()).isEqualTo("shutdown");
        assertThat(a.headers()).containsEntry("Retry-After", "1");
        assertThat(server.submit("Bearer " + ACME, null, null, new byte[(1 << 20) + 1]).status())
                .as("draining is said before the body's size, as the route says it").isEqualTo(503);
        assertThat(server.submit(null, null, null, utf8("{\"type\": \"echo\"}")).status())
                .as("but the key first").isEqualTo(401);
    }

    @Test
    void aReadIsTheRoutesReadWithItsWaitAndItsRefusals() throws Exception {
        try (PoolServer server = TestServers.start(2, 100)) {
            Http http = new Http(server.url());
            String gate = "read-" + UUID.randomUUID();
            String id = http.post("/v1/tasks", ACME, "{\"type\": \"gate\", \"input\": {\"gate\": \"" + gate + "\"}}")
                    .json().get("id").asText();

            PoolServer.Answer running = server.read("Bearer " + ACME, id, "50ms");
            assertThat(running.status()).isEqualTo(200);
            assertThat(json(running).get("state").asText()).as("the wait ran out first").isIn("QUEUED", "RUNNING");
            TestAgents.open(gate);
            PoolServer.Answer done = server.read("Bearer " + ACME, id, "10s");
            assertThat(done.status()).isEqualTo(200);
            assertThat(http.get("/metrics", null).body()).as("both reads counted as the route's").containsPattern(
                    "http_server_requests_seconds_count\\{method=\"GET\",route=\"/v1/tasks/\\{id}\",status=\"200\"} 2(\\.0)?\n");
            assertThat(json(done)).isEqualTo(http.get("/v1/tasks/" + id, ACME).json());
            assertThat(json(done).get("state").asText()).isEqualTo("SUCCEEDED");

            for (String[] c : new String[][] {
                    {GLOBEX, id, null}, {ACME, "abc", null}, {ACME, "987654321", null}, {ACME, id, "forever"},
                    {ACME, id, "2m"}, {null, id, null}, {"not-a-key", id, null}}) {
                String key = c[0];
                Http.Answer route = http.get("/v1/tasks/" + c[1] + (c[2] == null ? "" : "?wait=" + c[2]), key);
                PoolServer.Answer direct = server.read(key == null ? null : "Bearer " + key, c[1], c[2]);
                String what = String.join(" ", java.util.Arrays.asList(c).stream().map(String::valueOf).toList());
                assertThat(direct.status()).as(what).isEqualTo(route.status()).isBetween(400, 499);
                assertThat(json(direct)).as(what).isEqualTo(route.json());
            }
        }
    }

    @Test
    void anErrorInADirectCallIsAnsweredAsTheRoutesAnswerIt() throws Exception {
        try (PoolServer server = TestServers.start(1, 10)) {
            PoolServer.Answer full = server.direct("GET", "/v1/tasks/{id}", headers -> {
                throw new OutOfMemoryError("Java heap space");
            });
            assertThat(full.status()).isEqualTo(503);
            assertThat(full.headers()).containsEntry("Retry-After", "1").containsEntry("Content-Type", "application/json");
            assertThat(json(full).get("reason").asText()).isEqualTo("out_of_memory");

            PoolServer.Answer other = server.direct("GET", "/v1/tasks/{id}", headers -> {
                throw new StackOverflowError();
            });
            assertThat(other.status()).isEqualTo(500);
            assertThat(json(other).get("error").asText()).contains("internal error");
        }
    }
}
