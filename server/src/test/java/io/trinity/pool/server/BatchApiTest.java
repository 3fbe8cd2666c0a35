package io.trinity.pool.server;

import static io.trinity.pool.server.TestServers.ACME;
import static io.trinity.pool.server.TestServers.GLOBEX;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code POST /v1/tasks/batch} over real HTTP: order, per-task refusals, keys, limits, bad bodies. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BatchApiTest {

    private static String echo(int n) {
        return "{\"type\": \"echo\", \"input\": {\"n\": " + n + "}}";
    }

    private static String batch(List<String> tasks) {
        return "{\"tasks\": [" + String.join(", ", tasks) + "]}";
    }

    @Test
    void everyTaskOfABatchIsAcceptedInOrderAndEnds() {
        try (PoolServer server = TestServers.start(2, 100)) {
            Http http = new Http(server.url());
            List<String> tasks = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                tasks.add(echo(i));
            }
            Http.Answer a = http.post("/v1/tasks/batch", ACME, batch(tasks));
            assertThat(a.status()).as(a.toString()).isEqualTo(200);
            assertThat(a.json().get("accepted").asInt()).isEqualTo(20);
            assertThat(a.json().get("refused").asInt()).isZero();
            long previous = 0;
            for (int i = 0; i < 20; i++) {
                JsonNode r = a.json().get("results").get(i);
                assertThat(r.get("status").asInt()).isEqualTo(202);
                long id = Long.parseLong(r.get("id").asText());
                assertThat(id).isGreaterThan(previous);
                previous = id;
                JsonNode done = http.get("/v1/tasks/" + id + "?wait=10s", ACME).json();
                assertThat(done.get("state").asText()).isEqualTo("SUCCEEDED");
                assertThat(done.get("result").get("n").asInt()).isEqualTo(i);
                assertThat(done.get("tenant").asText()).isEqualTo("acme");
            }
            assertThat(http.get("/v1/tasks/" + previous, GLOBEX).status()).isEqualTo(404); // another tenant's
        }
    }

    @Test
    void aBadElementIsRefusedWithItsIndexWhileTheOthersAreAccepted() {
        try (PoolServer server = TestServers.start(2, 100)) {
            Http http = new Http(server.url());
            Http.Answer a = http.post("/v1/tasks/batch", ACME, batch(List.of(echo(1),
                    "{\"type\": \"echo\", \"priority\": \"high\"}", "{\"type\": \"nope\"}", "[1]", echo(2))));
            assertThat(a.status()).as(a.toString()).isEqualTo(200);
            assertThat(a.json().get("accepted").asInt()).isEqualTo(2);
            assertThat(a.json().get("refused").asInt()).isEqualTo(3);
            JsonNode r = a.json().get("results");
            assertThat(r.get(0).get("status").asInt()).isEqualTo(202);
            assertThat(r.get(1).get("status").asInt()).isEqualTo(400);
            assertThat(r.get(1).get("field").asText()).isEqualTo("tasks[1].priority");
            assertThat(r.get(2).get("status").asInt()).isEqualTo(400);
            assertThat(r.get(2).get("field").asText()).isEqualTo("tasks[2].type");
            assertThat(r.get(2).get("error").asText()).contains("nope");
            assertThat(r.get(3).get("status").asInt()).isEqualTo(400);
            assertThat(r.get(3).get("field").asText()).isEqualTo("tasks[3].body");
            assertThat(r.get(4).get("status").asInt()).isEqualTo(202);
        }
    }

    @Test
    void aFullQueueRefusesTheRestOfTheBatchWith429PerTask() {
        String gate = UUID.randomUUID().toString();
        try (PoolServer server = TestServers.start(1, 3)) {
            Http http = new Http(server.url());
            List<String> tasks = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                tasks.add("{\"type\": \"gate\", \"input\": {\"gate\": \"" + gate + "\"}}");
            }
            Http.Answer a = http.post("/v1/tasks/batch", ACME, batch(tasks));
            assertThat(a.status()).as(a.toString()).isEqualTo(200);
            int accepted = a.json().get("accepted").asInt();
            assertThat(accepted).isBetween(3, 4); // the queue's 3, and one already running
            JsonNode r = a.json().get("results");
            for (int i = 0; i < 8; i++) {
                assertThat(r.get(i).get("status").asInt()).isEqualTo(i < accepted ? 202 : 429);
            }
            assertThat(r.get(7).get("reason").asText()).isEqualTo("queue_full");
            assertThat(r.get(7).get("capacity").asInt()).isEqualTo(3);
            TestAgents.open(gate);
        }
    }

    @Test
    void idempotencyKeysNameOneTaskWithinABatchAcrossBatchesAndAcrossRoutes() throws Exception {
        try (PoolServer server = TestServers.start(2, 100)) {
            Http http = new Http(server.url());
            String k = UUID.randomUUID().toString();
            String keyed = "{\"type\": \"echo\", \"idempotencyKey\": \"" + k + "\"}";
            Http.Answer a = http.post("/v1/tasks/batch", ACME, batch(List.of(keyed, echo(1), keyed)));
            JsonNode r = a.json().get("results");
            assertThat(r.get(0).get("status").asInt()).isEqualTo(202);
            assertThat(r.get(2).get("status").asInt()).isEqualTo(200);
            assertThat(r.get(2).get("id").asText()).isEqualTo(r.get(0).get("id").asText());
            assertThat(a.json().get("accepted").asInt()).isEqualTo(3);

            Http.Answer again = http.post("/v1/tasks/batch", ACME, batch(List.of(keyed)));
            assertThat(again.json().get("results").get(0).get("status").asInt()).isEqualTo(200);
            assertThat(again.json().get("results").get(0).get("id").asText()).isEqualTo(r.get(0).get("id").asText());
            Http.Answer single = http.post("/v1/tasks", ACME, "{\"type\": \"echo\"}", "Idempotency-Key", k);
            assertThat(single.status()).isEqualTo(200);
            assertThat(single.json().get("id").asText()).isEqualTo(r.get(0).get("id").asText());
            // another tenant's key space is its own
            Http.Answer other = http.post("/v1/tasks/batch", GLOBEX, batch(List.of(keyed)));
            assertThat(other.json().get("results").get(0).get("status").asInt()).isEqualTo(202);

            // a single submit and batches racing with one new key create one task
            String race = UUID.randomUUID().toString();
            String raced = "{\"type\": \"echo\", \"idempotencyKey\": \"" + race + "\"}";
            List<CompletableFuture<String>> ids = new ArrayList<>();
            try (var ex = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 6; i++) {
                    int n = i;
                    ids.add(CompletableFuture.supplyAsync(() -> n % 2 == 0
                            ? http.post("/v1/tasks/batch", ACME, batch(List.of(echo(n), raced))).json()
                                    .get("results").get(1).get("id").asText()
                            : http.post("/v1/tasks", ACME, "{\"type\": \"echo\"}", "Idempotency-Key", race).json()
                                    .get("id").asText(), ex));
                }
            }
            Set<String> distinct = new HashSet<>();
            for (CompletableFuture<String> f : ids) {
                distinct.add(f.get());
            }
            assertThat(distinct).hasSize(1);

            Http.Answer bad = http.post("/v1/tasks/batch", ACME, batch(List.of("{\"type\": \"echo\", \"idempotencyKey\": 5}")));
            assertThat(bad.json().get("results").get(0).get("field").asText()).isEqualTo("tasks[0].idempotencyKey");
        }
    }

    @Test
    void aMalformedBatchIsOne400NamingWhatIsWrong() {
        try (PoolServer server = TestServers.start(1, 10)) {
            Http http = new Http(server.url());
            Http.Answer notObject = http.post("/v1/tasks/batch", ACME, "[]");
            assertThat(notObject.status()).isEqualTo(400);
            assertThat(notObject.json().get("field").asText()).isEqualTo("tasks");
            Http.Answer empty = http.post("/v1/tasks/batch", ACME, "{\"tasks\": []}");
            assertThat(empty.status()).isEqualTo(400);
            assertThat(empty.json().get("error").asText()).contains("1 to 1000 tasks (got 0 elements)");
            List<String> many = new ArrayList<>();
            for (int i = 0; i <= TaskRoutes.MAX_BATCH; i++) {
                many.add(echo(i));
            }
            Http.Answer tooMany = http.post("/v1/tasks/batch", ACME, batch(many));
            assertThat(tooMany.status()).isEqualTo(400);
            assertThat(tooMany.json().get("error").asText()).contains("got 1001 elements").contains("split");
            Http.Answer extra = http.post("/v1/tasks/batch", ACME, "{\"tasks\": [" + echo(1) + "], \"x\": 1}");
            assertThat(extra.status()).isEqualTo(400);
            assertThat(extra.json().get("field").asText()).isEqualTo("x");
            assertThat(http.post("/v1/tasks/batch", null, batch(List.of(echo(1)))).status()).isEqualTo(401);
        }
    }
}
