package io.trinity.pool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.event.PoolEvent.SpawnCause;
import org.junit.jupiter.api.Test;

class RunMetricsTest {

    private static final long S = 1_000_000_000L;

    @Test
    void coldStartIsATaskWhoseFirstAgentWasSpawnedAfterItArrived() {
        RunMetrics m = new RunMetrics(() -> 0);
        m.onEvent(new PoolEvent.AgentSpawned(0, "warm-1", "code", SpawnCause.WARM_POOL));
        m.onEvent(new PoolEvent.TaskSubmitted(5, 1, "code", 0, null, "default"));
        m.onEvent(new PoolEvent.TaskDispatched(6, 1, "warm-1", "least-loaded", 1)); // agent was there first
        m.onEvent(new PoolEvent.TaskSubmitted(10, 2, "code", 0, null, "default"));
        m.onEvent(new PoolEvent.AgentSpawned(11, "code-2", "code", SpawnCause.ON_DEMAND));
        m.onEvent(new PoolEvent.TaskDispatched(20, 2, "code-2", "least-loaded", 1)); // waited for the spawn
        m.onEvent(new PoolEvent.TaskSubmitted(30, 3, "code", 0, null, "default"));
        m.onEvent(new PoolEvent.TaskDispatched(31, 3, "code-2", "least-loaded", 1)); // same agent, warm now
        // at the cap an idle agent of another type is re-specialized for a waiting task: a new agent
        // that starts at once, so the task did not wait for a start
        m.onEvent(new PoolEvent.TaskSubmitted(40, 4, "data", 0, null, "default"));
        m.onEvent(new PoolEvent.AgentDestroyed(45, "code-2", "code", PoolEvent.DestroyReason.RESPECIALIZE, null));
        m.onEvent(new PoolEvent.AgentSpawned(45, "data-3", "data", SpawnCause.ON_DEMAND));
        m.onEvent(new PoolEvent.TaskDispatched(45, 4, "data-3", "least-loaded", 1));
        assertThat(m.coldStarts()).isEqualTo(1);
        assertThat(m.dispatchesByBalancer()).containsEntry("least-loaded", 4L);
    }

    @Test
    void agentSecondsIntegrateLiveAgentsOverTime() {
        RunMetrics m = new RunMetrics(() -> 0);
        m.onEvent(new PoolEvent.AgentSpawned(0, "a", "t", SpawnCause.ON_DEMAND));
        m.onEvent(new PoolEvent.AgentSpawned(S, "b", "t", SpawnCause.ON_DEMAND));
        m.onEvent(new PoolEvent.AgentDestroyed(3 * S, "a", "t", PoolEvent.DestroyReason.IDLE_TIMEOUT, null));
        // [0,1s) one agent, [1s,3s) two, [3s,4s) one: 1 + 4 + 1
        assertThat(m.agentSeconds(4 * S)).isEqualTo(6.0);
        assertThat(m.maxAlive()).isEqualTo(2);
        assertThat(m.spawnsByCause()).containsEntry("on_demand", 2L);
        assertThat(m.destroysByReason()).containsEntry("idle_timeout", 1L);
    }

    @Test
    void aScaleFlipIsAReversalOfTheSameTypesDirection() {
        RunMetrics m = new RunMetrics(() -> 0);
        m.onEvent(new PoolEvent.ScaleDecision(1, "code", 1, 3, "up", 4, 0.9));
        m.onEvent(new PoolEvent.ScaleDecision(2, "data", 4, 2, "down", 0, 0.1)); // another type: no flip
        m.onEvent(new PoolEvent.ScaleDecision(3, "code", 3, 5, "up", 4, 0.9));
        m.onEvent(new PoolEvent.ScaleDecision(4, "code", 5, 2, "down", 0, 0.1)); // flip
        m.onEvent(new PoolEvent.ScaleDecision(5, "code", 2, 2, "hold", 0, 0.5)); // no direction
        m.onEvent(new PoolEvent.ScaleDecision(6, "code", 2, 4, "up", 3, 0.8)); // flip
        assertThat(m.scaleFlips()).isEqualTo(2);
        assertThat(m.recentScale()).hasSize(5); // the view keeps the latest five
    }

    @Test
    void everyIdleRemovalCountsWhateverRemovedIt() {
        RunMetrics m = new RunMetrics(() -> 0);
        for (String a : new String[] {"a", "b", "c", "d", "e"}) {
            m.onEvent(new PoolEvent.AgentSpawned(0, a, "t", SpawnCause.ON_DEMAND));
        }
        m.onEvent(new PoolEvent.AgentDestroyed(S, "a", "t", PoolEvent.DestroyReason.IDLE_TIMEOUT, null));
        m.onEvent(new PoolEvent.AgentDestroyed(S, "b", "t", PoolEvent.DestroyReason.SCALE_DOWN, null));
        m.onEvent(new PoolEvent.AgentDestroyed(S, "c", "t", PoolEvent.DestroyReason.SCALE_DOWN, null));
        m.onEvent(new PoolEvent.AgentDestroyed(S, "d", "t", PoolEvent.DestroyReason.RESPECIALIZE, null));
        m.onEvent(new PoolEvent.AgentDestroyed(S, "e", "t", PoolEvent.DestroyReason.FAILED, null));
        // the scaler's removals of idle agents are idle removals too; respecialize and failed are not
        assertThat(m.idleRemovals()).isEqualTo(3);
    }

    @Test
    void forgetsTasksThatEndWithoutADispatchAndAgentsDestroyedBeforeTheirFirstTask() {
        RunMetrics m = new RunMetrics(() -> 0, false);
        m.onEvent(new PoolEvent.AgentSpawned(0, "a", "code", SpawnCause.WARM_POOL));
        m.onEvent(new PoolEvent.TaskSubmitted(1, 1, "code", 0, "k", "default"));
        m.onEvent(new PoolEvent.TaskSubmitted(1, 2, "code", 0, null, "default"));
        m.onEvent(new PoolEvent.TaskRejected(2, 1, "code", PoolEvent.RejectReason.SHED, "shed", "default"));
        m.onEvent(new PoolEvent.TaskEnded(2, 1, null, PoolEvent.TaskOutcome.CANCELLED, 0, "shed"));
        m.onEvent(new PoolEvent.TaskEnded(3, 2, null, PoolEvent.TaskOutcome.CANCELLED, 0, "cancelled"));
        m.onEvent(new PoolEvent.AgentDestroyed(4, "a", "code", PoolEvent.DestroyReason.SCALE_DOWN, null));
        assertThat(m.entriesHeld()).isZero();
        assertThat(m.agentsByAffinity()).isEmpty(); // not tracked when asked not to
    }
}
