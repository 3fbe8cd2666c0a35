package io.trinity.pool.spawn;

import io.trinity.pool.event.PoolEvent.SpawnCause;
import java.util.Collection;

/**
 * The engine's side of spawning, as strategies see it: counts of the pool's agents and tasks, smoothed rates
 * and times, and the calls that spawn. Valid only during {@link SpawnStrategy#plan}, on the control loop;
 * counts are read live, so they change as the strategy spawns. Type arguments are registered type names; an
 * unknown type reads as 0.
 */
public interface SpawnPlanner {

    /** {@return the pool clock's time, in nanoseconds} */
    long nanoTime();

    /** {@return the registered agent type names} */
    Collection<String> types();

    /**
     * Counts the tasks of a type waiting in the queue.
     *
     * @param type the agent type
     * @return waiting tasks, 0 or more
     */
    int pending(String type);

    /**
     * Counts free task slots of a type on live agents (READY, IDLE, or BUSY under capacity).
     *
     * @param type the agent type
     * @return free slots, 0 or more
     */
    int freeSlots(String type);

    /**
     * Counts agents of a type still spawning.
     *
     * @param type the agent type
     * @return agents in SPAWNING
     */
    int spawning(String type);

    /**
     * Counts agents of a type in every state, as its cap counts them.
     *
     * @param type the agent type
     * @return live agents of the type
     */
    int alive(String type);

    /** {@return agents of all types in every state: what the pool cap counts} */
    int alive();

    /**
     * {@return the pool cap now: {@link io.trinity.pool.PoolConfig#maxAgents()}, or less while a live agent
     * limit ({@code PoolBuilder.agentLimit}) is lower; {@link #alive()} may exceed it after the limit fell}
     */
    int maxAgents();

    /**
     * Counts READY or IDLE agents of a type with nothing running: what can take a task this instant.
     *
     * @param type the agent type
     * @return such agents, 0 or more
     */
    int readyNow(String type);

    /**
     * How many READY agents the warm pool wants of a type now; the engine adapts it between {@code
     * warmPoolMin} and {@code warmPoolMax}.
     *
     * @param type the agent type
     * @return the target, 0 or more
     */
    int warmTarget(String type);

    /**
     * Agents of the type the warm pool keeps alive: its share on top of the smoothed busy count, so READY
     * agents are there on average without racing every momentary peak (which would spawn agents the scaler
     * then removes).
     *
     * @param type the agent type
     * @return the floor, in agents; {@link #warmTarget} unless the engine knows better
     */
    default int warmFloor(String type) {
        return warmTarget(type);
    }

    /**
     * Counts tasks of a type submitted since the pool started, a counter strategies can difference.
     *
     * @param type the agent type
     * @return submissions so far, never decreasing
     */
    long arrivals(String type);

    /**
     * The smoothed time an attempt of a type takes.
     *
     * @param type the agent type
     * @return seconds, 0 before the first attempt ends
     */
    double serviceSeconds(String type);

    /**
     * The smoothed cold-start time of a type.
     *
     * @param type the agent type
     * @return seconds, 0 before the first spawn completes
     */
    double spawnSeconds(String type);

    /**
     * Counts the tasks of a type running now.
     *
     * @param type the agent type
     * @return running attempts
     */
    int inFlight(String type);

    /**
     * Waiting tasks of a type that running work will have taken before a new agent could be ready: running
     * tasks x (cold start / service time), by Little's law. The pool's own planner counts over the longer of
     * the cold start and the configured {@code targetWait}, since a task that starts within the wait asked for
     * needs no new agent.
     *
     * @param type the agent type
     * @return tasks, 0 while either time is still unknown
     */
    default int coveredBeforeASpawn(String type) {
        double service = serviceSeconds(type);
        double spawn = spawnSeconds(type);
        if (service <= 0 || spawn <= 0) {
            return 0;
        }
        return (int) Math.floor(inFlight(type) * (spawn / service));
    }

    /**
     * Agents of a type that a steady flow at this rate needs by the pool's own sizing rule: what the
     * auto-scaler keeps once such a flow is there (the pool's planner: Erlang C at its
     * {@code targetWait} for the p99, and its {@code targetUtilization}), within the type's and the
     * pool's caps. A strategy that spawns ahead of a forecast sizes with it, so that the agents ready
     * when the flow comes are the ones the scaler would keep for it, spare slots for the flow's
     * Poisson peaks included.
     *
     * @param type the agent type
     * @param ratePerSecond the flow's arrival rate, tasks per second
     * @return agents, 0 while the type's service time is unknown; by default the rate times the
     *     service time (Little's law), rounded up
     */
    default int agentsFor(String type, double ratePerSecond) {
        double service = serviceSeconds(type);
        if (!(ratePerSecond > 0) || !(service > 0)) {
            return 0;
        }
        return (int) Math.ceil(ratePerSecond * service - 1e-9);
    }

    /**
     * The smoothed arrival rate of a type's tasks.
     *
     * @param type the agent type
     * @return tasks per second
     */
    double arrivalRate(String type);

    /**
     * Spawns one agent of a type, if the cap, the type's own cap, the rate limit and the type's restart
     * backoff allow it now.
     *
     * @param type the agent type
     * @param cause why, as the {@code agent.spawn} event will say
     * @return true if an agent is spawning; false if a limit refused (the engine plans again when it lifts)
     */
    boolean spawn(String type, SpawnCause cause);

    /**
     * Clones the live agent of a type that is busiest (or bound to {@code affinityKey} when non-null),
     * seeding the new agent with its snapshot. Same limits as {@link #spawn}.
     *
     * @param type the agent type
     * @param affinityKey prefer the agent bound to this key, or null for the busiest
     * @return true if a clone is spawning; false if a limit refused or no agent can be cloned
     */
    boolean cloneBusiest(String type, String affinityKey);

    /**
     * The affinity key of the next waiting task of a type.
     *
     * @param type the agent type
     * @return the key, or null if the task has none or nothing waits
     */
    String pendingAffinityKey(String type);

    /**
     * Asks the scaler and the idle reclaim to keep at least this many agents of a type until the strategy
     * says otherwise, so that agents spawned ahead of forecast demand are not removed before it arrives. The
     * latest call wins; a strategy that holds agents calls it on every plan, with 0 to let them go.
     *
     * @param type the agent type
     * @param agents the agents to keep, 0 or more (capped by the type's and the pool's limits)
     */
    default void keepAtLeast(String type, int agents) {
    }

    /**
     * Makes room at the cap for a type by reclaiming an IDLE agent of another type with no pending work:
     * re-specialized if the agent supports it, destroyed otherwise.
     *
     * @param type the type that needs room
     * @return true if room was made (or is being made)
     */
    boolean reclaimFor(String type);
}
