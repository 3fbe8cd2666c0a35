package io.trinity.pool.journal.jdbc;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** {@link PoolStateContract} on a SQLite file. */
class SqlitePoolStateTest extends PoolStateContract {

    @TempDir
    Path dir;

    @Override
    JdbcJournal.Builder builder() {
        return JdbcJournal.builder(dir.resolve("trinity.db").toString());
    }

    @AfterEach
    void close() {
        closeJournals();
    }
}
