package io.trinity.pool.internal;

import io.trinity.pool.AgentType;
import io.trinity.pool.agent.Agent;
import io.trinity.pool.agent.AgentState;
import io.trinity.pool.agent.AgentView;
import io.trinity.pool.agent.IllegalTransitionException;
import io.trinity.pool.time.PoolClock;
import java.util.ArrayList;
import java.util.List;

/**
 * One live agent as the control loop tracks it. Mutated only on the loop; the engine is the
 * only caller of {@link #moveTo}, which enforces the lifecycle.
 */
final class AgentSlot implements AgentView {

    final String id;
    final long createdNanos;
    AgentType type;
    AgentState state = AgentState.SPAWNING;
    Agent agent;
    int capacity = 1;
    /** The agent's node, read once when it started; null before that or when the pool is not clustered. */
    String node;
    final List<Attempt> running = new ArrayList<>(1);
    /**
     * Whether the pool's agent map holds this slot (from its spawn until {@link Lifecycle#removed}):
     * the same answer as {@code agents.get(id) == this} (ids are never reused) without a lookup in
     * a map of every agent, which costs a cache miss per dispatch in a pool of thousands.
     */
    boolean listed;
    /** Index in its type's free list, or -1 when not there. */
    int freeIndex = -1;
    /** Free slots as last counted into its type's total. */
    int countedFree;
    long lastActiveNanos;
    long latencyEwmaNanos;
    long completed;
    boolean warm;
    /** When it last started a task with an affinity key (a session is on it), or Long.MIN_VALUE. */
    long lastKeyedNanos = Long.MIN_VALUE;
    /** The type this busy agent is promised to at the cap: it takes no new task and is respecialized when free. */
    String handOverTo;
    /** Set once the agent has been announced to the balancers. */
    boolean announced;
    final QualityTrend quality;
    PoolClock.Timer idleTimer;

    AgentSlot(String id, AgentType type, long now, int qualityWindow) {
        this.id = id;
        this.type = type;
        this.lastActiveNanos = now;
        this.createdNanos = now;
        this.quality = new QualityTrend(qualityWindow);
    }

    /** Moves to {@code to}; throws {@link IllegalTransitionException} if the lifecycle forbids it. */
    AgentState moveTo(AgentState to) {
        AgentState from = state;
        AgentState.checkTransition(id, from, to);
        state = to;
        return from;
    }

    void recordLatency(long nanos) {
        latencyEwmaNanos = latencyEwmaNanos == 0 ? nanos : (latencyEwmaNanos * 7 + nanos) / 8;
    }

    @Override public String id() { return id; }
    @Override public String type() { return type.name(); }
    @Override public AgentState state() { return state; }
    @Override public int capacity() { return capacity; }
    @Override public int inFlight() { return running.size(); }
    @Override public long recentLatencyNanos() { return latencyEwmaNanos; }
    @Override public long completed() { return completed; }
    @Override public String node() { return node; }

    @Override
    public String toString() {
        return id + "[" + state + ", " + running.size() + "/" + capacity + "]";
    }
}
