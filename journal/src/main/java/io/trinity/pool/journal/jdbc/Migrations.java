package io.trinity.pool.journal.jdbc;

import io.trinity.pool.journal.JournalException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/**
 * Brings a journal's schema to this build's version with Flyway, and refuses one written by a
 * newer build: Flyway by default ignores migrations it does not know ("future" ones), which
 * would let an old build write rows a newer schema does not expect.
 */
final class Migrations {

    /** Flyway's history table; named so it cannot collide with an application's own. */
    static final String HISTORY = "trinity_schema_history";

    private Migrations() {
    }

    /** Migrates and returns the schema version now in force. */
    static int migrate(DataSource dataSource, Location location) {
        Flyway flyway = configure(dataSource, location).load();
        try {
            MigrationInfoService info = flyway.info();
            int known = 0;
            for (MigrationInfo m : info.all()) {
                if (m.getVersion() != null && m.getState().isResolved()) {
                    known = Math.max(known, Integer.parseInt(m.getVersion().getVersion()));
                }
            }
            int applied = 0;
            for (MigrationInfo m : info.applied()) {
                if (m.getVersion() != null) {
                    applied = Math.max(applied, Integer.parseInt(m.getVersion().getVersion()));
                }
                if (m.getState() == MigrationState.FUTURE_SUCCESS || m.getState() == MigrationState.FUTURE_FAILED) {
                    throw newer(location, applied, known);
                }
            }
            if (applied > known) {
                throw newer(location, applied, known);
            }
            flyway.migrate();
            return known;
        } catch (FlywayException e) {
            throw new JournalException("journal " + location.name() + " could not be migrated to schema version "
                    + "of this build: " + oneLine(e.getMessage())
                    + "; if this database holds something other than a Trinity journal, point --journal elsewhere", e);
        }
    }

    private static FluentConfiguration configure(DataSource dataSource, Location location) {
        FluentConfiguration c = Flyway.configure(Migrations.class.getClassLoader())
                .dataSource(dataSource)
                .locations(location.dialect().migrations())
                .table(HISTORY)
                .validateOnMigrate(true)
                .cleanDisabled(true);
        if (location.schema() != null) {
            c = c.schemas(location.schema()).defaultSchema(location.schema()).createSchemas(true);
        }
        return c;
    }

    private static JournalException newer(Location location, int applied, int known) {
        return new JournalException("journal " + location.name() + " has schema version " + applied
                + ", newer than this build's " + known
                + "; upgrade trinity-pool, or use another journal (it was left untouched)");
    }

    private static String oneLine(String s) {
        return s == null ? "" : Location.redact(s.replaceAll("\\s*\\R\\s*", " ").strip()); // Flyway may quote the URL
    }
}
