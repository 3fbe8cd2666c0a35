package io.trinity.pool.server;

import static io.trinity.pool.server.TestServers.ACME;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.trinity.pool.journal.jdbc.Journals;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A server restarted on the same journal: idempotency keys still name their tasks, with 200 from the first repeat. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RestartTest {

    @TempDir
    Path dir;

    private PoolServer start(Path journal) {
        return TestServers.builder(TestAgents.pool(2, 10).journal(Journals.open(journal.toString()).orElseThrow()))
                .build().start();
    }

    @Test
    void everyRepeatOfAKeyAfterARestartIs200WithTheFirstTask() {
        Path journal = dir.resolve("trinity.db");
        String single;
        String inBatch;
        try (PoolServer first = start(journal)) {
            Http http = new Http(first.url());
            Http.Answer a = http.post("/v1/tasks", ACME, "{\"type\": \"echo\"}", "Idempotency-Key", "k1");
            assertThat(a.status()).as(a.toString()).isEqualTo(202);
            single = a.json().get("id").asText();
            JsonNode b = http.post("/v1/tasks/batch", ACME,
                    "{\"tasks\": [{\"type\": \"echo\", \"idempotencyKey\": \"b1\"}]}").json().get("results").get(0);
            assertThat(b.get("status").asInt()).isEqualTo(202);
            inBatch = b.get("id").asText();
            http.get("/v1/tasks/" + single + "?wait=10s", ACME);
            http.get("/v1/tasks/" + inBatch + "?wait=10s", ACME);
        }
        try (PoolServer second = start(journal)) {
            Http http = new Http(second.url());
            for (int repeat = 0; repeat < 2; repeat++) {
                Http.Answer a = http.post("/v1/tasks", ACME, "{\"type\": \"echo\"}", "Idempotency-Key", "k1");
                assertThat(a.status()).as("repeat " + repeat + ": " + a).isEqualTo(200);
                assertThat(a.json().get("id").asText()).isEqualTo(single);
                JsonNode b = http.post("/v1/tasks/batch", ACME,
                        "{\"tasks\": [{\"type\": \"echo\", \"idempotencyKey\": \"b1\"}, {\"type\": \"echo\","
                                + " \"idempotencyKey\": \"k1\"}]}").json().get("results");
                assertThat(b.get(0).get("status").asInt()).as("repeat " + repeat + ": " + b).isEqualTo(200);
                assertThat(b.get(0).get("id").asText()).isEqualTo(inBatch);
                assertThat(b.get(1).get("status").asInt()).as("repeat " + repeat + ": " + b).isEqualTo(200);
                assertThat(b.get(1).get("id").asText()).isEqualTo(single);
            }
            // a new key after the restart still makes a new task
            assertThat(http.post("/v1/tasks", ACME, "{\"type\": \"echo\"}", "Idempotency-Key", "k2").status())
                    .isEqualTo(202);
        }
    }
}
