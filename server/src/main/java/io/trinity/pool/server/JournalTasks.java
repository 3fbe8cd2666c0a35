package io.trinity.pool.server;

import io.trinity.pool.AgentPool;
import io.trinity.pool.TaskHandle;
import io.trinity.pool.journal.Journal;
import io.trinity.pool.journal.JournalException;
import io.trinity.pool.journal.StoredTask;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pool's journal as the task routes read it: what the server did not see itself, because it
 * was accepted before this process started (recovered, or ended within the journal's retention).
 *
 * <p>The list pages from the journal ({@link Journal#tasks}), so it holds one page in memory
 * however many tasks the journal keeps; a task read by id goes into the bounded {@link TaskIndex}
 * as any other. A task's times are the journal's (epoch milliseconds, stored at acceptance, the
 * last attempt's start and the end), so they are the same on every read and after every restart.
 * A live task's state comes from the pool, whose handle is current; the journal's row may lag it
 * by the write in flight.
 */
final class JournalTasks {

    private static final Logger log = LoggerFactory.getLogger(JournalTasks.class);

    private final Journal journal;
    private final AgentPool pool;
    private final AtomicBoolean toldCannotList = new AtomicBoolean();

    JournalTasks(Journal journal, AgentPool pool) {
        this.journal = journal;
        this.pool = pool;
    }

    /** The task as the journal holds it, with the pool's live handle while it lives; empty if neither has it. */
    Optional<TaskIndex.Tracked> find(long id) {
        try {
            return journal.find(id).flatMap(this::tracked);
        } catch (JournalException e) {
            throw unreadable(e, "read task " + id);
        }
    }

    /**
     * A page of {@link Journal#tasks}, newest first; null when this journal cannot list (an
     * implementation older than {@code Journal.tasks}), and the caller lists what it saw itself.
     */
    List<StoredTask> page(String tenant, String state, String type, long beforeId, int limit) {
        try {
            return journal.tasks(tenant, state, type, beforeId, limit);
        } catch (UnsupportedOperationException e) {
            if (toldCannotList.compareAndSet(false, true)) {
                log.warn("GET /v1/tasks lists only the tasks this server saw since it started: {}", e.getMessage());
            }
            return null;
        } catch (JournalException e) {
            throw unreadable(e, "list tasks");
        }
    }

    /** The highest id the journal holds now (0 if none, or if it cannot list). */
    long newestId() {
        List<StoredTask> newest = page(null, null, null, Long.MAX_VALUE, 1);
        return newest == null || newest.isEmpty() ? 0 : newest.getFirst().taskId();
    }

    /**
     * A stored task as the index tracks it: the pool's handle while it lives (a recovered task),
     * else the stored one; empty for a row still live in the journal that the pool neither holds
     * nor has stored as ended (its end is being written: read it again).
     */
    Optional<TaskIndex.Tracked> tracked(StoredTask st) {
        Optional<TaskHandle> handle = st.isFinal() ? Optional.of(st.toHandle()) : pool.task(st.taskId());
        return handle.map(h -> new TaskIndex.Tracked(h, st.tenant(), instant(st.enqueuedAt()),
                instant(st.startedAt()), instant(st.endedAt())));
    }

    private static Instant instant(long epochMillis) {
        return epochMillis == 0 ? null : Instant.ofEpochMilli(epochMillis);
    }

    /** A journal read that failed (a database down): 503, naming its message, to retry. */
    private static ApiError unreadable(JournalException e, String what) {
        log.warn("could not {}: {}", what, e.getMessage());
        return new ApiError(503, "could not " + what + ": the journal could not be read (" + e.getMessage()
                + "); retry once the journal is reachable", null).with("reason", "journal_unreadable")
                .header("Retry-After", String.valueOf(Errors.RETRY_AFTER_SECONDS));
    }
}
