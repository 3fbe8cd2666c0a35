package io.trinity.pool.server;

import static io.trinity.pool.server.TestServers.ACME;
import static io.trinity.pool.server.TestServers.ADMIN;
import static io.trinity.pool.server.TestServers.GLOBEX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.trinity.pool.PoolBuilder;
import io.trinity.pool.agents.coordinator.CoordinatorAgent;
import io.trinity.pool.journal.jdbc.Journals;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The subtasks a coordinator task submits belong to its tenant: the API reads, lists and
 * cancels them for that tenant's keys and admin keys, as any task of the tenant.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SubtaskTest {

    @TempDir
    Path dir;

    private PoolServer start(boolean journal) {
        PoolBuilder pool = TestAgents.pool(4, 20).register("coordinator", new CoordinatorAgent.Factory());
        if (journal) {
            pool.journal(Journals.open(dir.resolve("trinity.db").toString()).orElseThrow());
        }
        return PoolServer.builder().pool(pool, java.util.List.of("echo", "gate", "fail", "reject", "coordinator"))
                .keys(TestServers.keys()).bind("127.0.0.1").port(0).rateLimit(0, 1).build().start();
    }

    @ParameterizedTest(name = "journal {0}")
    @ValueSource(booleans = {false, true})
    void aCoordinatorsSubtasksAreItsTenantsTasks(boolean journal) throws Exception {
        String gate = UUID.randomUUID().toString();
        try (PoolServer server = start(journal); AutoCloseable opened = () -> TestAgents.open(gate)) {
            Http http = new Http(server.url());
            String parent = http.post("/v1/tasks", ACME, "{\"type\": \"coordinator\", \"input\": {\"graph\": ["
                    + "{\"id\": \"a\", \"type\": \"gate\", \"input\": {\"gate\": \"" + gate + "\"}},"
                    + "{\"id\": \"b\", \"type\": \"echo\", \"input\": {\"text\": \"hi\"}}]}}").json().get("id").asText();

            // the running subtask is listed for its tenant, readable and cancellable
            JsonNode running = await().atMost(Duration.ofSeconds(20)).until(() -> StreamSupport.stream(
                            http.get("/v1/tasks?type=gate", ACME).json().get("tasks").spliterator(), false)
                    .filter(t -> t.get("state").asText().equals("RUNNING")).findFirst().orElse(null),
                    t -> t != null);
            String sub = running.get("id").asText();
            assertThat(running.get("tenant").asText()).isEqualTo("acme");
            assertThat(http.get("/v1/tasks/" + sub, ADMIN).status()).isEqualTo(200);
            assertThat(http.get("/v1/tasks/" + sub, GLOBEX).status()).isEqualTo(404);
            Http.Answer cancelled = http.delete("/v1/tasks/" + sub, ACME);
            assertThat(cancelled.status()).as(cancelled.toString()).isEqualTo(200);
            assertThat(cancelled.json().get("state").asText()).isEqualTo("CANCELLED");

            // the parent's result names its subtasks; each is readable by id once ended: with a journal
            // always, without one if the server saw it submitted before it ended (a's case, it waited;
            // b may end within moments, and then the pool has forgotten it: docs/service.md, Subtasks)
            JsonNode done = http.get("/v1/tasks/" + parent + "?wait=20s", ACME).json();
            assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("SUCCEEDED");
            for (String node : journal ? new String[] {"a", "b"} : new String[] {"a"}) {
                String id = done.get("result").get("subtasks").get(node).get("taskId").asText();
                Http.Answer read = http.get("/v1/tasks/" + id, ACME);
                assertThat(read.status()).as(node + " " + id + ": " + read).isEqualTo(200);
                assertThat(http.get("/v1/tasks/" + id, ADMIN).status()).isEqualTo(200);
            }
        }
    }
}
