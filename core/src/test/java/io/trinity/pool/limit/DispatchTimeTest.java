package io.trinity.pool.limit;

import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.AgentPool;
import io.trinity.pool.AgentType;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.Task;
import io.trinity.pool.agent.AgentState;
import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.time.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A dispatch's event comes before anything else its start emits, so the log never restamps it
 * later than the time its provider grant counts from. (On the system clock the agent's BUSY
 * change read the clock after the dispatch; the log moved the dispatch to that later time, and
 * starts a whole minute apart showed as up to 60 ms less: found by the cluster's 60/min test.)
 */
class DispatchTimeTest {

    @Test
    void theDispatchEventPrecedesTheAgentTurningBusyAndTheHoldEndsAMinuteAfterIt() {
        VirtualClock clock = new VirtualClock();
        List<PoolEvent> events = new ArrayList<>();
        PoolConfig c = PoolConfig.custom().maxAgents(1).warmPool(1).warmPoolMin(1)
                .resourceLimit(ResourceLimit.of("p").withRequestsPerMinute(1)).build();
        AgentPool pool = AgentPool.builder().config(c).deterministic(clock).listener(events::add)
                .register(AgentType.of("x", init -> ctx -> io.trinity.pool.Payload.EMPTY).withResource("p", 1)).build();
        clock.advance(Duration.ofSeconds(1));
        pool.submit(Task.of("x", Map.of()));
        clock.advance(Duration.ofMillis(10));
        pool.submit(Task.of("x", Map.of()));
        clock.advance(Duration.ofMinutes(2));

        int dispatched = -1;
        int busy = -1;
        for (int i = 0; i < events.size(); i++) {
            PoolEvent e = events.get(i);
            if (dispatched < 0 && e instanceof PoolEvent.TaskDispatched) {
                dispatched = i;
            }
            if (busy < 0 && e instanceof PoolEvent.AgentStateChanged s && s.to() == AgentState.BUSY) {
                busy = i;
            }
        }
        assertThat(dispatched).as("events: %s", events).isNotNegative().isLessThan(busy);
        List<PoolEvent.TaskDispatched> d = events.stream().filter(e -> e instanceof PoolEvent.TaskDispatched)
                .map(e -> (PoolEvent.TaskDispatched) e).toList();
        assertThat(d).hasSize(2);
        assertThat(d.get(1).nanos() - d.get(0).nanos()).isEqualTo(Duration.ofMinutes(1).toNanos());
        pool.close();
    }
}
