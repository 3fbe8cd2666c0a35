package io.trinity.pool.cli;

import io.trinity.pool.AgentPool;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.PoolException;
import io.trinity.pool.PoolSnapshot;
import io.trinity.pool.Task;
import io.trinity.pool.TaskHandle;
import io.trinity.pool.agent.AgentState;
import io.trinity.pool.balance.Balancers;
import io.trinity.pool.time.PoolClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The demo's scenes, paced over the demo's duration D:
 * <ol>
 *   <li>at 0: a burst of mixed tasks, each routed by one of the four balancers in turn; the
 *       pool grows (on demand, within the spawn rate);</li>
 *   <li>at 0.17 D: an affinity session, six tasks with one key;</li>
 *   <li>at 0.25 D: a {@code flaky} task that hangs (stuck, replaced, retried) and one whose
 *       agent crashes (restarted, retried);</li>
 *   <li>at 0.35 D: the pool is filled with low-priority work, then a task at the preemption
 *       priority arrives and takes a running task's place;</li>
 *   <li>then quiet: idle agents are reclaimed after the idle timeout, the warm pool stays;</li>
 *   <li>at 0.9 D: a few tasks that the warm pool serves at once.</li>
 * </ol>
 * A scene starts at its time or when the previous one is done, whichever is later, so very
 * short durations still run every scene.
 */
final class DemoScript {

    private static final List<String> BALANCERS = List.of(Balancers.ROUND_ROBIN, Balancers.LEAST_LOADED,
            Balancers.SKILL_AWARE, Balancers.AFFINITY);
    private static final String SESSION = "session-7";

    private final AgentPool pool;
    private final DemoAgents agents;
    private final RunMetrics metrics;
    private final LiveView view;
    private final PoolConfig config;
    private final PoolClock clock;
    private final long startMillis = System.currentTimeMillis();
    private final long durationMs;
    private final int burst;
    private final Map<String, String> findings = new LinkedHashMap<>();

    DemoScript(AgentPool pool, DemoAgents agents, RunMetrics metrics, LiveView view, PoolConfig config,
               PoolClock clock, Duration duration, int burst) {
        this.pool = pool;
        this.agents = agents;
        this.metrics = metrics;
        this.view = view;
        this.config = config;
        this.clock = clock;
        this.durationMs = duration.toMillis();
        this.burst = burst;
    }

    /** What each scene showed, for the summary. */
    Map<String, String> findings() {
        return findings;
    }

    void run() throws InterruptedException {
        List<TaskHandle> scene = burst();
        await(scene, at(0.3));
        sleepUntil(0.17);
        affinity();
        sleepUntil(0.25);
        scene = faults();
        // Detection takes stuckAfter plus up to a health interval; the retry needs a moment more.
        await(scene, Math.max(at(0.5), System.currentTimeMillis() + config.stuckAfter().toMillis()
                + 2 * config.healthInterval().toMillis() + 3_000));
        sleepUntil(0.35);
        preemption();
        quiet();
        afterQuiet();
    }

    private List<TaskHandle> burst() {
        // Inputs first (drawing, synthesising), so the tasks then arrive as one burst.
        List<String> types = agents.types();
        List<Task.Builder> tasks = new ArrayList<>();
        for (int i = 0; i < burst; i++) {
            tasks.add(agents.task(types.get(i % types.size()), i).balancer(BALANCERS.get(i % BALANCERS.size())));
        }
        view.scene("burst: " + burst + " mixed tasks at once, routed by each balancer in turn; the pool grows");
        List<TaskHandle> handles = new ArrayList<>();
        tasks.forEach(t -> add(handles, submit(t)));
        return handles;
    }

    private void affinity() throws InterruptedException {
        view.scene("affinity session: 6 tasks in a row with key " + SESSION + " go to the same agent");
        List<TaskHandle> session = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            // A session is a conversation: each task follows the previous one's answer.
            TaskHandle h = submit(agents.sessionTask(i).affinity(SESSION).balancer(Balancers.AFFINITY));
            if (h != null) {
                session.add(h);
                await(List.of(h), System.currentTimeMillis() + Math.max(5_000, durationMs / 6));
            }
        }
        Set<String> used = metrics.agentsByAffinity().getOrDefault(SESSION, Set.of());
        String found = session.size() + " tasks on " + used.size() + (used.size() == 1 ? " agent " : " agents ")
                + String.join(", ", used);
        findings.put("affinity " + SESSION, found);
        view.note("affinity " + SESSION + ": " + found);
    }

    private List<TaskHandle> faults() {
        view.scene("faults: a flaky agent hangs (no heartbeat) and another crashes; both are replaced");
        List<TaskHandle> handles = new ArrayList<>();
        add(handles, submit(Task.builder(FlakyAgent.TYPE).input(FlakyAgent.hang(300))));
        add(handles, submit(Task.builder(FlakyAgent.TYPE).input(FlakyAgent.crash(Math.max(100, durationMs / 50)))));
        return handles;
    }

    private static void add(List<TaskHandle> handles, TaskHandle h) {
        if (h != null) {
            handles.add(h);
        }
    }

    private void preemption() throws InterruptedException {
        int max = config.maxAgents();
        int urgent = Math.max(config.preemptPriority(), Task.MIN_PRIORITY);
        view.scene("preemption: " + max + " long low-priority tasks fill the pool, then a priority-" + urgent + " task arrives");
        long work = Math.max(4_000, durationMs / 6); // long enough for the pool to fill around it
        List<TaskHandle> fill = new ArrayList<>();
        for (int i = 0; i < max; i++) {
            TaskHandle h = submit(Task.builder(FlakyAgent.TYPE).priority(0).input(FlakyAgent.work(work)));
            if (h != null) {
                fill.add(h);
            }
        }
        boolean full = waitUntilFull(max, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(3_000, durationMs / 5)));
        TaskHandle hot = submit(Task.builder(FlakyAgent.TYPE).priority(Math.min(urgent, Task.MAX_PRIORITY))
                .input(FlakyAgent.work(Math.max(100, durationMs / 60))));
        long preemptedBefore = metrics.preemptions();
        if (hot != null) {
            await(List.of(hot), System.currentTimeMillis() + Math.max(5_000, durationMs / 3));
        }
        String found = (full ? "pool full (" + max + " agents busy)" : "pool did not fill in time")
                + "; urgent task " + (hot == null ? "rejected" : hot.id() + " " + hot.state().name().toLowerCase())
                + "; preemptions so far " + Math.max(preemptedBefore, metrics.preemptions());
        findings.put("preemption", found);
        view.note("preemption: " + found);
        await(fill, System.currentTimeMillis() + work * 3 + 5_000);
    }

    private void quiet() throws InterruptedException {
        long idle = config.idleTimeout().toMillis();
        view.scene("quiet: no tasks; idle agents are reclaimed after " + DurationConverter.format(config.idleTimeout())
                + ", the warm pool (" + config.warmPool() + ") stays");
        long until = Math.max(at(0.9), System.currentTimeMillis() + idle + config.scaleInterval().toMillis() * 2);
        sleepUntilMillis(until);
        PoolSnapshot s = pool.snapshot();
        Map<String, Long> destroys = metrics.destroysByReason();
        String found = s.agents().size() + " agents left (" + s.count(AgentState.READY) + " ready, "
                + s.count(AgentState.IDLE) + " idle); idle agents removed so far: " + metrics.idleRemovals()
                + " (idle timeout " + destroys.getOrDefault("idle_timeout", 0L) + ", scaler "
                + destroys.getOrDefault("scale_down", 0L) + ")";
        findings.put("quiet period", found);
        view.note("after the quiet: " + found);
    }

    private void afterQuiet() throws InterruptedException {
        view.scene("after the quiet: new tasks start on the warm pool");
        List<TaskHandle> last = new ArrayList<>();
        List<String> types = agents.types();
        for (int i = 0; i < Math.min(4, types.size()); i++) {
            TaskHandle h = submit(agents.task(types.get(i), burst + i));
            if (h != null) {
                last.add(h);
            }
        }
        await(last, System.currentTimeMillis() + Math.max(5_000, durationMs / 5));
    }

    private boolean waitUntilFull(int max, long deadlineNanos) throws InterruptedException {
        while (System.nanoTime() < deadlineNanos) {
            PoolSnapshot s = pool.snapshot();
            boolean flakyAllBusy = s.agents().stream().filter(a -> a.type().equals(FlakyAgent.TYPE))
                    .allMatch(a -> a.state() == AgentState.BUSY && a.inFlight() >= a.capacity());
            if (s.agents().size() >= max && s.count(AgentState.SPAWNING) == 0 && flakyAllBusy
                    && s.count(FlakyAgent.TYPE) > 0) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    private TaskHandle submit(Task.Builder task) {
        long now = clock.nanoTime();
        try {
            TaskHandle h = pool.submit(task.build());
            metrics.track(h, now);
            return h;
        } catch (PoolException e) {
            metrics.rejected(e);
            view.note("rejected: " + e.getMessage());
            return null;
        }
    }

    /** Waits for tasks to end, until the wall-clock deadline; the shutdown settles the rest. */
    private static void await(List<TaskHandle> handles, long deadlineMillis) throws InterruptedException {
        for (TaskHandle h : handles) {
            long left = deadlineMillis - System.currentTimeMillis();
            if (left <= 0) {
                return;
            }
            try {
                h.result().get(left, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                // a failed task is a final state too; the summary counts it
            } catch (TimeoutException e) {
                return;
            }
        }
    }

    /** The wall-clock time of a fraction of the demo. */
    private long at(double fraction) {
        return startMillis + (long) (fraction * durationMs);
    }

    private void sleepUntil(double fraction) throws InterruptedException {
        sleepUntilMillis(at(fraction));
    }

    private static void sleepUntilMillis(long deadline) throws InterruptedException {
        long left = deadline - System.currentTimeMillis();
        if (left > 0) {
            Thread.sleep(left);
        }
    }
}
