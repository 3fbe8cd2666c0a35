/**
 * The journal over JDBC: SQLite embedded and PostgreSQL shared. Open one with
 * {@link io.trinity.pool.journal.jdbc.Journals#open} or {@link io.trinity.pool.journal.jdbc.JdbcJournal#builder}.
 */
module io.trinity.pool.journal.jdbc {
    requires transitive io.trinity.pool;
    requires java.sql;
    requires org.slf4j;
    requires com.zaxxer.hikari;
    requires org.xerial.sqlitejdbc;
    requires org.postgresql.jdbc;
    requires flyway.core;
    requires com.fasterxml.jackson.databind;

    exports io.trinity.pool.journal.jdbc;
}
