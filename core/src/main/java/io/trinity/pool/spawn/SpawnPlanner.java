package io.trinity.pool.spawn;

import io.trinity.pool.event.PoolEvent.SpawnCause;
import java.util.Collection;

/** The engine's side of spawning, as strategies see it. Valid only during {@code plan}. */
public interface SpawnPlanner {

    long nanoTime();

    /** Registered agent types. */
    Collection<String> types();

    /** Tasks of a type waiting in the queue. */
    int pending(String type);

    /** Free task slots of a type on live agents (READY, IDLE, or BUSY under capacity). */
    int freeSlots(String type);

    /** Agents of a type still spawning. */
    int spawning(String type);

    /** Agents of a type, all states. */
    int alive(String type);

    /** Agents of all types, all states (what the cap counts). */
    int alive();

    int maxAgents();

    /** READY or IDLE agents of a type with nothing running: what can take a task this instant. */
    int readyNow(String type);

    /** How many READY agents the warm pool wants of this type now (the engine adapts it). */
    int warmTarget(String type);

    /**
     * Agents of the type the warm pool keeps alive: its share on top of the smoothed busy count,
     * so READY agents are there on average without racing every momentary peak (which would
     * spawn agents the scaler then removes).
     */
    default int warmFloor(String type) {
        return warmTarget(type);
    }

    /** Tasks of a type submitted since the pool started (a counter strategies can difference). */
    long arrivals(String type);

    /** Smoothed time an attempt of this type takes, in seconds (0 before the first one). */
    double serviceSeconds(String type);

    /** Smoothed cold-start time of this type, in seconds (0 before the first spawn). */
    double spawnSeconds(String type);

    /** Tasks of a type running now. */
    int inFlight(String type);

    /**
     * Waiting tasks of a type that running work will have taken before a new agent could be
     * ready: running tasks x (cold start / service time), by Little's law. 0 while either time
     * is still unknown.
     */
    default int coveredBeforeASpawn(String type) {
        double service = serviceSeconds(type);
        double spawn = spawnSeconds(type);
        if (service <= 0 || spawn <= 0) {
            return 0;
        }
        return (int) Math.floor(inFlight(type) * (spawn / service));
    }

    /** Smoothed arrival rate of a type's tasks, per second. */
    double arrivalRate(String type);

    /**
     * Spawns one agent of a type, if the cap, the type's own cap, the rate limit and the
     * type's restart backoff allow it now; otherwise returns false (the engine retries the
     * plan when the limit lifts).
     */
    boolean spawn(String type, SpawnCause cause);

    /**
     * Clones the live agent of a type that is busiest (or bound to {@code affinityKey} when
     * non-null), seeding the new agent with its snapshot. Same limits as {@link #spawn}.
     */
    boolean cloneBusiest(String type, String affinityKey);

    /** The affinity key of the next waiting task of a type, or null if it has none. */
    String pendingAffinityKey(String type);

    /**
     * Makes room at the cap for a type by reclaiming an IDLE agent of another type with no
     * pending work: re-specialized if the agent supports it, destroyed otherwise. Returns true
     * if room was made (or is being made).
     */
    boolean reclaimFor(String type);
}
