package io.trinity.pool.bench.journal;

import io.trinity.pool.journal.jdbc.JdbcJournal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.stream.Stream;

/** One journal configuration under test; {@link #open} gives a fresh, empty journal each time. */
abstract class JournalTarget implements AutoCloseable {

    private int opened;

    abstract String name();

    abstract String spec(int n);

    abstract JdbcJournal.Builder configure(JdbcJournal.Builder b);

    JdbcJournal open() {
        return configure(JdbcJournal.builder(spec(++opened))).open();
    }

    /** A SQLite file in a temp folder on the same disk as the build. */
    static JournalTarget sqlite(String synchronous, Path dir) {
        return new JournalTarget() {
            @Override
            String name() {
                return "SQLite, synchronous=" + synchronous;
            }

            @Override
            String spec(int n) {
                return dir.resolve("bench-" + synchronous.toLowerCase() + "-" + n + ".db").toString();
            }

            @Override
            JdbcJournal.Builder configure(JdbcJournal.Builder b) {
                return b.synchronous(synchronous);
            }

            @Override
            public void close() throws IOException {
                try (Stream<Path> files = Files.walk(dir)) {
                    for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        };
    }

    /** A schema of its own in the PostgreSQL database {@code url} names, dropped at the end. */
    static JournalTarget postgres(String url) {
        String schema = "journal_bench_" + ProcessHandle.current().pid();
        return new JournalTarget() {
            @Override
            String name() {
                return "PostgreSQL 15 (loopback)";
            }

            @Override
            String spec(int n) {
                drop(n - 1);
                return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema + "_" + n;
            }

            @Override
            JdbcJournal.Builder configure(JdbcJournal.Builder b) {
                return b;
            }

            private void drop(int n) {
                if (n < 1) {
                    return;
                }
                try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
                    st.execute("DROP SCHEMA IF EXISTS " + schema + "_" + n + " CASCADE");
                } catch (SQLException e) {
                    throw new IllegalStateException("cannot drop bench schema: " + e.getMessage(), e);
                }
            }

            @Override
            public void close() {
                for (int n = 1; n <= 20; n++) {
                    drop(n);
                }
            }
        };
    }
}
