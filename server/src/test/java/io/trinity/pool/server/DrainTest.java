package io.trinity.pool.server;

import static io.trinity.pool.server.TestServers.ACME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trinity.pool.ShutdownReport;
import io.trinity.pool.TaskState;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Graceful drain: not ready, no new tasks, reads still served, running work finishes, then HTTP stops. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DrainTest {

    @Test
    void whileDrainingReadyzIs503SubmitsAre503AndRunningTasksFinish() throws Exception {
        String gate = UUID.randomUUID().toString();
        PoolServer server = TestServers.start(2, 10);
        Http http = new Http(server.url());
        assertThat(http.get("/readyz", null).status()).isEqualTo(200);
        String id = http.post("/v1/tasks", ACME, "{\"type\": \"gate\", \"input\": {\"gate\": \"" + gate + "\"}}")
                .json().get("id").asText();
        try (SseReader events = new SseReader(http, ACME, null)) {
            CompletableFuture<ShutdownReport> drained = CompletableFuture.supplyAsync(
                    () -> server.drain(Duration.ofSeconds(30)));
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> http.get("/readyz", null).status() == 503);
            assertThat(http.get("/readyz", null).json().get("status").asText()).isEqualTo("draining");
            assertThat(http.get("/healthz", null).status()).isEqualTo(200);

            Http.Answer refused = http.post("/v1/tasks", ACME, "{\"type\": \"echo\"}");
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.header("Retry-After")).isEqualTo("1");
            assertThat(refused.json().get("reason").asText()).isEqualTo("shutdown");
            assertThat(http.get("/v1/tasks/" + id, ACME).json().get("state").asText()).isIn("QUEUED", "RUNNING");
            assertThat(drained).isNotDone();

            TestAgents.open(gate);
            ShutdownReport report = drained.get(20, TimeUnit.SECONDS);
            assertThat(report.finalStates().get(TaskState.SUCCEEDED)).isEqualTo(1L);
            assertThat(report.cancelled()).isZero();
            // the event stream ended with the server
            SseReader.Event last;
            do {
                last = events.next(Duration.ofSeconds(10));
            } while (last != null);
        }
        assertThatThrownBy(() -> http.get("/healthz", null)).isInstanceOf(UncheckedIOException.class);
        assertThat(server.isDraining()).isTrue();
        assertThat(server.stopped()).isCompleted();
    }

    @Test
    void whatTheDrainDoesNotFinishIsCancelled() {
        String gate = UUID.randomUUID().toString();
        PoolServer server = TestServers.start(1, 10);
        Http http = new Http(server.url());
        http.post("/v1/tasks", ACME, "{\"type\": \"gate\", \"input\": {\"gate\": \"" + gate + "\"}}");
        ShutdownReport report = server.drain(Duration.ofMillis(200));
        assertThat(report.cancelled()).isEqualTo(1);
        assertThat(report.finalStates().get(TaskState.CANCELLED)).isEqualTo(1L);
        assertThat(server.drain(Duration.ofSeconds(1))).isSameAs(report);
    }
}
