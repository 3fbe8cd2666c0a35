package io.trinity.pool.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.agent.AgentBrokenException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/**
 * A node declared dead takes all its agents with it, idle ones included: the pool must not send
 * a call to an agent whose node will never claim it (it would hang until the stuck check).
 */
class NodeDeathTest {

    @Test
    void everyAgentOnADeadNodeIsNoLongerAliveAndRefusesCallsAtOnce() throws Exception {
        RemoteCalls calls = new RemoteCalls(null, 1, "secret", 100, () -> { });
        RemoteAgent idle = new RemoteAgent("generic-1", "generic", "b", 1, calls, () -> { });
        RemoteAgent other = new RemoteAgent("generic-2", "generic", "c", 1, calls, () -> { });
        idle.initAsync();
        other.initAsync();
        assertThat(idle.alive()).isTrue();

        calls.nodeDied("b", "was silent for 10000 ms");

        assertThat(idle.alive()).isFalse();
        assertThat(other.alive()).as("another node's agent").isTrue();
        assertThat(idle.executeAsync(null).toCompletableFuture()).failsWithin(Duration.ZERO)
                .withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(AgentBrokenException.class).withMessageContaining("node b");
    }
}
