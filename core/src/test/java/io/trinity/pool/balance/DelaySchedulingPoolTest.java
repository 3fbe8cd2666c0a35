package io.trinity.pool.balance;

import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.AgentPool;
import io.trinity.pool.Payload;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.Task;
import io.trinity.pool.agent.AgentBrokenException;
import io.trinity.pool.agent.AsyncAgent;
import io.trinity.pool.agent.TaskContext;
import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.time.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * Delay scheduling through the whole pool on virtual time: the dispatcher skips held tasks,
 * wakes itself when a hold ends, and lets a held task go as soon as its agent leaves.
 */
class DelaySchedulingPoolTest {

    static final String MS = "ms";
    static final String BREAK = "break";

    final VirtualClock clock = new VirtualClock();
    final List<PoolEvent> events = new ArrayList<>();

    /** Finishes after its input's ms on the pool clock; with "break", the agent breaks then. */
    record TimedAgent(VirtualClock clock, int capacity) implements AsyncAgent {
        @Override
        public CompletionStage<Payload> executeAsync(TaskContext ctx) {
            long ms = ((Number) ctx.data().get(MS)).longValue();
            boolean breaks = Boolean.TRUE.equals(ctx.data().get(BREAK));
            CompletableFuture<Payload> done = new CompletableFuture<>();
            clock.schedule(Duration.ofMillis(ms), () -> {
                if (breaks) {
                    done.completeExceptionally(new AgentBrokenException("broken on purpose"));
                } else {
                    done.complete(Payload.EMPTY);
                }
            });
            return done;
        }
    }

    AgentPool pool(int agents, int capacity, BalancerSettings settings) {
        PoolConfig config = PoolConfig.custom().maxAgents(agents).warmPool(agents).warmPoolMin(agents).warmPoolMax(agents)
                .spawnRate(agents).queueCapacity(100_000).balancer(Balancers.AFFINITY).balancerSettings(settings)
                .idleTimeout(Duration.ofDays(1)).stuckAfter(Duration.ofDays(1)).healthInterval(Duration.ofHours(1))
                .statsInterval(Duration.ofHours(1)).maxAttempts(1).seed(5).build();
        AgentPool pool = AgentPool.builder().deterministic(clock).config(config).listener(events::add)
                .register("work", init -> new TimedAgent(clock, capacity)).build();
        clock.advance(Duration.ofSeconds(5));
        return pool;
    }

    static Task task(String key, long ms) {
        return Task.builder("work").affinity(key).input(Map.of(MS, ms)).build();
    }

    @Test
    void keepsNinetyPercentOfAKeysTasksOnOneAgentAt57PercentAndNoHoldOutlastsItsDelay() {
        int agents = 16;
        int capacity = 4;
        long maxDelayMs = 3_000;
        AgentPool pool = pool(agents, capacity, BalancerSettings.DEFAULTS.withAffinityDelay(2.0, Duration.ofMillis(maxDelayMs)));
        SplittableRandom r = new SplittableRandom(11);
        double meanMs = 1_000;
        double rate = 0.57 * agents * capacity / meanMs; // tasks per ms at 57% of the slots
        int n = 10_000;
        double t = 0;
        long t0 = clock.nanoTime();
        for (int i = 0; i < n; i++) {
            t += -Math.log(1 - r.nextDouble()) / rate;
            clock.advanceTo(t0 + (long) (t * 1_000_000));
            long ms = Math.max(1, (long) (-Math.log(1 - r.nextDouble()) * meanMs));
            pool.submit(task("key-" + r.nextInt(200), ms));
        }
        clock.advance(Duration.ofMinutes(10));
        assertThat(pool.snapshot().running()).isZero();

        // A hold may end with every slot taken; the task then queues like any other. So the check:
        // once a hold's wait is over, the task has started or no slot is free.
        Map<Long, String> keyOf = new HashMap<>();
        Map<Long, Long> deadline = new HashMap<>(); // held, not yet started: task -> end of its wait
        Map<String, Map<String, Integer>> perKey = new HashMap<>();
        int dispatched = 0;
        int holds = 0;
        int inFlight = 0;
        for (PoolEvent e : events) {
            for (Map.Entry<Long, Long> d : deadline.entrySet()) {
                if (d.getValue() < e.nanos()) {
                    assertThat(inFlight).as("task %d still held after its wait ended, with a slot free", d.getKey())
                            .isEqualTo(agents * capacity);
                }
            }
            switch (e) {
                case PoolEvent.TaskSubmitted s -> keyOf.put(s.task(), s.affinity());
                case PoolEvent.TaskHeld h -> {
                    holds++;
                    assertThat(h.waitMs()).as("a hold's wait").isBetween(0L, maxDelayMs);
                    deadline.putIfAbsent(h.task(), h.nanos() + Duration.ofMillis(h.waitMs()).toNanos() + 999_999);
                }
                case PoolEvent.TaskDispatched d -> {
                    dispatched++;
                    inFlight++;
                    deadline.remove(d.task());
                    perKey.computeIfAbsent(keyOf.get(d.task()), k -> new HashMap<>()).merge(d.agent(), 1, Integer::sum);
                }
                case PoolEvent.TaskEnded end -> inFlight--;
                default -> { }
            }
        }
        assertThat(dispatched).isEqualTo(n);
        assertThat(holds).as("some tasks did wait for their agent").isPositive();
        long onMain = perKey.values().stream().mapToLong(m -> m.values().stream().mapToInt(Integer::intValue).max().orElse(0)).sum();
        assertThat(onMain / (double) n).as("share of tasks on their key's main agent").isGreaterThanOrEqualTo(0.9);
    }

    @Test
    void aHeldTaskDoesNotBlockTheTasksBehindIt() {
        AgentPool pool = pool(2, 1, BalancerSettings.DEFAULTS.withAffinityDelay(2.0, Duration.ofSeconds(5)));
        pool.submit(task("a", 1_000));
        clock.advance(Duration.ofMillis(10));
        String home = dispatches().get(0).agent();
        pool.submit(task("a", 1_000)); // waits for the busy home
        pool.submit(Task.builder("work").input(Map.of(MS, 100L)).build()); // no key: may run at once
        clock.advance(Duration.ofMillis(10));
        assertThat(events).filteredOn(e -> e instanceof PoolEvent.TaskHeld).hasSize(1);
        assertThat(dispatches()).hasSize(2);
        assertThat(dispatches().get(1).agent()).as("the unkeyed task ran beside, not behind").isNotEqualTo(home);
        clock.advance(Duration.ofSeconds(2));
        assertThat(dispatches()).hasSize(3);
        assertThat(dispatches().get(2).agent()).as("the held task waited for its agent").isEqualTo(home);
    }

    @Test
    void aHeldTaskGoesElsewhereAtTheEndOfItsDelay() {
        AgentPool pool = pool(2, 1, BalancerSettings.DEFAULTS.withAffinityDelay(2.0, Duration.ofMillis(500)));
        pool.submit(task("a", 10_000));
        clock.advance(Duration.ofMillis(10));
        String home = dispatches().get(0).agent();
        long heldAt = clock.nanoTime();
        pool.submit(task("a", 100));
        clock.advance(Duration.ofSeconds(1));
        PoolEvent.TaskDispatched spill = dispatches().get(1);
        assertThat(spill.agent()).isNotEqualTo(home);
        assertThat(spill.nanos() - heldAt).as("spilled exactly when the 500 ms delay ran out")
                .isEqualTo(Duration.ofMillis(500).toNanos());
    }

    @Test
    void aHeldTaskSpillsAtOnceWhenItsAgentLeaves() {
        AgentPool pool = pool(2, 1, BalancerSettings.DEFAULTS.withAffinityDelay(2.0, Duration.ofSeconds(5)));
        pool.submit(Task.builder("work").affinity("a").input(Map.of(MS, 300L, BREAK, true)).build());
        clock.advance(Duration.ofMillis(10));
        String home = dispatches().get(0).agent();
        pool.submit(task("a", 100));
        clock.advance(Duration.ofMillis(10));
        assertThat(events).filteredOn(e -> e instanceof PoolEvent.TaskHeld h && h.agent().equals(home)).hasSize(1);
        clock.advance(Duration.ofMillis(300)); // the home agent breaks at 300 ms and is removed
        PoolEvent.TaskDispatched spill = dispatches().get(1);
        assertThat(spill.agent()).isNotEqualTo(home);
        assertThat(spill.nanos()).as("at the agent's failure, long before the 5 s delay")
                .isLessThan(clock.nanoTime());
    }

    private List<PoolEvent.TaskDispatched> dispatches() {
        return events.stream().filter(e -> e instanceof PoolEvent.TaskDispatched)
                .map(e -> (PoolEvent.TaskDispatched) e).toList();
    }
}
