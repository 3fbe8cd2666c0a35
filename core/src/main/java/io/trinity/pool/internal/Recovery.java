package io.trinity.pool.internal;

import io.trinity.pool.DeadLetter;
import io.trinity.pool.Task;
import io.trinity.pool.TaskState;
import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.journal.JournalState;
import io.trinity.pool.journal.StoredTask;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Rebuilds the pool's work from a journal at start. Queued tasks come back in their order with
 * their waiting time; a task whose attempt was running at the crash counts that attempt as
 * failed ("pool restarted during the attempt") and is retried under its attempt limit, so
 * execution is at-least-once, and a task with {@code maxAttempts 1} ends FAILED instead of
 * running twice. Dead letters are offered again. With a journal that keeps pool state, tenant
 * spend, the pacing windows and the strategies' models are handed back too ({@link StateKeeper}).
 * One {@code pool.recovered} event and one log line sum it up.
 */
final class Recovery {

    static final String RESTARTED = "pool restarted during the attempt";

    private final Engine engine;
    private final JournalState loaded;
    private final List<TaskRecord> records = new ArrayList<>();
    private final List<StoredTask> stored = new ArrayList<>();
    private String keptState;

    Recovery(Engine engine, JournalState loaded) {
        this.engine = engine;
        this.loaded = loaded;
    }

    /** Off the loop, before it starts: builds the records, registers them and takes their queue permits. */
    void prepare() {
        keptState = engine.keeper.restore(loaded);
        for (StoredTask st : loaded.pending()) {
            Task task = Task.fromPlainData(st.task());
            String lane = engine.laneFor(task.type());
            TaskRecord r = new TaskRecord(engine, st.taskId(), task, lane == null ? task.type() : lane,
                    engine.nanosOfWall(st.enqueuedAt()));
            r.attempts = st.attempts();
            st.reasons().forEach(r::addReason);
            // paced and budgeted like at submit (before, a recovered task skipped both)
            r.resources = lane == null ? Map.of() : engine.resourcesOf(task, lane);
            r.holdsPermit = lane != null;
            if (r.holdsPermit) {
                r.tenantConfig = engine.config.tenant(r.tenant());
                r.permit = engine.admission.restore(r.tenantConfig);
            }
            engine.remember(r);
            records.add(r);
            stored.add(st);
        }
    }

    /** On the loop, first thing. */
    void run() {
        PoolState s = engine.state;
        long now = engine.clock.nanoTime();
        int queued = 0;
        int interrupted = 0;
        int failed = 0;
        for (int i = 0; i < records.size(); i++) {
            TaskRecord r = records.get(i);
            StoredTask st = stored.get(i);
            String end = null;
            if (engine.laneFor(r.task.type()) == null) {
                end = "agent type '" + r.task.type() + "' is not registered in this pool since the restart";
            } else if (st.running()) {
                interrupted++;
                int max = r.maxAttempts(engine.config.maxAttempts());
                // one reason per attempt: the last one's says why the task ends, an earlier one's why it runs again
                if (r.attempts >= max) {
                    end = RESTARTED + ", and it was attempt " + r.attempts + " of " + max;
                } else {
                    r.addReason(RESTARTED + " (attempt " + r.attempts + ")");
                }
            }
            if (end != null) {
                failed++;
                String reason = end;
                r.sequence = ++s.sequence;
                s.live.add(r);
                s.events.emit(() -> new PoolEvent.TaskSubmitted(now, r.id, r.task.type(), r.task.priority(),
                        r.task.affinityKey().orElse(null), r.task.tenant()));
                r.addReason(reason);
                s.events.emit(() -> new PoolEvent.TaskEnded(now, r.id, null, PoolEvent.TaskOutcome.FAILED, 0, reason));
                engine.releasePermit(r); // restored in prepare(); it never reaches the queue
                engine.dispatcher.finish(r, TaskState.FAILED, null, null);
                continue;
            }
            queued++;
            engine.dispatcher.accept(r, r.submittedNanos);
            engine.shedder.admitted(r);
        }
        for (StoredTask dl : loaded.deadLetters()) {
            s.deadLetters.add(new DeadLetter(dl.taskId(), Task.fromPlainData(dl.task()), dl.attempts(), dl.reasons(), now),
                    now);
        }
        int q = queued;
        int in = interrupted;
        int f = failed;
        int d = loaded.deadLetters().size();
        s.events.emit(() -> new PoolEvent.PoolRecovered(now, q, in, f, d, loaded.finals()));
        Engine.LOG.info("journal: recovered {} queued tasks ({} interrupted by the restart and retried), {} failed"
                + " (their interrupted attempt was the last), {} dead letters, {} ended tasks readable{}", q, in - f, f, d,
                loaded.finals(), keptState == null ? "" : "; restored " + keptState);
    }
}
