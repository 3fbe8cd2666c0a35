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

    @Test
    void independentTasksShareRoundZeroAndOneTasksRecordsFollowEachOther() {
        JournalRecord a1 = accepted(1, 0);
        JournalRecord a2 = accepted(2, 0);
        JournalRecord s1 = started(1, 1, 1);
        JournalRecord f1 = succeeded(1, 2);
        JournalRecord s3 = started(3, 1, 1);
        JournalRecord snap = new SnapshotSaved("code", "code-1", Map.of(), 3);
        List<List<JournalRecord>> rounds = RecordWriter.rounds(List.of(a1, s1, a2, s3, f1, snap));
        assertThat(rounds).containsExactly(List.of(a1, a2, s3, snap), List.of(s1), List.of(f1));
    }
}
