package io.trinity.pool.journal.jdbc;

import java.util.List;

/**
 * Run in a child JVM by {@link KillNineTest}: opens a journal, writes tasks one group at a time,
 * prints "stored N" once task N is durable, and keeps writing until it is killed.
 */
public final class KillTarget {
    private KillTarget() {
    }

    public static void main(String[] args) throws Exception {
        JdbcJournal j = JdbcJournal.builder(args[0]).synchronous(args[1]).open();
        for (long id = 1; ; id++) {
            j.write(List.of(Records.accepted(id, id), Records.started(id, 1, id))).get();
            System.out.println("stored " + id);
            System.out.flush();
        }
    }
}
