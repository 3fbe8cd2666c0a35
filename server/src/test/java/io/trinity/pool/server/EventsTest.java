package io.trinity.pool.server;

import static io.trinity.pool.server.TestServers.ACME;
import static io.trinity.pool.server.TestServers.ADMIN;
import static io.trinity.pool.server.TestServers.GLOBEX;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/** GET /v1/events: event-log objects as SSE, filtered by tenant, resumable with Last-Event-ID. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EventsTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    private PoolServer server;
    private Http http;

    @BeforeAll
    void start() {
        server = TestServers.start(2, 100);
        http = new Http(server.url());
    }

    @AfterAll
    void stop() {
        server.drain(Duration.ofSeconds(5));
    }

    private long submit(String key) {
        return http.post("/v1/tasks", key, "{\"type\": \"echo\"}").json().get("id").asLong();
    }

    private static boolean endOf(SseReader.Event e, long task) {
        return e.ev().equals("task.end") && e.task() == task;
    }

    @Test
    void aTenantSeesItsOwnTasksEventsAndPoolEventsButNoOneElses() throws Exception {
        try (SseReader acme = new SseReader(http, ACME, null); SseReader admin = new SseReader(http, ADMIN, null)) {
            assertThat(acme.status).isEqualTo(200);
            long theirs = submit(GLOBEX);
            http.get("/v1/tasks/" + theirs + "?wait=10s", GLOBEX);
            long mine = submit(ACME);

            List<SseReader.Event> seen = acme.until(e -> endOf(e, mine), WAIT);
            assertThat(seen).noneMatch(e -> e.task() == theirs);
            assertThat(seen).noneMatch(e -> "globex".equals(e.json().path("tenant").asText()));
            assertThat(seen).anyMatch(e -> e.ev().equals("task.submit") && e.task() == mine
                    && e.json().get("tenant").asText().equals("acme"));
            assertThat(seen).anyMatch(e -> e.ev().equals("task.dispatch") && e.task() == mine);
            // pool-level events (agents) are for everyone
            assertThat(seen).anyMatch(e -> e.ev().startsWith("agent."));

            List<SseReader.Event> all = admin.until(e -> endOf(e, mine), WAIT);
            assertThat(all).anyMatch(e -> e.task() == theirs);
            assertThat(all).anyMatch(e -> e.task() == mine);
        }
    }

    @Test
    void eventsAreEventLogObjectsWithIncreasingIds() throws Exception {
        try (SseReader admin = new SseReader(http, ADMIN, null)) {
            long task = submit(ACME);
            List<SseReader.Event> seen = admin.until(e -> endOf(e, task), WAIT);
            long previous = 0;
            for (SseReader.Event e : seen) {
                assertThat(e.seq()).isGreaterThan(previous);
                previous = e.seq();
                JsonNode j = e.json();
                assertThat(j.get("t").isIntegralNumber()).isTrue();
                assertThat(j.get("ev").asText()).isNotBlank();
            }
            SseReader.Event end = seen.getLast();
            assertThat(end.json().get("outcome").asText()).isEqualTo("succeeded");
            assertThat(end.json().has("agent")).isTrue();
        }
    }

    @Test
    void lastEventIdResumesRightAfterThatEvent() throws Exception {
        long first;
        long resumeAfter;
        List<SseReader.Event> original;
        try (SseReader admin = new SseReader(http, ADMIN, null)) {
            first = submit(ACME);
            admin.until(e -> endOf(e, first), WAIT);
            long second = submit(ACME);
            original = admin.until(e -> endOf(e, second), WAIT);
            resumeAfter = original.getFirst().seq() - 1;
        }
        // a client that saw everything up to resumeAfter gets exactly what followed, in order
        try (SseReader resumed = new SseReader(http, ADMIN, String.valueOf(resumeAfter))) {
            List<SseReader.Event> replay = resumed.until(e -> e.seq() == original.getLast().seq(), WAIT);
            assertThat(replay.getFirst().seq()).isEqualTo(resumeAfter + 1);
            assertThat(replay.stream().map(SseReader.Event::data).toList())
                    .containsSubsequence(original.stream().map(SseReader.Event::data).toList());
        }
    }

    @Test
    void theStreamNeedsAcceptAndAValidLastEventId() {
        Http.Answer noAccept = http.get("/v1/events", ACME);
        assertThat(noAccept.status()).isEqualTo(406);
        assertThat(noAccept.json().get("field").asText()).isEqualTo("Accept");
        Http.Answer badId = http.send(http.request("/v1/events", ACME).header("Accept", "text/event-stream")
                .header("Last-Event-ID", "yesterday").GET());
        assertThat(badId.status()).isEqualTo(400);
        assertThat(badId.json().get("field").asText()).isEqualTo("Last-Event-ID");
        Http.Answer noKey = http.send(http.request("/v1/events", null).header("Accept", "text/event-stream").GET());
        assertThat(noKey.status()).isEqualTo(401);
    }
}
