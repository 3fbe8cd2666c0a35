package io.trinity.pool.journal.jdbc;

import io.trinity.pool.journal.JournalException;
import java.sql.SQLException;
import java.util.Locale;

/**
 * Turns a driver's exception into a message for people: which journal, what happened in words,
 * the driver's own text, and what to do. SQLite reports a primary result code, PostgreSQL an
 * SQLSTATE; both are read here so callers see "is full", not "[SQLITE_FULL]" alone.
 */
final class Failures {

    private static final int SQLITE_BUSY = 5;
    private static final int SQLITE_READONLY = 8;
    private static final int SQLITE_IOERR = 10;
    static final int SQLITE_CORRUPT = 11;
    private static final int SQLITE_FULL = 13;
    private static final int SQLITE_CANTOPEN = 14;
    static final int SQLITE_NOTADB = 26;

    private Failures() {
    }

    /** A group of records could not be committed; nothing of it was stored. */
    static JournalException write(String journal, Throwable e, java.time.Duration writeTimeout) {
        if (timedOut(e)) {
            return new JournalException("journal " + journal + " did not answer a write within writeTimeout ("
                    + writeTimeout.toSeconds() + " s): " + detail(e) + "; check that PostgreSQL and the network to it"
                    + " are up, or raise writeTimeout for a database that is slow to commit; the write may or may not"
                    + " have been stored", e);
        }
        return new JournalException(describe(journal, "could not be written", e)
                + "; nothing of this write was stored", e);
    }

    /** A read failed. */
    static JournalException read(String journal, Throwable e) {
        return new JournalException(describe(journal, "could not be read", e), e);
    }

    /** Opening failed while doing {@code what}. */
    static JournalException open(String journal, String what, Throwable e) {
        return new JournalException(describe(journal, "could not be opened (" + what + ")", e), e);
    }

    private static boolean timedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    static String describe(String journal, String otherwise, Throwable e) {
        String detail = detail(e);
        SQLException sql = sqlException(e);
        if (sql != null) {
            String state = sql.getSQLState() == null ? "" : sql.getSQLState();
            int code = sqliteCode(sql);
            if (code == SQLITE_FULL || state.equals("53100")) {
                return "journal " + journal + " is full: " + detail
                        + "; free disk space (or raise the database's size limit), then retry";
            }
            if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB) {
                return "journal " + journal + " is corrupt: " + detail
                        + "; move it away and restore a backup, or start with another journal";
            }
            if (code == SQLITE_READONLY || code == SQLITE_CANTOPEN) {
                return "journal " + journal + " cannot be written to: " + detail
                        + "; check the file's and its folder's permissions";
            }
            if (code == SQLITE_IOERR) {
                return "journal " + journal + " hit a disk I/O error: " + detail + "; check the disk";
            }
            if (code == SQLITE_BUSY) {
                return "journal " + journal + " is locked by another connection: " + detail
                        + "; make sure no other program writes to it";
            }
            if (state.startsWith("08") || state.startsWith("57P")) {
                return "journal " + journal + " is unreachable: " + detail
                        + "; check that PostgreSQL is running and the URL, user and password";
            }
            if (state.equals("28P01") || state.equals("28000")) {
                return "journal " + journal + " refused the login: " + detail + "; check the user and password in the URL";
            }
            if (state.equals("3D000")) {
                return "journal " + journal + " names a database that does not exist: " + detail
                        + "; create it (createdb) or fix the URL";
            }
        }
        return "journal " + journal + " " + otherwise + ": " + detail;
    }

    /** The SQLite primary result code, or -1 when this is not a SQLite error. */
    static int sqliteCode(SQLException e) {
        for (SQLException s = e; s != null; s = s.getNextException()) {
            if (s.getClass().getName().startsWith("org.sqlite.")) {
                return s.getErrorCode() & 0xff;
            }
            String m = String.valueOf(s.getMessage());
            if (m.startsWith("[SQLITE_")) {
                return codeOf(m.substring(8, m.indexOf(']') < 0 ? m.length() : m.indexOf(']')));
            }
            if (s.getNextException() == s) {
                break;
            }
        }
        return -1;
    }

    private static int codeOf(String name) {
        String n = name.toUpperCase(Locale.ROOT);
        if (n.startsWith("FULL")) {
            return SQLITE_FULL;
        }
        if (n.startsWith("CORRUPT")) {
            return SQLITE_CORRUPT;
        }
        if (n.startsWith("NOTADB")) {
            return SQLITE_NOTADB;
        }
        if (n.startsWith("READONLY")) {
            return SQLITE_READONLY;
        }
        if (n.startsWith("IOERR")) {
            return SQLITE_IOERR;
        }
        if (n.startsWith("BUSY")) {
            return SQLITE_BUSY;
        }
        if (n.startsWith("CANTOPEN")) {
            return SQLITE_CANTOPEN;
        }
        return -1;
    }

    private static SQLException sqlException(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException s) {
                return s;
            }
        }
        return null;
    }

    /** The most telling message in the chain, passwords hidden. */
    private static String detail(Throwable e) {
        String best = null;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                best = t.getMessage();
                if (t instanceof SQLException) {
                    break;
                }
            }
        }
        String text = best == null ? e.getClass().getSimpleName() : best.strip();
        return Location.redact(text.replace('\n', ' '));
    }
}
