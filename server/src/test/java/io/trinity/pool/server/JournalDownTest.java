package io.trinity.pool.server;

import static io.trinity.pool.server.TestServers.ACME;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.trinity.pool.journal.Journal;
import io.trinity.pool.journal.JournalException;
import io.trinity.pool.journal.JournalRecord;
import io.trinity.pool.journal.JournalState;
import io.trinity.pool.journal.StoredTask;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A journal that cannot store (a database stopped, a disk full): a submit is refused with a 503
 * that names the journal's trouble and says to retry, never a 500; a batch says so per task.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JournalDownTest {

    static final String CAUSE = "journal test-db is unreachable: connection refused; check that PostgreSQL is running";

    /** A journal whose every write fails, as a stopped database's would; it reads as empty. */
    static final class DownJournal implements Journal {
        @Override public JournalState load() { return JournalState.empty(); }
        @Override public CompletableFuture<Void> write(List<JournalRecord> records) {
            return CompletableFuture.failedFuture(new JournalException(CAUSE));
        }
        @Override public Optional<StoredTask> find(long taskId) { return Optional.empty(); }
        @Override public Optional<StoredTask> findByIdempotencyKey(String tenant, String key) { return Optional.empty(); }
        @Override public Optional<JournalRecord.SnapshotSaved> latestSnapshot(String type) { return Optional.empty(); }
        @Override public void close() { }
    }

    private static PoolServer start() {
        return TestServers.builder(TestAgents.pool(2, 10).journal(new DownJournal())).build().start();
    }

    @Test
    void aSubmitTheJournalCannotStoreIs503WithTheCauseAndRetryAfter() {
        try (PoolServer server = start()) {
            Http http = new Http(server.url());
            Http.Answer a = http.post("/v1/tasks", ACME, "{\"type\": \"echo\"}");
            assertThat(a.status()).as(a.toString()).isEqualTo(503);
            assertThat(a.headers().firstValue("Retry-After")).hasValue(String.valueOf(Errors.RETRY_AFTER_SECONDS));
            JsonNode body = a.json();
            assertThat(body.get("reason").asText()).isEqualTo("not_stored");
            assertThat(body.get("error").asText()).contains("the journal could not store it", CAUSE, "submit again");

            Http.Answer keyed = http.post("/v1/tasks", ACME, "{\"type\": \"echo\"}", "Idempotency-Key", "k1");
            assertThat(keyed.status()).as(keyed.toString()).isEqualTo(503);
            assertThat(keyed.json().get("error").asText()).contains(CAUSE);
        }
    }

    @Test
    void aBatchTheJournalCannotStoreSaysSoForEachTask() {
        try (PoolServer server = start()) {
            Http http = new Http(server.url());
            Http.Answer a = http.post("/v1/tasks/batch", ACME, "{\"tasks\": [{\"type\": \"echo\"},"
                    + " {\"type\": \"echo\", \"idempotencyKey\": \"b1\"}]}");
            assertThat(a.status()).as(a.toString()).isEqualTo(200);
            assertThat(a.json().get("accepted").asInt()).isZero();
            for (JsonNode r : a.json().get("results")) {
                assertThat(r.get("status").asInt()).as(r.toString()).isEqualTo(503);
                assertThat(r.get("reason").asText()).isEqualTo("not_stored");
                assertThat(r.get("error").asText()).contains("could not store", CAUSE, "submit again");
            }
        }
    }
}
