package io.trinity.pool.micrometer;

import io.trinity.pool.agent.AgentState;
import io.trinity.pool.event.PoolEvent;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code trinity.pool.agents{type,state}}: live agents by type and lifecycle state, followed
 * from spawn, state and destroy events. A type's gauges are created for every state when its
 * first agent spawns, so a state with no agent reads 0 instead of missing. Holds one entry per
 * live agent. Listener thread only; the gauges' atomics are read by the registry's thread.
 */
final class AgentBook {

    /** A live agent: its type's gauges and its current state. */
    private static final class Live {
        final AtomicInteger[] byState;
        AgentState state = AgentState.SPAWNING;

        Live(AtomicInteger[] byState) {
            this.byState = byState;
        }
    }

    private final MeterSet.Gauges gauges;
    private final Map<String, AtomicInteger[]> types = new HashMap<>();
    private final Map<String, Live> agents = new HashMap<>();

    AgentBook(MeterSet meters) {
        this.gauges = meters.new Gauges(TrinityPoolMetrics.AGENTS, "Live agents by type and lifecycle state",
                "type", "state");
    }

    void spawned(PoolEvent.AgentSpawned e) {
        AtomicInteger[] byState = types.computeIfAbsent(e.type(), this::register);
        Live a = new Live(byState);
        if (agents.put(e.agent(), a) == null) {
            byState[AgentState.SPAWNING.ordinal()].incrementAndGet();
        }
    }

    void changed(PoolEvent.AgentStateChanged e) {
        Live a = agents.get(e.agent());
        if (a != null) {
            a.byState[a.state.ordinal()].decrementAndGet();
            a.state = e.to();
            a.byState[e.to().ordinal()].incrementAndGet();
        }
    }

    void destroyed(PoolEvent.AgentDestroyed e) {
        Live a = agents.remove(e.agent());
        if (a != null) {
            a.byState[a.state.ordinal()].decrementAndGet();
        }
    }

    private AtomicInteger[] register(String type) {
        AgentState[] states = AgentState.values();
        AtomicInteger[] byState = new AtomicInteger[states.length];
        for (AgentState s : states) {
            byState[s.ordinal()] = gauges.get(type, s.name().toLowerCase(Locale.ROOT));
        }
        return byState;
    }

    int tracked() {
        return agents.size();
    }
}
