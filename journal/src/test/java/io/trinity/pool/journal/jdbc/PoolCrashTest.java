package io.trinity.pool.journal.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pool's durability promise under {@code kill -9}: a child JVM runs a pool on a SQLite (or
 * PostgreSQL) journal and is killed at a random point (while submitting, while tasks run) several times;
 * every restart retries every submit with the same idempotency key, and a last run finishes.
 * Every task a submit ever acknowledged ends in exactly one final state, keeps its id across
 * restarts, and no two reports of its end disagree.
 */
class PoolCrashTest {

    static final int TASKS = 150;
    static final int CRASHES = 4;

    @TempDir
    Path dir;

    final Map<Integer, Long> idByKey = new HashMap<>();
    final Map<Long, Set<String>> endsById = new HashMap<>();

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void nothingAcknowledgedIsLostToKillNine(String database) throws Exception {
        String db = database.equals("sqlite") ? dir.resolve("pool.db").toString() : postgresSchemaUrl();
        Random random = new Random(11);
        for (int crash = 0; crash < CRASHES; crash++) {
            // kill after a random number of output lines: during submits or while tasks run
            run(db, "crash", 20 + random.nextInt(TASKS + 100));
        }
        boolean done = run(db, "finish", Integer.MAX_VALUE);
        assertThat(done).as("the last run finished every task").isTrue();

        assertThat(idByKey).hasSize(TASKS);
        for (Map.Entry<Integer, Long> e : idByKey.entrySet()) {
            Set<String> ends = endsById.get(e.getValue());
            assertThat(ends).as("final states reported for key k-%d (task %d)", e.getKey(), e.getValue())
                    .isNotNull().hasSize(1);
            assertThat(ends.iterator().next()).isIn("SUCCEEDED", "FAILED");
        }
    }

    /** Runs the child; kills it after {@code killAfterLines} lines unless it finishes first. */
    /** A fresh schema on the test PostgreSQL (skipped without one, except in CI). */
    private String postgresSchemaUrl() {
        String base = System.getenv(PostgresJournalTest.ENV);
        if (base == null || base.isBlank()) {
            String why = PostgresJournalTest.ENV + " is not set; run .ci/postgres and export what it prints";
            if ("true".equals(System.getenv("CI"))) {
                org.junit.jupiter.api.Assertions.fail("the PostgreSQL crash test must run in CI: " + why);
            }
            System.err.println("PoolCrashTest on PostgreSQL skipped: " + why);
            org.junit.jupiter.api.Assumptions.abort(why);
        }
        String schema = "crash_" + Long.toHexString(new Random().nextLong() & Long.MAX_VALUE);
        return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    private boolean run(String db, String mode, int killAfterLines) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), CrashedPool.class.getName(), db,
                String.valueOf(TASKS), mode)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        boolean done = false;
        int lines = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                String[] f = line.split(" ");
                switch (f[0]) {
                    case "ACK" -> {
                        Long before = idByKey.putIfAbsent(Integer.parseInt(f[1]), Long.parseLong(f[2]));
                        assertThat(before == null || before == Long.parseLong(f[2]))
                                .as("key k-%s keeps its task id across restarts (%s, then %s)", f[1], before, f[2]).isTrue();
                    }
                    case "END" -> endsById.computeIfAbsent(Long.parseLong(f[1]), k -> new HashSet<>()).add(f[2]);
                    case "DONE" -> done = true;
                    default -> { }
                }
                if (++lines >= killAfterLines) {
                    p.destroyForcibly(); // SIGKILL: no shutdown hook, no close
                    break;
                }
            }
        } finally {
            p.destroyForcibly();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        return done;
    }

}
