package io.trinity.pool.server;

import static io.trinity.pool.server.TestServers.ACME;
import static io.trinity.pool.server.TestServers.ADMIN;
import static io.trinity.pool.server.TestServers.GLOBEX;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/** The task routes over real HTTP: auth, submit, read, long-poll, cancel, list, idempotency, isolation. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TaskApiTest {

    private PoolServer server;
    private Http http;

    @BeforeAll
    void start() {
        server = TestServers.start(4, 100);
        http = new Http(server.url());
    }

    @AfterAll
    void stop() {
        server.drain(Duration.ofSeconds(5));
    }

    private String submit(String key, String body) {
        Http.Answer a = http.post("/v1/tasks", key, body);
        assertThat(a.status()).as(a.toString()).isEqualTo(202);
        return a.json().get("id").asText();
    }

    private static String gateTask(String gate) {
        return "{\"type\": \"gate\", \"input\": {\"gate\": \"" + gate + "\"}}";
    }

    @Test
    void withoutAValidKeyEveryTaskRouteIs401() {
        for (String path : List.of("/v1/tasks", "/v1/tasks/1", "/v1/me", "/v1/pool")) {
            Http.Answer none = http.get(path, null);
            assertThat(none.status()).as(path).isEqualTo(401);
            assertThat(none.header("WWW-Authenticate")).startsWith("Bearer");
            assertThat(none.json().get("error").asText()).contains("Authorization: Bearer");
            assertThat(http.get(path, "not-a-key").status()).as(path).isEqualTo(401);
        }
        Http.Answer basic = http.send(http.request("/v1/tasks", null).header("Authorization", "Basic " + ACME).GET());
        assertThat(basic.status()).isEqualTo(401);
        assertThat(http.post("/v1/tasks", null, "{\"type\": \"echo\"}").status()).isEqualTo(401);
    }

    @Test
    void meSaysWhoTheKeyIs() {
        JsonNode me = http.get("/v1/me", ACME).json();
        assertThat(me.get("tenant").asText()).isEqualTo("acme");
        assertThat(me.get("role").asText()).isEqualTo("tenant");
        assertThat(http.get("/v1/me", ADMIN).json().get("role").asText()).isEqualTo("admin");
    }

    @Test
    void meSaysWhichServerRunAnswersAndWhetherAClusterNodeRelayedIt() {
        // the dashboard tells a restarted server by startedAt, places event times (ms since start) by
        // uptimeMs, and asks for /v1/cluster only when a cluster node's front relayed the page
        JsonNode me = http.get("/v1/me", ACME).json();
        Instant started = Instant.parse(me.get("startedAt").asText());
        assertThat(started).isBeforeOrEqualTo(Instant.now());
        assertThat(me.get("uptimeMs").asLong()).isNotNegative();
        assertThat(me.get("node").isNull()).isTrue();
        JsonNode again = http.get("/v1/me", ADMIN).json();
        assertThat(again.get("startedAt").asText()).isEqualTo(me.get("startedAt").asText());
        assertThat(again.get("uptimeMs").asLong()).isGreaterThanOrEqualTo(me.get("uptimeMs").asLong());
        JsonNode relayed = http.send(http.request("/v1/me", ACME).header("X-Trinity-Origin", "n2").GET()).json();
        assertThat(relayed.get("node").asText()).isEqualTo("n2");
    }

    @Test
    void submitAnswers202WithIdAndStateThenTheTaskCanBeReadWhenDone() {
        Http.Answer a = http.post("/v1/tasks", ACME,
                "{\"type\": \"echo\", \"input\": {\"text\": \"héllo\", \"n\": 3, \"big\": 123456789012345678901234567890},"
                        + " \"priority\": 5, \"affinity\": \"s1\", \"timeout\": \"30s\", \"maxAttempts\": 2,"
                        + " \"skills\": [\"echoing\"]}");
        assertThat(a.status()).isEqualTo(202);
        String id = a.json().get("id").asText();
        assertThat(a.json().get("state").asText()).isIn("QUEUED", "RUNNING", "SUCCEEDED");
        assertThat(a.header("Location")).isEqualTo("/v1/tasks/" + id);

        JsonNode t = http.get("/v1/tasks/" + id + "?wait=10s", ACME).json();
        assertThat(t.get("id").asText()).isEqualTo(id);
        assertThat(t.get("type").asText()).isEqualTo("echo");
        assertThat(t.get("tenant").asText()).isEqualTo("acme");
        assertThat(t.get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(t.get("attempts").asInt()).isEqualTo(1);
        assertThat(t.get("priority").asInt()).isEqualTo(5);
        assertThat(t.get("result").get("text").asText()).isEqualTo("héllo");
        assertThat(t.get("result").get("big").bigIntegerValue()).hasToString("123456789012345678901234567890");
        assertThat(t.get("error").isNull()).isTrue();
        assertThat(t.get("reasons").isArray()).isTrue();
        java.time.Instant submitted = java.time.Instant.parse(t.get("submittedAt").asText());
        java.time.Instant ended = java.time.Instant.parse(t.get("endedAt").asText());
        assertThat(ended).isAfterOrEqualTo(submitted);
        // the start comes from the event stream, which may trail the result by a moment
        if (!t.get("startedAt").isNull()) {
            java.time.Instant started = java.time.Instant.parse(t.get("startedAt").asText());
            assertThat(started).isBetween(submitted, ended);
        }
    }

    @Test
    void attachmentsTravelAsBase64() {
        String id = submit(ACME, "{\"type\": \"echo\", \"attachments\": {\"blob\": {\"mediaType\": \"application/octet-stream\","
                + " \"base64\": \"AAEC\"}}}");
        JsonNode t = http.get("/v1/tasks/" + id + "?wait=10s", ACME).json();
        assertThat(t.get("state").asText()).isEqualTo("SUCCEEDED");
    }

    @Test
    void aFailedTaskReportsItsErrorAndReasons() {
        String id = submit(ACME, "{\"type\": \"reject\"}");
        JsonNode t = http.get("/v1/tasks/" + id + "?wait=10s", ACME).json();
        assertThat(t.get("state").asText()).isEqualTo("FAILED");
        assertThat(t.get("error").asText()).contains("input refused on purpose");
        assertThat(t.get("reasons").toString()).contains("input refused on purpose");
        assertThat(t.get("result").isNull()).isTrue();
    }

    @Test
    void longPollReturnsWhenTheTaskIsFinalOrTheWaitEnds() throws Exception {
        String gate = UUID.randomUUID().toString();
        String id = submit(ACME, gateTask(gate));

        JsonNode early = http.get("/v1/tasks/" + id + "?wait=100ms", ACME).json();
        assertThat(early.get("state").asText()).isIn("QUEUED", "RUNNING");
        assertThat(early.get("endedAt").isNull()).isTrue();

        CompletableFuture<Http.Answer> poll = CompletableFuture.supplyAsync(
                () -> http.get("/v1/tasks/" + id + "?wait=50s", ACME), Executors.newVirtualThreadPerTaskExecutor());
        TestAgents.open(gate);
        Http.Answer done = poll.get(30, TimeUnit.SECONDS);
        assertThat(done.status()).isEqualTo(200);
        assertThat(done.json().get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(done.json().get("result").get("opened").asText()).isEqualTo(gate);
    }

    @Test
    void waitOutsideItsRangeIs400() {
        String id = submit(ACME, "{\"type\": \"echo\"}");
        for (String bad : List.of("61s", "abc", "-1s", "10parsecs")) {
            Http.Answer a = http.get("/v1/tasks/" + id + "?wait=" + bad, ACME);
            assertThat(a.status()).as(bad).isEqualTo(400);
            assertThat(a.json().get("field").asText()).isEqualTo("wait");
        }
    }

    @Test
    void cancelAnswers200WithTheFinalStateAnd409WhenAlreadyFinal() {
        String gate = UUID.randomUUID().toString();
        String id = submit(ACME, gateTask(gate));
        Http.Answer cancelled = http.delete("/v1/tasks/" + id, ACME);
        assertThat(cancelled.status()).isEqualTo(200);
        assertThat(cancelled.json().get("state").asText()).isEqualTo("CANCELLED");
        assertThat(cancelled.json().get("endedAt").isNull()).isFalse();

        Http.Answer again = http.delete("/v1/tasks/" + id, ACME);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("state").asText()).isEqualTo("CANCELLED");
        assertThat(again.json().get("error").asText()).contains("already CANCELLED");

        String done = submit(ACME, "{\"type\": \"echo\"}");
        http.get("/v1/tasks/" + done + "?wait=10s", ACME);
        assertThat(http.delete("/v1/tasks/" + done, ACME).status()).isEqualTo(409);
    }

    @Test
    void aTenantSeesAndTouchesOnlyItsOwnTasks() {
        String gate = UUID.randomUUID().toString();
        String acmeTask = submit(ACME, gateTask(gate));
        try {
            Http.Answer peek = http.get("/v1/tasks/" + acmeTask, GLOBEX);
            assertThat(peek.status()).isEqualTo(404);
            assertThat(http.delete("/v1/tasks/" + acmeTask, GLOBEX).status()).isEqualTo(404);
            assertThat(http.get("/v1/tasks/" + acmeTask + "?wait=1s", GLOBEX).status()).isEqualTo(404);
            assertThat(ids(http.get("/v1/tasks?limit=500", GLOBEX).json())).doesNotContain(acmeTask);
            // the same answer as for an id that does not exist, so ids reveal nothing
            assertThat(http.get("/v1/tasks/999999999", GLOBEX).json().get("error").asText())
                    .isEqualTo(peek.json().get("error").asText().replace(acmeTask, "999999999"));
            assertThat(http.get("/v1/tasks/not-a-number", ACME).status()).isEqualTo(404);

            assertThat(http.get("/v1/tasks/" + acmeTask, ACME).status()).isEqualTo(200);
            assertThat(http.get("/v1/tasks/" + acmeTask, ADMIN).status()).isEqualTo(200);
            assertThat(ids(http.get("/v1/tasks?limit=500", ADMIN).json())).contains(acmeTask);
            assertThat(ids(http.get("/v1/tasks?tenant=globex&limit=500", ADMIN).json())).doesNotContain(acmeTask);
        } finally {
            TestAgents.open(gate);
        }
    }

    @Test
    void theTenantComesFromTheKeyNeverFromTheBody() {
        Http.Answer a = http.post("/v1/tasks", GLOBEX, "{\"type\": \"echo\", \"tenant\": \"acme\"}");
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.json().get("field").asText()).isEqualTo("tenant");
        String id = submit(GLOBEX, "{\"type\": \"echo\"}");
        assertThat(http.get("/v1/tasks/" + id, GLOBEX).json().get("tenant").asText()).isEqualTo("globex");
    }

    @Test
    void theSameIdempotencyKeyReturnsTheSameTaskWith200() {
        String key = UUID.randomUUID().toString();
        Http.Answer first = http.post("/v1/tasks", ACME, "{\"type\": \"echo\"}", "Idempotency-Key", key);
        Http.Answer second = http.post("/v1/tasks", ACME, "{\"type\": \"echo\"}", "Idempotency-Key", key);
        assertThat(first.status()).isEqualTo(202);
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.json().get("id").asText()).isEqualTo(first.json().get("id").asText());

        Http.Answer otherTenant = http.post("/v1/tasks", GLOBEX, "{\"type\": \"echo\"}", "Idempotency-Key", key);
        assertThat(otherTenant.status()).isEqualTo(202);
        assertThat(otherTenant.json().get("id").asText()).isNotEqualTo(first.json().get("id").asText());

        Http.Answer bad = http.post("/v1/tasks", ACME, "{\"type\": \"echo\"}", "Idempotency-Key", "x".repeat(300));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("field").asText()).isEqualTo("Idempotency-Key");
    }

    @Test
    void racingRequestsWithOneIdempotencyKeyCreateOneTask() throws Exception {
        String key = UUID.randomUUID().toString();
        List<CompletableFuture<Http.Answer>> racing = new ArrayList<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 8; i++) {
                racing.add(CompletableFuture.supplyAsync(
                        () -> http.post("/v1/tasks", ACME, "{\"type\": \"echo\"}", "Idempotency-Key", key), pool));
            }
        }
        Set<String> ids = new HashSet<>();
        int created = 0;
        for (CompletableFuture<Http.Answer> f : racing) {
            Http.Answer a = f.get();
            assertThat(a.status()).isIn(200, 202);
            created += a.status() == 202 ? 1 : 0;
            ids.add(a.json().get("id").asText());
        }
        assertThat(created).isEqualTo(1);
        assertThat(ids).hasSize(1);
    }

    @Test
    void listIsNewestFirstFilteredAndPaged() {
        String marker = "list-" + UUID.randomUUID();
        List<String> mine = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            mine.add(submit(GLOBEX, "{\"type\": \"echo\", \"input\": {\"m\": \"" + marker + "\"}}"));
        }
        for (String id : mine) {
            http.get("/v1/tasks/" + id + "?wait=10s", GLOBEX);
        }
        List<String> newestFirst = new ArrayList<>(mine);
        java.util.Collections.reverse(newestFirst);

        JsonNode page1 = http.get("/v1/tasks?type=echo&state=succeeded&limit=2", GLOBEX).json();
        assertThat(ids(page1)).containsExactlyElementsOf(newestFirst.subList(0, 2));
        JsonNode page2 = http.get("/v1/tasks?type=echo&state=SUCCEEDED&limit=2&after=" + page1.get("next").asText(),
                GLOBEX).json();
        assertThat(ids(page2)).containsExactlyElementsOf(newestFirst.subList(2, 4));
        JsonNode page3 = http.get("/v1/tasks?type=echo&limit=2&after=" + page2.get("next").asText(), GLOBEX).json();
        assertThat(ids(page3).getFirst()).isEqualTo(newestFirst.get(4));
        assertThat(ids(http.get("/v1/tasks?type=gate", GLOBEX).json())).doesNotContainAnyElementsOf(mine);
        assertThat(ids(http.get("/v1/tasks?state=FAILED", GLOBEX).json())).doesNotContainAnyElementsOf(mine);

        for (String bad : List.of("state=DONE", "limit=0", "limit=501", "limit=x", "after=abc", "after=-5")) {
            Http.Answer a = http.get("/v1/tasks?" + bad, GLOBEX);
            assertThat(a.status()).as(bad).isEqualTo(400);
            assertThat(a.json().get("field").asText()).isEqualTo(bad.substring(0, bad.indexOf('=')));
        }
    }

    @Test
    void anUnknownRouteIsAJson404() {
        Http.Answer a = http.get("/v1/nothing-here", ACME);
        assertThat(a.status()).isEqualTo(404);
        assertThat(a.json().get("error").asText()).contains("no route");
    }

    static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("tasks").forEach(t -> ids.add(t.get("id").asText()));
        return ids;
    }
}
