package io.trinity.pool.journal.jdbc;

import static io.trinity.pool.journal.jdbc.Records.accepted;
import static io.trinity.pool.journal.jdbc.Records.started;
import static io.trinity.pool.journal.jdbc.Records.succeeded;
import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.journal.JournalRecord;
import io.trinity.pool.journal.JournalRecord.SnapshotSaved;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordWriterTest {

    private static final RecordWriter WRITER = new RecordWriter(Dialect.SQLITE);

    @Test
    void independentTasksShareRoundZeroAndOneTasksRecordsFollowEachOther() {
        JournalRecord a1 = accepted(1, 0);
        JournalRecord a2 = accepted(2, 0);
        JournalRecord s1 = started(1, 1, 1);
        JournalRecord f1 = succeeded(1, 2);
        JournalRecord s3 = started(3, 1, 1);
        JournalRecord snap = new SnapshotSaved("code", "code-1", Map.of(), 3);
        List<List<RecordWriter.Row>> rounds = RecordWriter.rounds(WRITER.encode(List.of(a1, s1, a2, s3, f1, snap)));
        assertThat(rounds).containsExactly(WRITER.encode(List.of(a1, a2, s3, snap)),
                WRITER.encode(List.of(s1)), WRITER.encode(List.of(f1)));
    }

    @Test
    void aStartFollowedByItsEndBecomesOneRowAndARequeuedAttemptStaysApart() {
        JournalRecord s1 = started(1, 1, 1);
        JournalRecord q1 = new JournalRecord.Requeued(1, 1, true, "boom", 2);
        JournalRecord s2 = started(1, 2, 3);
        JournalRecord a2 = accepted(2, 3);
        JournalRecord f1 = succeeded(1, 4);
        JournalRecord s3 = started(3, 1, 5);
        List<RecordWriter.Row> merged = RecordWriter.merge(WRITER.encode(List.of(s1, q1, s2, a2, f1, s3)));
        assertThat(merged).extracting(RecordWriter.Row::kind).containsExactly(RecordWriter.Kind.STARTED,
                RecordWriter.Kind.REQUEUED_SPENT, RecordWriter.Kind.ACCEPTED, RecordWriter.Kind.STARTED_AND_FINISHED,
                RecordWriter.Kind.STARTED);
        // agent and start time from the second Started, the rest from the Finished
        assertThat(merged.get(3).values()).containsExactly("code-2", 3L, "SUCCEEDED", 1, "{\"ok\":true}", "[]", 4L,
                false, null, 1L);
    }

    @Test
    void postgresqlGetsEachNulAsTheReplacementCharacterAndSqliteAsItIs() {
        String json = Json.write(Map.of("t", "a\0b\\u0000c"));
        assertThat(json).isEqualTo("{\"t\":\"a\\u0000b\\\\u0000c\"}");
        // Only the real escape changes; the escaped backslash and the text after it stay.
        assertThat(Dialect.POSTGRESQL.storableJson(json)).isEqualTo("{\"t\":\"a\uFFFDb\\\\u0000c\"}");
        assertThat(Json.map(Dialect.POSTGRESQL.storableJson(json))).containsEntry("t", "a\uFFFDb\\u0000c");
        assertThat(Dialect.POSTGRESQL.storable("x\0y\0")).isEqualTo("x\uFFFDy\uFFFD");
        assertThat(Dialect.POSTGRESQL.storable("plain")).isEqualTo("plain");
        assertThat(Dialect.POSTGRESQL.storable(null)).isNull();
        assertThat(Dialect.SQLITE.storableJson(json)).isSameAs(json);
        assertThat(Dialect.SQLITE.storable("x\0y")).isEqualTo("x\0y");
    }
}
