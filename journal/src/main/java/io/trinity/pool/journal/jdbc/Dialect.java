package io.trinity.pool.journal.jdbc;

/**
 * What differs between the two databases. The tables, columns and statements are the same;
 * PostgreSQL keeps JSON as {@code jsonb} (so operators can query it), SQLite as text, and each
 * has its own way to append to a JSON array.
 *
 * <p><b>The character U+0000.</b> PostgreSQL stores no NUL character, neither in {@code text}
 * ("invalid byte sequence for encoding UTF8: 0x00") nor in {@code jsonb} (which refuses the
 * escape <code>&#92;u0000</code>). One such character in a task's result, a failure reason or a snapshot
 * would fail the whole group commit it rides in, and the pool would retry that write for ever.
 * So on PostgreSQL every string the journal stores has each NUL replaced by U+FFFD, the
 * replacement character ({@link #storable(String)}, {@link #storableJson(String)}); SQLite stores
 * NUL as it is.
 */
enum Dialect {
    SQLITE("classpath:trinity-journal/sqlite", "?", "json_insert(reasons_json, '$[#]', ?)", false),
    POSTGRESQL("classpath:trinity-journal/postgresql", "?::jsonb", "reasons_json || jsonb_build_array(?::text)", true);

    private static final char NUL = '\u0000';
    private static final char REPLACEMENT = '\uFFFD';
    private static final String NUL_ESCAPE = "\\u0000";

    private final String migrations;
    private final String json;
    private final String appendReason;
    private final boolean refusesNul;

    Dialect(String migrations, String json, String appendReason, boolean refusesNul) {
        this.migrations = migrations;
        this.json = json;
        this.appendReason = appendReason;
        this.refusesNul = refusesNul;
    }

    /** {@code text} as this database can store it: on PostgreSQL each NUL becomes U+FFFD. */
    String storable(String text) {
        if (!refusesNul || text == null || text.indexOf(NUL) < 0) {
            return text;
        }
        return text.replace(NUL, REPLACEMENT);
    }

    /**
     * JSON text (as Jackson writes it: a NUL inside a string is the escape <code>&#92;u0000</code>) as this
     * database can store it: on PostgreSQL each such escape becomes U+FFFD itself. Only real
     * escapes are replaced; an escaped backslash followed by {@code u0000} is text and stays.
     */
    String storableJson(String json) {
        if (!refusesNul || json == null || !json.contains(NUL_ESCAPE)) {
            return storable(json);
        }
        StringBuilder out = new StringBuilder(json.length());
        int n = json.length();
        for (int i = 0; i < n; i++) {
            char c = json.charAt(i);
            if (c != '\\' || i + 1 >= n) {
                out.append(c == NUL ? REPLACEMENT : c);
            } else if (json.startsWith(NUL_ESCAPE, i)) {
                out.append(REPLACEMENT); // the character itself: a SQL_ASCII database refuses the escape
                i += NUL_ESCAPE.length() - 1;
            } else {
                out.append(c).append(json.charAt(i + 1)); // an escape pair, such as an escaped backslash
                i++;
            }
        }
        return out.toString();
    }

    /** Flyway location of this dialect's migrations. */
    String migrations() {
        return migrations;
    }

    /** The placeholder for a JSON text parameter. */
    String json() {
        return json;
    }

    /** An expression: {@code reasons_json} with one string parameter appended. */
    String appendReason() {
        return appendReason;
    }
}
