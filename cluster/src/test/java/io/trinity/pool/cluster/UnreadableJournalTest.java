package io.trinity.pool.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A keyed submit checks the key against the stored tasks; when the journal cannot be read (its
 * database unreachable, a deposed scheduler's journal closed) the answer is a 503 the client
 * retries with the same key, not a 500.
 */
class UnreadableJournalTest {

    @Test
    void aKeyedSubmitWhoseKeyCannotBeCheckedIsA503ToRetry() throws Exception {
        try (InProcessCluster cluster = new InProcessCluster()) {
            ClusterNode n1 = cluster.start("n1");
            cluster.awaitScheduler();
            cluster.execute("ALTER TABLE tasks RENAME TO tasks_away"); // the journal's reads fail, as with no database
            try {
                HttpResponse<String> r = cluster.send(n1, "POST", "v1/tasks", InProcessCluster.JSON.writeValueAsString(
                        Map.of("type", "work", "input", Map.of("text", "k1"))), "Content-Type", "application/json",
                        "Idempotency-Key", "k1");
                assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
                assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
                JsonNode body = InProcessCluster.JSON.readTree(r.body());
                assertThat(body.path("reason").asText()).isEqualTo("not_stored");
                assertThat(body.path("error").asText()).contains("retry the call", "Idempotency-Key");
            } finally {
                cluster.execute("ALTER TABLE tasks_away RENAME TO tasks");
            }
            String id = cluster.submit(n1, "k1");
            InProcessCluster.await("the retried submit ends", () -> {
                JsonNode t = cluster.task(n1, id);
                return t != null && "SUCCEEDED".equals(t.path("state").asText());
            });
        }
    }
}
