package io.trinity.pool.server;

import static io.trinity.pool.server.TestServers.ACME;
import static io.trinity.pool.server.TestServers.ADMIN;
import static io.trinity.pool.server.TestServers.GLOBEX;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A tenant key never learns another tenant's name or task ids, not even from the reason a task
 * of its own was shed in favour of theirs; an admin key sees the reason whole.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PrivacyTest {

    @Test
    void aShedTasksReasonNamesNoOtherTenantToATenantKey() throws Exception {
        String gate = UUID.randomUUID().toString();
        String body = "{\"type\": \"gate\", \"input\": {\"gate\": \"" + gate + "\"}}";
        // one agent, two queue slots: acme fills both, then globex (below its share) takes acme's newest
        try (PoolServer server = TestServers.start(1, 2)) {
            Http http = new Http(server.url());
            String running = http.post("/v1/tasks", ACME, body).json().get("id").asText();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() ->
                    http.get("/v1/tasks/" + running, ACME).json().get("state").asText().equals("RUNNING"));
            http.post("/v1/tasks", ACME, body);
            String shed = http.post("/v1/tasks", ACME, body).json().get("id").asText();
            try (SseReader acmeEvents = new SseReader(http, ACME, "0")) {
                Http.Answer theirs = http.post("/v1/tasks", GLOBEX, body);
                assertThat(theirs.status()).as(theirs.toString()).isEqualTo(202);
                String globexTask = theirs.json().get("id").asText();

                JsonNode mine = http.get("/v1/tasks/" + shed + "?wait=10s", ACME).json();
                assertThat(mine.get("state").asText()).isEqualTo("REJECTED");
                assertThat(mine.get("error").asText() + mine.get("reasons")).contains("shed", "another tenant")
                        .doesNotContain("globex").doesNotContain("task " + globexTask);

                JsonNode asAdmin = http.get("/v1/tasks/" + shed, ADMIN).json();
                assertThat(asAdmin.get("reasons").toString()).contains("task " + globexTask + " of tenant 'globex'");

                SseReader.Event reject = acmeEvents.until(e -> e.ev().equals("task.reject")
                        && String.valueOf(e.task()).equals(shed), Duration.ofSeconds(20)).getLast();
                assertThat(reject.data()).contains("another tenant").doesNotContain("globex")
                        .doesNotContain("task " + globexTask);
                SseReader.Event end = acmeEvents.until(e -> e.ev().equals("task.end")
                        && String.valueOf(e.task()).equals(shed), Duration.ofSeconds(20)).getLast();
                assertThat(end.data()).doesNotContain("globex");
            } finally {
                TestAgents.open(gate);
            }
        }
    }

    @Test
    void aPreemptedTasksReasonNamesNoOtherTenantsTaskToATenantKey() throws Exception {
        String gate = UUID.randomUUID().toString();
        // one agent: acme's task runs; globex's task of priority 900 preempts it
        try (PoolServer server = TestServers.start(1, 10)) {
            Http http = new Http(server.url());
            String mine = http.post("/v1/tasks", ACME, "{\"type\": \"gate\", \"input\": {\"gate\": \"" + gate + "\"}}")
                    .json().get("id").asText();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() ->
                    http.get("/v1/tasks/" + mine, ACME).json().get("state").asText().equals("RUNNING"));
            try (SseReader acmeEvents = new SseReader(http, ACME, "0");
                 SseReader adminEvents = new SseReader(http, ADMIN, "0")) {
                Http.Answer theirs = http.post("/v1/tasks", GLOBEX, "{\"type\": \"gate\", \"priority\": 900,"
                        + " \"input\": {\"gate\": \"" + gate + "\"}}");
                assertThat(theirs.status()).as(theirs.toString()).isEqualTo(202);
                String globexTask = theirs.json().get("id").asText();

                SseReader.Event preempted = acmeEvents.until(e -> e.ev().equals("task.end")
                        && String.valueOf(e.task()).equals(mine), Duration.ofSeconds(20)).getLast();
                assertThat(preempted.json().get("outcome").asText()).isEqualTo("preempted");
                assertThat(preempted.json().get("reason").asText())
                        .isEqualTo("preempted by a higher-priority task of another tenant");
                assertThat(preempted.data()).doesNotContain("task " + globexTask).doesNotContain("globex");

                SseReader.Event whole = adminEvents.until(e -> e.ev().equals("task.end")
                        && String.valueOf(e.task()).equals(mine), Duration.ofSeconds(20)).getLast();
                assertThat(whole.json().get("reason").asText())
                        .isEqualTo("preempted by task " + globexTask + " (priority 900)");
            } finally {
                TestAgents.open(gate);
            }
            JsonNode done = http.get("/v1/tasks/" + mine + "?wait=10s", ACME).json();
            assertThat(done.get("state").asText()).isEqualTo("SUCCEEDED");
            assertThat(done.toString()).doesNotContain("globex");
        }
    }
}
