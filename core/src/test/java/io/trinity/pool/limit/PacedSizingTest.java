package io.trinity.pool.limit;

import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.AgentPool;
import io.trinity.pool.AgentType;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.Task;
import io.trinity.pool.TaskHandle;
import io.trinity.pool.TaskState;
import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.time.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A paced type costs what it uses: with a provider limit of 60 requests/min (4 concurrent) and
 * 1.2 s calls arriving at 2/s, the pool keeps the limit busy in every window without buying
 * agents that can only wait for the window to reopen. Virtual time.
 */
class PacedSizingTest {

    static final String LLM = "llm:model";
    static final long MINUTE = Duration.ofMinutes(1).toNanos();

    final VirtualClock clock = new VirtualClock();
    final FakeProvider provider = new FakeProvider(clock);
    final List<PoolEvent> events = new ArrayList<>();

    @Test
    void aPacedTypeIsSizedFromItsLimitsAndIdlesNoAgentThroughAClosedWindow() {
        PoolConfig config = PoolConfig.custom().queueCapacity(100_000)
                .resourceLimit(ResourceLimit.of(LLM).withRequestsPerMinute(60).withMaxConcurrent(4)).build();
        AgentPool pool = AgentPool.builder().config(config).deterministic(clock).listener(events::add)
                .register(AgentType.of("llm", provider.agents()).withResource(LLM, 100)).build();
        SplittableRandom random = new SplittableRandom(7);
        List<TaskHandle> handles = new ArrayList<>();
        double at = 0;
        while (at < Duration.ofMinutes(20).toMillis()) {
            at += -Math.log(1 - random.nextDouble()) * 500; // Poisson, 2 per second
            clock.schedule(Duration.ofMillis((long) at), () -> handles.add(pool.submit(Task.builder("llm")
                    .input(Map.of("resource", LLM, "tokens", 100, "ms", 1200)).build())));
        }
        clock.advance(Duration.ofMinutes(60));

        assertThat(handles).hasSizeGreaterThan(2_000).allMatch(h -> h.state() == TaskState.SUCCEEDED);
        List<FakeProvider.Request> served = provider.served(LLM);
        long[] max = FakeProvider.maxInWindow(served, MINUTE);
        double minutes = (served.getLast().nanos() - served.getFirst().nanos()) / (double) MINUTE;
        double used = served.size() / (60 * minutes);

        long end = served.getLast().nanos() + Duration.ofMillis(1200).toNanos();
        Map<String, Long> spawnedAt = new HashMap<>();
        double agentSeconds = 0;
        int live = 0;
        int maxLive = 0;
        for (PoolEvent e : events) {
            if (e instanceof PoolEvent.AgentSpawned s) {
                spawnedAt.put(s.agent(), s.nanos());
                maxLive = Math.max(maxLive, ++live);
            } else if (e instanceof PoolEvent.AgentDestroyed d && spawnedAt.containsKey(d.agent())) {
                agentSeconds += (Math.min(d.nanos(), end) - spawnedAt.remove(d.agent())) / 1e9;
                live--;
            }
        }
        for (long t : spawnedAt.values()) {
            agentSeconds += Math.max(0, end - t) / 1e9;
        }
        double busySeconds = served.size() * 1.2;
        System.out.printf("paced sizing: 60 req/min, 4 concurrent, 1.2 s calls at 2/s for 20 min: %d calls, max %d in"
                        + " any 60 s window, %.1f%% of the limit used; agent-s %.0f for %.0f busy (%.2fx), at most %d"
                        + " agents%n", served.size(), max[0], used * 100, agentSeconds, busySeconds,
                agentSeconds / busySeconds, maxLive);
        assertThat(max[0]).isLessThanOrEqualTo(60);
        assertThat(used).as("the limit is used to the full while work waits").isGreaterThanOrEqualTo(0.95);
        assertThat(agentSeconds).isLessThanOrEqualTo(1.5 * busySeconds);
        assertThat(maxLive).isLessThanOrEqualTo(4);
    }
}
