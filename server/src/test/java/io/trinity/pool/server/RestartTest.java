package io.trinity.pool.server;

import static io.trinity.pool.server.TestServers.ACME;
import static io.trinity.pool.server.TestServers.ADMIN;
import static io.trinity.pool.server.TestServers.GLOBEX;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.trinity.pool.Task;
import io.trinity.pool.journal.Journal;
import io.trinity.pool.journal.JournalRecord;
import io.trinity.pool.journal.jdbc.Journals;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server restarted on the same journal: idempotency keys still name their tasks, with 200 from
 * the first repeat; the list holds the tasks from before the restart, recovered ones included; a
 * task from before shows the times the journal holds.
 */
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
        Instant restarted = Instant.now();
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
            // the repeated keys' tasks show the times stored before the restart, not the repeat's
            for (String id : List.of(single, inBatch)) {
                JsonNode t = http.get("/v1/tasks/" + id, ACME).json();
                assertThat(at(t, "submittedAt")).as(t.toString()).isBefore(restarted);
                assertThat(at(t, "startedAt")).as(t.toString()).isBefore(restarted);
                assertThat(at(t, "endedAt")).as(t.toString()).isBefore(restarted);
            }
            // a new key after the restart still makes a new task
            assertThat(http.post("/v1/tasks", ACME, "{\"type\": \"echo\"}", "Idempotency-Key", "k2").status())
                    .isEqualTo(202);
        }
    }

    /** An hour ago, to the millisecond, as journal times are: well inside the journal's 24 h retention. */
    private static final long T0 = Instant.now().minus(Duration.ofHours(1)).toEpochMilli() / 1000 * 1000;

    /**
     * What a pool left in its journal at a crash, written as the pool writes it: tasks 1 to 5 of
     * acme and 6 of globex succeeded; 7 (acme, a gate, 2 attempts) was running; 8 (acme) was queued.
     */
    private static void leftByACrash(Path journal) {
        try (Journal j = Journals.open(journal.toString()).orElseThrow()) {
            List<JournalRecord> records = new ArrayList<>();
            for (long id = 1; id <= 6; id++) {
                String tenant = id == 6 ? "globex" : "acme";
                long at = T0 + id * 1000;
                records.add(new JournalRecord.Accepted(id, Task.builder("echo").input(Map.of("n", id)).tenant(tenant)
                        .build().toPlainData(), tenant, null, at));
                records.add(new JournalRecord.Started(id, 1, "echo-1", at + 10));
                records.add(new JournalRecord.Finished(id, "SUCCEEDED", 1, Map.of("n", id), List.of(), at + 20));
            }
            records.add(new JournalRecord.Accepted(7, Task.builder("gate").input(Map.of("gate", "restart-7"))
                    .tenant("acme").maxAttempts(2).build().toPlainData(), "acme", null, T0 + 7000));
            records.add(new JournalRecord.Started(7, 1, "gate-1", T0 + 7010));
            records.add(new JournalRecord.Accepted(8, Task.builder("echo").tenant("acme").build().toPlainData(),
                    "acme", null, T0 + 8000));
            j.write(records).join();
        }
    }

    private static Instant at(JsonNode task, String field) {
        return task.get(field).isNull() ? null : Instant.parse(task.get(field).asText());
    }

    /** The listed task of this id, or null. */
    private static JsonNode task(JsonNode list, String id) {
        for (JsonNode t : list.get("tasks")) {
            if (t.get("id").asText().equals(id)) {
                return t;
            }
        }
        return null;
    }

    private static List<String> ids(JsonNode list) {
        List<String> ids = new ArrayList<>();
        list.get("tasks").forEach(t -> ids.add(t.get("id").asText()));
        return ids;
    }

    @Test
    void theListHoldsTheTasksFromBeforeARestartWithTheirStoredTimes() {
        Path journal = dir.resolve("trinity.db");
        leftByACrash(journal);
        for (int restart = 0; restart < 2; restart++) {
            try (PoolServer server = start(journal)) {
                Http http = new Http(server.url());
                if (restart == 0) { // the interrupted task runs again, its attempt 2
                    JsonNode seven = org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
                            .until(() -> task(http.get("/v1/tasks?limit=5", ACME).json(), "7"),
                                    t -> t != null && t.get("state").asText().equals("RUNNING"));
                    assertThat(seven.get("attempts").asInt()).isEqualTo(2);
                    assertThat(at(seven, "submittedAt")).isEqualTo(Instant.ofEpochMilli(T0 + 7000));
                    TestAgents.open("restart-7");
                    assertThat(http.get("/v1/tasks/7?wait=20s", ACME).json().get("state").asText()).isEqualTo("SUCCEEDED");
                }
                JsonNode page = http.get("/v1/tasks?limit=5&after=9", ACME).json(); // 9 on: made after a restart
                assertThat(ids(page)).as(page.toString()).containsExactly("8", "7", "5", "4", "3");
                assertThat(page.get("next").asText()).isEqualTo("3");
                JsonNode rest = http.get("/v1/tasks?limit=5&after=3", ACME).json();
                assertThat(ids(rest)).as(rest.toString()).containsExactly("2", "1");
                assertThat(rest.get("next").isNull()).isTrue();
                JsonNode succeeded = http.get("/v1/tasks?limit=5&after=9&state=SUCCEEDED&type=echo", ACME).json();
                assertThat(ids(succeeded)).as(succeeded.toString()).containsExactly("8", "5", "4", "3", "2");
                assertThat(ids(http.get("/v1/tasks", GLOBEX).json())).containsExactly("6");
                assertThat(ids(http.get("/v1/tasks?tenant=globex", ADMIN).json())).containsExactly("6");

                // the stored times, the same on every read and after every restart
                for (String read : List.of("/v1/tasks/2", "/v1/tasks/2")) {
                    JsonNode two = http.get(read, ACME).json();
                    assertThat(at(two, "submittedAt")).as(two.toString()).isEqualTo(Instant.ofEpochMilli(T0 + 2000));
                    assertThat(at(two, "startedAt")).isEqualTo(Instant.ofEpochMilli(T0 + 2010));
                    assertThat(at(two, "endedAt")).isEqualTo(Instant.ofEpochMilli(T0 + 2020));
                    assertThat(two.get("result").get("n").asInt()).isEqualTo(2);
                }
                JsonNode listed = page.get("tasks").get(4);
                assertThat(at(listed, "submittedAt")).isEqualTo(Instant.ofEpochMilli(T0 + 3000));
                assertThat(at(listed, "endedAt")).isEqualTo(Instant.ofEpochMilli(T0 + 3020));
                // the recovered queued task keeps the time it was accepted
                JsonNode eight = http.get("/v1/tasks/8?wait=20s", ACME).json();
                assertThat(at(eight, "submittedAt")).as(eight.toString()).isEqualTo(Instant.ofEpochMilli(T0 + 8000));
                assertThat(at(page.get("tasks").get(0), "submittedAt")).isEqualTo(Instant.ofEpochMilli(T0 + 8000));

                // a task submitted after the restart is listed first
                String fresh = http.post("/v1/tasks", ACME, "{\"type\": \"echo\"}").json().get("id").asText();
                assertThat(ids(http.get("/v1/tasks?limit=1", ACME).json())).containsExactly(fresh);
            }
        }
    }
}
