package io.trinity.pool.journal.jdbc;

/**
 * What differs between the two databases. The tables, columns and statements are the same;
 * PostgreSQL keeps JSON as {@code jsonb} (so operators can query it), SQLite as text, and each
 * has its own way to append to a JSON array.
 */
enum Dialect {
    SQLITE("classpath:trinity-journal/sqlite", "?", "json_insert(reasons_json, '$[#]', ?)"),
    POSTGRESQL("classpath:trinity-journal/postgresql", "?::jsonb", "reasons_json || jsonb_build_array(?::text)");

    private final String migrations;
    private final String json;
    private final String appendReason;

    Dialect(String migrations, String json, String appendReason) {
        this.migrations = migrations;
        this.json = json;
        this.appendReason = appendReason;
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
