package io.trinity.pool.micrometer;

import io.trinity.pool.agents.testing.ScriptedAgent;
import static io.trinity.pool.micrometer.TrinityPoolMetrics.AGENTS;
import static io.trinity.pool.micrometer.TrinityPoolMetrics.DESTROYS;
import static io.trinity.pool.micrometer.TrinityPoolMetrics.QUEUE_SIZE;
import static io.trinity.pool.micrometer.TrinityPoolMetrics.RESOURCE_WAITING;
import static io.trinity.pool.micrometer.TrinityPoolMetrics.SCALE_DECISIONS;
import static io.trinity.pool.micrometer.TrinityPoolMetrics.SPAWNS;
import static io.trinity.pool.micrometer.TrinityPoolMetrics.TASKS;
import static io.trinity.pool.micrometer.TrinityPoolMetrics.TASK_RUN;
import static io.trinity.pool.micrometer.TrinityPoolMetrics.TASK_WAIT;
import static io.trinity.pool.micrometer.TrinityPoolMetrics.TENANT_RUNNING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trinity.pool.AgentPool;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.QueueFullException;
import io.trinity.pool.Task;
import io.trinity.pool.TaskHandle;
import io.trinity.pool.TaskRejectedException;
import io.trinity.pool.TaskState;
import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.limit.ResourceLimit;
import io.trinity.pool.time.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TrinityPoolMetricsTest {

    final VirtualClock clock = new VirtualClock();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final List<PoolEvent> events = new ArrayList<>();
    final List<TaskHandle> handles = new ArrayList<>();

    /** One agent at a time, two attempts per task, retries at once (no backoff jitter to predict). */
    static PoolConfig.Builder serial() {
        return PoolConfig.custom().maxAgents(1).warmPool(0).warmPoolMin(0).warmPoolMax(0)
                .maxAttempts(2).retryBackoff(Duration.ZERO).retryBackoffMax(Duration.ZERO);
    }

    AgentPool pool(TrinityPoolMetrics metrics, PoolConfig config) {
        return pool(metrics, config, 1);
    }

    AgentPool pool(TrinityPoolMetrics metrics, PoolConfig config, int capacity) {
        AgentPool pool = AgentPool.builder().config(config).deterministic(clock)
                .register("code", ScriptedAgent.factory(clock, capacity))
                .listener(metrics).listener(events::add)
                .build();
        metrics.bindTo(registry);
        return pool;
    }

    TaskHandle submit(AgentPool pool, Task.Builder task) {
        TaskHandle h = pool.submit(task.build());
        handles.add(h);
        return h;
    }

    static Task.Builder code(Map<String, ?> input) {
        return Task.builder("code").input(input);
    }

    void advance(long ms) {
        clock.advance(Duration.ofMillis(ms));
    }

    double tasks(String type, String outcome) {
        FunctionCounter c = registry.find(TASKS).tags("type", type, "outcome", outcome).functionCounter();
        return c == null ? 0 : c.count();
    }

    double gauge(String name, String... tags) {
        Gauge g = registry.find(name).tags(tags).gauge();
        return g == null ? Double.NaN : g.value();
    }

    Timer timer(String name, String type) {
        return registry.get(name).tag("type", type).timer();
    }

    /** Final states from the handles, the way the tasks counter names them. */
    Map<String, Long> finalStatesByHandle() {
        return handles.stream().collect(Collectors.groupingBy(h -> h.state().name().toLowerCase(Locale.ROOT),
                TreeMap::new, Collectors.counting()));
    }

    Map<String, Long> finalStatesByMeter(String type) {
        Map<String, Long> m = new TreeMap<>();
        for (FunctionCounter c : registry.find(TASKS).tag("type", type).functionCounters()) {
            if (!c.getId().getTag("outcome").equals("rejected")) {
                m.put(c.getId().getTag("outcome"), (long) c.count());
            }
        }
        return m;
    }

    @Test
    void countsEachTaskOnceInItsFinalStateAndTimesEveryAttempt() {
        TrinityPoolMetrics metrics = TrinityPoolMetrics.create();
        AgentPool pool = pool(metrics, serial().build());

        submit(pool, code(Map.of("ms", 100)));
        advance(1_000);
        submit(pool, code(Map.of("ms", 100, "fail", "first")));
        advance(1_000);
        submit(pool, code(Map.of("ms", 100, "fail", "fatal")));
        advance(1_000);
        submit(pool, code(Map.of("ms", 100, "fail", "always")));
        advance(1_000);
        submit(pool, code(Map.of("fail", "hang")).timeout(Duration.ofMillis(300)).maxAttempts(1));
        advance(1_000);
        submit(pool, code(Map.of("ms", 500)));
        TaskHandle queued = submit(pool, code(Map.of("ms", 100)));
        assertThat(gauge(QUEUE_SIZE, "type", "code")).isEqualTo(1);
        assertThat(gauge(AGENTS, "type", "code", "state", "busy")).isEqualTo(1);
        queued.cancel();
        assertThat(gauge(QUEUE_SIZE, "type", "code")).isZero();
        advance(1_000);
        assertThatThrownBy(() -> pool.submit(Task.of("translate", Map.of()))).isInstanceOf(TaskRejectedException.class);

        assertThat(handles).allMatch(h -> h.state().isFinal());
        assertThat(tasks("code", "succeeded")).isEqualTo(3);
        assertThat(tasks("code", "failed")).isEqualTo(1);
        assertThat(tasks("code", "dead_lettered")).isEqualTo(1);
        assertThat(tasks("code", "timed_out")).isEqualTo(1);
        assertThat(tasks("code", "cancelled")).isEqualTo(1);
        assertThat(tasks("unknown", "rejected")).as("a type no agent type runs").isEqualTo(1);
        assertThat(finalStatesByMeter("code")).isEqualTo(finalStatesByHandle());

        // attempts: 1 + 2 + 1 + 2 + 1 + 1 (the cancelled task never ran)
        Timer run = timer(TASK_RUN, "code");
        assertThat(run.count()).isEqualTo(8);
        assertThat(run.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(100 + 200 + 100 + 200 + 300 + 500);
        assertThat(run.max(TimeUnit.MILLISECONDS)).isEqualTo(500);
        Timer wait = timer(TASK_WAIT, "code");
        assertThat(wait.count()).isEqualTo(8);
        assertThat(wait.totalTime(TimeUnit.MILLISECONDS)).isZero(); // each started as soon as it was ready

        assertThat(gauge(QUEUE_SIZE, "type", "code")).isZero();
        assertThat(gauge(AGENTS, "type", "code", "state", "busy")).isZero();
        assertThat(gauge(AGENTS, "type", "code", "state", "idle") + gauge(AGENTS, "type", "code", "state", "ready"))
                .isEqualTo(1);
        assertThat(gauge(TENANT_RUNNING, "tenant", "default")).isZero();
        assertThat(registry.get(SPAWNS).tags("type", "code", "cause", "on_demand").functionCounter().count()).isEqualTo(1);
        assertThat(metrics.trackedTasks()).isZero();
    }

    @Test
    void theWaitTimerMeasuresQueueTimeAndAFullQueueCountsAsRejected() {
        TrinityPoolMetrics metrics = TrinityPoolMetrics.create();
        AgentPool pool = pool(metrics, serial().queueCapacity(2).build());

        submit(pool, code(Map.of("ms", 100)));
        submit(pool, code(Map.of("ms", 100)));
        submit(pool, code(Map.of("ms", 100)));
        assertThat(gauge(QUEUE_SIZE, "type", "code")).isEqualTo(2);
        assertThatThrownBy(() -> pool.submit(Task.of("code", Map.of()))).isInstanceOf(QueueFullException.class);
        assertThat(tasks("code", "rejected")).isEqualTo(1);
        advance(1_000);

        Timer wait = timer(TASK_WAIT, "code");
        assertThat(wait.count()).isEqualTo(3);
        assertThat(wait.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(0 + 100 + 200);
        assertThat(wait.max(TimeUnit.MILLISECONDS)).isEqualTo(200);
        assertThat(tasks("code", "succeeded")).isEqualTo(3);
        assertThat(gauge(QUEUE_SIZE, "type", "code")).isZero();
    }

    @Test
    void aRetryWaitsOutItsBackoffBeforeItsWaitCounts() {
        TrinityPoolMetrics metrics = TrinityPoolMetrics.create();
        AgentPool pool = pool(metrics, serial().retryBackoff(Duration.ofMillis(400)).retryBackoffMax(Duration.ofMillis(400))
                .build());
        submit(pool, code(Map.of("ms", 100, "fail", "first")));
        advance(100);
        // failed once: back to waiting (the backoff counts as waiting to start), not final
        assertThat(gauge(QUEUE_SIZE, "type", "code")).isEqualTo(1);
        assertThat(registry.find(TASKS).functionCounters()).isEmpty();
        advance(2_000);

        assertThat(tasks("code", "succeeded")).isEqualTo(1);
        assertThat(tasks("code", "failed")).isZero();
        PoolEvent.TaskRetried retry = events.stream().filter(PoolEvent.TaskRetried.class::isInstance)
                .map(PoolEvent.TaskRetried.class::cast).findFirst().orElseThrow();
        long redispatch = events.stream().filter(e -> e instanceof PoolEvent.TaskDispatched d && d.attempt() == 2)
                .findFirst().orElseThrow().nanos();
        Timer wait = timer(TASK_WAIT, "code");
        assertThat(wait.count()).isEqualTo(2);
        // jittered backoff, announced in whole ms: the wait is what is left after it, under 1 ms
        assertThat(wait.totalTime(TimeUnit.NANOSECONDS))
                .isEqualTo((double) redispatch - retry.nanos() - retry.backoffMs() * 1_000_000L)
                .isBetween(0.0, 1_000_000.0);
    }

    @Test
    void anAgentThatBreaksMidBatchLeavesEveryTaskCountedOnceWhenTheOthersAreRetried() {
        // capacity 2: the broken agent takes a second attempt down with it, and the pool announces that
        // task's end and retry between the first task's end and its retry
        TrinityPoolMetrics metrics = TrinityPoolMetrics.create();
        AgentPool pool = pool(metrics, serial().build(), 2);
        submit(pool, code(Map.of("ms", 100, "fail", "broken")));
        submit(pool, code(Map.of("ms", 5_000)));
        advance(30_000);

        assertThat(handles).extracting(TaskHandle::state).containsOnly(TaskState.SUCCEEDED);
        assertThat(tasks("code", "succeeded")).isEqualTo(2);
        assertThat(finalStatesByMeter("code")).isEqualTo(Map.of("succeeded", 2L));
        assertThat(registry.get(DESTROYS).tags("type", "code", "reason", "failed").functionCounter().count())
                .isEqualTo(1);
        assertThat(registry.get(SPAWNS).tags("type", "code", "cause", "replace").functionCounter().count())
                .isEqualTo(1);
        assertThat(metrics.trackedTasks()).isZero();
    }

    @Test
    void submitsOfUnknownTypesNeverTakeTheTagValueOfARegisteredType() {
        TrinityPoolMetrics metrics = TrinityPoolMetrics.builder().maxTagValues(2).build();
        AgentPool pool = pool(metrics, serial().build());
        for (String made : List.of("x1", "x2", "x3")) {
            assertThatThrownBy(() -> pool.submit(Task.of(made, Map.of()))).isInstanceOf(TaskRejectedException.class);
        }
        submit(pool, code(Map.of("ms", 100)));
        advance(1_000);

        assertThat(tasks("code", "succeeded")).isEqualTo(1);
        assertThat(tasks("unknown", "rejected")).isEqualTo(3);
        assertThat(registry.find(TASKS).tag("type", "other").functionCounters()).isEmpty();
        assertThat(registry.find(TASKS).tag("type", "x1").functionCounters()).isEmpty();
    }

    @Test
    void withAGenericFallbackTheRegisteredTypesKeepTheirNamePastTheCap() {
        TrinityPoolMetrics metrics = TrinityPoolMetrics.builder().maxTagValues(1).build();
        AgentPool pool = AgentPool.builder()
                .config(PoolConfig.custom().maxAgents(3).warmPool(0).warmPoolMin(0).warmPoolMax(0).build())
                .deterministic(clock)
                .register("code", ScriptedAgent.factory(clock)).register("generic", ScriptedAgent.factory(clock))
                .listener(metrics).build();
        metrics.bindTo(registry);
        submit(pool, Task.builder("made-up-1").input(Map.of("ms", 100)));  // runs on generic, takes the one value
        submit(pool, Task.builder("made-up-2").input(Map.of("ms", 100)));  // past the cap: other
        submit(pool, code(Map.of("ms", 100)));                              // the registered type
        advance(1_000);
        submit(pool, code(Map.of("ms", 100)));
        advance(1_000);

        assertThat(tasks("code", "succeeded")).isEqualTo(2);
        assertThat(timer(TASK_RUN, "code").count()).isEqualTo(2);
        assertThat(tasks("made-up-1", "succeeded")).isEqualTo(1);
        assertThat(tasks("other", "succeeded")).isEqualTo(1);
        assertThat(gauge(QUEUE_SIZE, "type", "code")).isZero();
        assertThat(gauge(QUEUE_SIZE, "type", "other")).isZero();
        pool.close();
    }

    @Test
    void tenantsBeyondTheCapShareTheOtherTagAndTheBusiestAreShown() {
        TrinityPoolMetrics metrics = TrinityPoolMetrics.builder().maxTenants(2).build();
        AgentPool pool = pool(metrics, PoolConfig.custom().maxAgents(4).warmPool(0).warmPoolMin(0).warmPoolMax(0)
                .statsInterval(Duration.ofSeconds(1)).build());
        for (String tenant : List.of("acme", "beta", "gamma", "gamma")) {
            submit(pool, code(Map.of("ms", 10_000)).tenant(tenant));
        }
        // the first two to start are shown while there is room
        assertThat(tenantSeries()).containsExactlyInAnyOrderEntriesOf(Map.of("acme", 1.0, "beta", 1.0, "other", 2.0));

        advance(1_000); // pool.stats: re-rank by recent starts plus running: gamma 4, acme 2, beta 2 (name breaks the tie)
        assertThat(tenantSeries()).containsExactlyInAnyOrderEntriesOf(Map.of("gamma", 2.0, "acme", 1.0, "other", 1.0));

        advance(10_000);
        assertThat(tenantSeries().values()).containsOnly(0.0);
        assertThat(metrics.trackedTenants()).isLessThanOrEqualTo(2);
    }

    @Test
    void aFloodOfTenantsKeepsTheSeriesAndTheBookkeepingBounded() {
        TrinityPoolMetrics metrics = TrinityPoolMetrics.builder().maxTenants(3).build();
        AgentPool pool = pool(metrics, PoolConfig.custom().maxAgents(8).warmPool(0).warmPoolMin(0).warmPoolMax(0)
                .queueCapacity(1_000).statsInterval(Duration.ofSeconds(1)).build());
        for (int i = 0; i < 600; i++) {
            submit(pool, code(Map.of("ms", 50)).tenant("user-" + i));
            if (i % 50 == 49) {
                advance(1_000);
                assertThat(metrics.trackedTenants()).isLessThanOrEqualTo(64);
                assertThat(tenantSeries()).hasSizeLessThanOrEqualTo(4).containsKey("other");
            }
        }
        advance(60_000);
        assertThat(tasks("code", "succeeded")).isEqualTo(600);
        assertThat(tenantSeries().values()).containsOnly(0.0);
        assertThat(metrics.trackedTasks()).isZero();
    }

    @Test
    void queuedTasksHeldByAResourceAreGaugedUntilTheyStart() {
        TrinityPoolMetrics metrics = TrinityPoolMetrics.create();
        AgentPool pool = pool(metrics, PoolConfig.custom().maxAgents(3).warmPool(0).warmPoolMin(0).warmPoolMax(0)
                .resourceLimit(ResourceLimit.of("openai:gpt-4o").withMaxConcurrent(1)).build());
        for (int i = 0; i < 3; i++) {
            submit(pool, code(Map.of("ms", 1_000)).resource("openai:gpt-4o", 10));
        }
        advance(10); // the spare agents spawned; two tasks wait for the resource, not for an agent
        assertThat(gauge(RESOURCE_WAITING, "resource", "openai:gpt-4o")).isEqualTo(2);
        advance(1_000);
        assertThat(gauge(RESOURCE_WAITING, "resource", "openai:gpt-4o")).isEqualTo(1);
        advance(2_000);
        assertThat(gauge(RESOURCE_WAITING, "resource", "openai:gpt-4o")).isZero();
        assertThat(tasks("code", "succeeded")).isEqualTo(3);
    }

    @Test
    void agentSpawnDestroyAndScaleMetersAgreeWithTheEventLog() {
        TrinityPoolMetrics metrics = TrinityPoolMetrics.create();
        AgentPool pool = pool(metrics, PoolConfig.custom().maxAgents(6).warmPool(1).warmPoolMin(1).warmPoolMax(2)
                .queueCapacity(200).idleTimeout(Duration.ofSeconds(5)).scaleDownWindow(Duration.ofSeconds(5)).build());
        for (int i = 0; i < 60; i++) {
            submit(pool, code(Map.of("ms", 2_000)));
        }
        for (int s = 0; s < 60; s++) {
            advance(1_000);
            assertThat(liveAgentsByState()).isEqualTo(gaugedAgentsByState());
        }
        pool.close();

        Map<List<String>, Long> spawns = new HashMap<>();
        Map<List<String>, Long> destroys = new HashMap<>();
        Map<String, Long> decisions = new HashMap<>();
        for (PoolEvent e : events) {
            switch (e) {
                case PoolEvent.AgentSpawned s -> spawns.merge(List.of(s.type(), wire(s.cause())), 1L, Long::sum);
                case PoolEvent.AgentDestroyed d -> destroys.merge(List.of(d.type(), wire(d.reason())), 1L, Long::sum);
                case PoolEvent.ScaleDecision d -> decisions.merge(d.type(), 1L, Long::sum);
                default -> { }
            }
        }
        assertThat(decisions).as("the burst made the scaler act").isNotEmpty();
        assertThat(destroys.keySet()).as("idle agents were reclaimed, the rest shut down")
                .contains(List.of("code", "shutdown"));
        assertThat(counters(SPAWNS, "cause")).isEqualTo(spawns);
        assertThat(counters(DESTROYS, "reason")).isEqualTo(destroys);
        assertThat(registry.get(SCALE_DECISIONS).tag("type", "code").functionCounter().count())
                .isEqualTo(decisions.get("code").doubleValue());
        assertThat(gaugedAgentsByState()).isEmpty();
        assertThat(metrics.trackedAgents()).isZero();
        assertThat(tasks("code", "succeeded")).isEqualTo(60);
    }

    @Test
    void countsMadeBeforeBindingAreNotLostAndEveryRegistryGetsTheMeters() {
        TrinityPoolMetrics metrics = TrinityPoolMetrics.builder().tags("pool", "main").build();
        AgentPool pool = AgentPool.builder().config(serial().build()).deterministic(clock)
                .register("code", ScriptedAgent.factory(clock)).listener(metrics).build();
        pool.submit(Task.of("code", Map.of("ms", 100)));
        advance(1_000);
        metrics.bindTo(registry);
        SimpleMeterRegistry second = new SimpleMeterRegistry();
        metrics.bindTo(second);
        metrics.bindTo(second);
        pool.submit(Task.of("code", Map.of("ms", 100)));
        advance(1_000);

        for (SimpleMeterRegistry r : List.of(registry, second)) {
            assertThat(r.get(TASKS).tags("pool", "main", "type", "code", "outcome", "succeeded").functionCounter().count())
                    .isEqualTo(2);
            assertThat(r.get(TASK_RUN).tags("pool", "main", "type", "code").timer().count()).isEqualTo(1);
            assertThat(r.getMeters()).allMatch(m -> "main".equals(m.getId().getTag("pool")));
        }
    }

    @Test
    void aPoolRebuiltAfterCloseReportsItsOwnValuesNotTheClosedPools() {
        TrinityPoolMetrics first = TrinityPoolMetrics.builder().tags("pool", "main").build();
        AgentPool old = pool(first, serial().build());
        submit(old, code(Map.of("ms", 100)));
        submit(old, code(Map.of("ms", 100)));
        advance(1_000);
        assertThat(tasks("code", "succeeded")).isEqualTo(2);
        old.close();
        first.close();
        assertThat(registry.getMeters()).as("the closed binder's meters are gone").isEmpty();

        TrinityPoolMetrics second = TrinityPoolMetrics.builder().tags("pool", "main").build();
        AgentPool rebuilt = pool(second, serial().build());
        submit(rebuilt, code(Map.of("ms", 100)));
        advance(1_000);
        assertThat(tasks("code", "succeeded")).as("the rebuilt pool's count, not the closed pool's").isEqualTo(1);
        assertThat(timer(TASK_RUN, "code").count()).isEqualTo(1);
        assertThat(gauge(AGENTS, "type", "code", "state", "idle") + gauge(AGENTS, "type", "code", "state", "ready"))
                .as("the rebuilt pool's live agent").isEqualTo(1);
        rebuilt.close();
        second.close();
    }

    @Test
    void closeRemovesEveryMeterFromEveryRegistryAndBindToRegistersThemAgain() {
        TrinityPoolMetrics metrics = TrinityPoolMetrics.create();
        AgentPool pool = pool(metrics, PoolConfig.custom().maxAgents(3).warmPool(0).warmPoolMin(0).warmPoolMax(0)
                .resourceLimit(ResourceLimit.of("openai:gpt-4o").withMaxConcurrent(1)).build());
        SimpleMeterRegistry child = new SimpleMeterRegistry();
        CompositeMeterRegistry composite = new CompositeMeterRegistry();
        composite.add(child);
        metrics.bindTo(composite);
        for (int i = 0; i < 3; i++) {
            submit(pool, code(Map.of("ms", 100)).tenant("acme").resource("openai:gpt-4o", 10));
        }
        advance(1_000);
        for (MeterRegistry r : List.of(registry, composite, child)) {
            assertThat(r.getMeters()).extracting(m -> m.getId().getName()).contains(AGENTS, QUEUE_SIZE, TASKS,
                    TASK_WAIT, TASK_RUN, SPAWNS, TENANT_RUNNING, RESOURCE_WAITING);
        }

        metrics.close();
        for (MeterRegistry r : List.of(registry, composite, child)) {
            assertThat(r.getMeters()).isEmpty();
        }
        submit(pool, code(Map.of("ms", 100)).tenant("beta"));
        advance(1_000);
        assertThat(registry.getMeters()).as("a closed binder registers nothing new").isEmpty();

        metrics.bindTo(registry);
        assertThat(tasks("code", "succeeded")).as("counted while unbound").isEqualTo(4);
        assertThat(tenantSeries()).containsKeys("acme", "beta", "other");
        metrics.close();
        metrics.close();
        assertThat(registry.getMeters()).isEmpty();
        pool.close();
    }

    @Test
    void theBuilderRefusesBadSettingsByName() {
        assertThatThrownBy(() -> TrinityPoolMetrics.builder().maxTenants(-1))
                .hasMessageContaining("maxTenants").hasMessageContaining("-1");
        assertThatThrownBy(() -> TrinityPoolMetrics.builder().maxTagValues(0))
                .hasMessageContaining("maxTagValues").hasMessageContaining("0");
        assertThatThrownBy(() -> TrinityPoolMetrics.builder().maxTrackedTasks(0))
                .hasMessageContaining("maxTrackedTasks");
        assertThatThrownBy(() -> TrinityPoolMetrics.builder().tags("pool"))
                .hasMessageContaining("key-value pairs");
    }

    Map<String, Double> tenantSeries() {
        Map<String, Double> m = new TreeMap<>();
        for (Gauge g : registry.find(TENANT_RUNNING).gauges()) {
            m.put(g.getId().getTag("tenant"), g.value());
        }
        return m;
    }

    Map<List<String>, Long> counters(String name, String secondTag) {
        Map<List<String>, Long> m = new HashMap<>();
        for (FunctionCounter c : registry.find(name).functionCounters()) {
            m.put(List.of(c.getId().getTag("type"), c.getId().getTag(secondTag)), (long) c.count());
        }
        return m;
    }

    Map<String, Long> gaugedAgentsByState() {
        Map<String, Long> m = new TreeMap<>();
        for (Gauge g : registry.find(AGENTS).gauges()) {
            if (g.value() > 0) {
                m.put(g.getId().getTag("state"), (long) g.value());
            }
        }
        return m;
    }

    /** The pool's own view, from the events: agents alive now, by state. */
    Map<String, Long> liveAgentsByState() {
        Map<String, String> state = new HashMap<>();
        for (PoolEvent e : events) {
            switch (e) {
                case PoolEvent.AgentSpawned s -> state.put(s.agent(), "spawning");
                case PoolEvent.AgentStateChanged c -> state.put(c.agent(), wire(c.to()));
                case PoolEvent.AgentDestroyed d -> state.remove(d.agent());
                default -> { }
            }
        }
        return state.values().stream().collect(Collectors.groupingBy(s -> s, TreeMap::new, Collectors.counting()));
    }

    static String wire(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
