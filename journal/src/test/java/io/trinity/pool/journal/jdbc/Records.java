package io.trinity.pool.journal.jdbc;

import io.trinity.pool.Task;
import io.trinity.pool.journal.JournalRecord;
import io.trinity.pool.journal.JournalRecord.Accepted;
import io.trinity.pool.journal.JournalRecord.Finished;
import io.trinity.pool.journal.JournalRecord.Started;
import java.util.List;
import java.util.Map;

/** Records as the pool writes them, built from real tasks. */
final class Records {
    private Records() {
    }

    static Map<String, Object> task(String type, int n) {
        return Task.builder(type).input(Map.of("n", n, "text", "task " + n)).priority(n % 3).build().toPlainData();
    }

    static Accepted accepted(long id, long at) {
        return new Accepted(id, task("code", (int) id), "default", null, at);
    }

    static Accepted accepted(long id, String tenant, String key, long at) {
        Map<String, Object> t = Task.builder("code").input(Map.of("n", id)).tenant(tenant).idempotencyKey(key)
                .build().toPlainData();
        return new Accepted(id, t, tenant, key, at);
    }

    static Started started(long id, int attempt, long at) {
        return new Started(id, attempt, "code-" + attempt, at);
    }

    static Finished succeeded(long id, long at) {
        return new Finished(id, "SUCCEEDED", 1, Map.of("ok", true), List.of(), at);
    }

    /** Accepted, started and succeeded, ending at {@code endedAt}. */
    static List<JournalRecord> life(long id, long endedAt) {
        return List.of(accepted(id, endedAt - 10), started(id, 1, endedAt - 5), succeeded(id, endedAt));
    }
}
