package io.trinity.pool.bench.dispatch;

import io.trinity.pool.AgentPool;
import io.trinity.pool.agent.AgentState;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/** Waits for a pool's agents to be spawned before anything is measured (also used by the journal bench). */
public final class Warmup {

    private Warmup() {
    }

    public static void awaitReady(AgentPool pool, int agents, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        long ready = 0;
        while (System.nanoTime() < deadline) {
            var snap = pool.snapshot();
            ready = snap.count(AgentState.READY) + snap.count(AgentState.IDLE);
            if (ready >= agents) {
                return;
            }
            // A benchmark setup, not a test: polling the snapshot is the public way to watch spawns.
            LockSupport.parkNanos(20_000_000);
        }
        throw new IllegalStateException("pool reached only " + ready + " of " + agents + " ready agents within "
                + limit + "; raise spawnRate or the limit");
    }
}
