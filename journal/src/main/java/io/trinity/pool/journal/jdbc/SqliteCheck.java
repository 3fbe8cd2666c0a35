package io.trinity.pool.journal.jdbc;

import io.trinity.pool.journal.JournalException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The one diagnosis of an existing SQLite journal file, shared by a pool opening it and by
 * {@code tri journal}: another program's database, or damaged pages ({@code PRAGMA quick_check},
 * which reads every page once). Only SELECTs and the check run, so the file is left as it was.
 * A damaged file is told in one line: SQLite's findings can run to hundreds of lines, so the
 * message counts them and quotes the first.
 */
final class SqliteCheck {

    /** quick_check stops after this many findings; enough to count, cheap on a ruined file. */
    private static final int MAX_FINDINGS = 100;
    private static final int MAX_QUOTE = 120;

    private SqliteCheck() {
    }

    /**
     * Refuses a database with tables but no journal history, and one whose pages are damaged.
     * Returns the names of its tables (empty for a new, empty file).
     */
    static List<String> inspect(Connection c, Location location) {
        List<String> tables = new ArrayList<>();
        List<String> findings = new ArrayList<>();
        try (Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'"
                    + " AND name NOT LIKE 'sqlite_%' ORDER BY name")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            if (!tables.isEmpty() && !tables.contains(Migrations.HISTORY)) {
                throw new JournalException("journal " + location.name() + " holds another program's database (tables: "
                        + String.join(", ", tables.subList(0, Math.min(5, tables.size())))
                        + "), not a Trinity journal; it was left untouched: point --journal elsewhere");
            }
            try (ResultSet rs = st.executeQuery("PRAGMA quick_check(" + MAX_FINDINGS + ")")) {
                while (rs.next()) {
                    findings.addAll(findings(rs.getString(1)));
                }
            }
        } catch (SQLException e) {
            throw failure(location, e);
        }
        if (!findings.isEmpty()) {
            int n = findings.size();
            String count = n >= MAX_FINDINGS ? MAX_FINDINGS + " or more problems" : n == 1 ? "1 problem" : n + " problems";
            throw corrupt(location, "quick_check: " + count + ", first: " + abbreviate(findings.get(0)), null);
        }
        return tables;
    }

    /**
     * What a driver error on an existing file means: "is corrupt" when SQLite says so (a file cut
     * short or with a damaged header fails before quick_check can run), else the usual words.
     */
    static JournalException failure(Location location, SQLException e) {
        int code = Failures.sqliteCode(e);
        if (code == Failures.SQLITE_CORRUPT || code == Failures.SQLITE_NOTADB) {
            return corrupt(location, "SQLite: " + abbreviate(reason(e)), e);
        }
        return Failures.open(location.name(), "checking its pages", e);
    }

    /** One row of quick_check may hold several findings, one a line, under a "*** in database main ***" heading. */
    static List<String> findings(String row) {
        List<String> out = new ArrayList<>();
        if (row == null || row.strip().equalsIgnoreCase("ok")) {
            return out;
        }
        for (String line : row.split("\\R")) {
            String l = line.strip();
            if (!l.isEmpty() && !(l.startsWith("***") && l.endsWith("***"))) {
                out.add(l);
            }
        }
        return out;
    }

    static JournalException corrupt(Location location, String finding, Throwable cause) {
        return new JournalException("journal " + location.name() + " is corrupt (" + finding
                + "); it was left untouched: move it away and restore a backup, or point --journal at another file",
                cause);
    }

    /**
     * SQLite's own words: sqlite-jdbc writes "[SQLITE_CORRUPT] The database disk image is malformed
     * (database disk image is malformed)", the code's description and then SQLite's message; the last is enough.
     */
    private static String reason(SQLException e) {
        String m = String.valueOf(e.getMessage()).strip();
        int open = m.lastIndexOf(" (");
        if (m.startsWith("[SQLITE_") && m.endsWith(")") && open > 0) {
            return m.substring(open + 2, m.length() - 1);
        }
        return m.startsWith("[SQLITE_") && m.indexOf(']') > 0 ? m.substring(m.indexOf(']') + 1).strip() : m;
    }

    static String abbreviate(String s) {
        String one = s.replaceAll("\\s*\\R\\s*", " ").strip();
        return one.length() <= MAX_QUOTE ? one : one.substring(0, MAX_QUOTE - 3) + "...";
    }
}
