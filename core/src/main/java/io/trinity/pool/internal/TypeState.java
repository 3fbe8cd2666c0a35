package io.trinity.pool.internal;

import io.trinity.pool.AgentType;
import io.trinity.pool.health.RestartPolicy;
import java.util.ArrayList;
import java.util.List;

/** Per agent type bookkeeping on the loop. */
final class TypeState {

    final AgentType type;
    final String name;
    /** Every agent of this type, in spawn order. */
    final List<AgentSlot> slots = new ArrayList<>();
    /** Agents with a free task slot: the balancers' candidate list, O(1) add and remove. */
    final List<AgentSlot> free = new ArrayList<>();
    private int freeSlotCount;
    final RestartPolicy restart;
    /** The last agent failure of this type (why init or a run failed): the circuit's cause. */
    String lastFailure;
    /** The last spawn of this type failed in init (it cannot start at all, as opposed to crashing in a run). */
    boolean startFailing;
    /** When the circuit last opened, on the pool clock. */
    long circuitOpenedNanos;
    int spawning;
    /** Agents of other types being respecialized into this one (reclaimed, not yet spawned). */
    int incoming;
    /** Busy agents of other types promised to this one, handed over when their work returns. */
    final List<AgentSlot> handingOver = new ArrayList<>();
    int counter;
    /** Replacements for failed agents not yet spawned (waiting for backoff, cap or rate). */
    int replacementsOwed;
    /** Arrivals since the last scale tick, and their smoothed rate per second. */
    int arrivalsThisTick;
    /** Waiting tasks found held by tenant, resource or budget limits in the last dispatch pass. */
    int held;
    long arrivals;
    double arrivalRate;
    /** Tasks running now. */
    int inFlight;
    /** Sum and count of recent attempt durations, for the scaler's service-time estimate. */
    double serviceEwmaNanos;
    /** Smoothed time from spawn to READY. */
    double spawnTimeEwmaNanos;
    long lastScaleDownNanos = Long.MIN_VALUE / 2;
    /** When the type last gained an agent by a scale-up or a spawning strategy (pool clock). */
    long lastScaleUpNanos = Long.MIN_VALUE / 2;
    /**
     * The scaler's slow view of the flow ({@link ScaleController#observe}): arrival rate per second and
     * mean service time, each a bias-corrected average over about {@link FlowForecast#MEMORY_SECONDS},
     * and the offered load they give (busy slots a steady flow needs, λ x S).
     */
    double flowRateSum;
    /** The slow rate averaged once more (same memory and weights): its gap to the slow rate measures the trend. */
    double flowRateTrendSum;
    double flowServiceSum;
    double flowWeight;
    double flowServiceWeight;
    double load;
    /** The relative standard error of {@link #load} from the Poisson noise of the arrivals ({@link FlowForecast}). */
    double loadNoise;
    /** Seconds since the type's first arrival: the flow is sized only once it has been seen for a window. */
    double flowSeconds;
    /** Seconds since the last tick with an arrival. */
    double quietSeconds;
    /** Slots the steady flow needs by Erlang C at the target wait (and utilization); 0 before any flow. */
    int flowSlots;
    /** Smoothed busy agents, and the scaler's stabilized target (max over its window). */
    double busyEwma;
    int stabilizedTarget;
    /** Warm agents the warm pool wants of this type now. */
    int warmTarget;
    /** Agents a spawning strategy asked the scaler to keep ({@code SpawnPlanner.keepAtLeast}), 0 if none. */
    int strategyFloor;
    /**
     * The smallest capacity any started agent of the type reported, 0 before one started: sizing's
     * fallback with no agent up. The smallest, so agents whose capacity differs are never counted
     * as bigger than one of them was (that would under-size); a type that shrinks is sized as before.
     */
    int leastCapacity;
    /** The most agents the type's provider limits can keep busy ({@link PacedSizing}); MAX_VALUE if unpaced. */
    int pacedCap = Integer.MAX_VALUE;
    /** Until when a provider window holds every waiting task of this type (pool clock); MIN_VALUE if none. */
    long heldUntil = Long.MIN_VALUE;

    TypeState(AgentType type, RestartPolicy restart) {
        this.type = type;
        this.name = type.name();
        this.restart = restart;
    }

    /** The most agents this type may have: its own maxAgents, and what its provider limits can use. */
    int agentCap() {
        return Math.min(type.maxAgents(), pacedCap);
    }

    /**
     * Whether a provider window holds this type's queue for longer than it takes to start an
     * agent: its waiting tasks call for no agents (and no warm ones) until an agent started
     * now would be ready just as the window reopens.
     */
    boolean parked(long now) {
        return heldUntil != Long.MIN_VALUE && now < heldUntil - (long) spawnTimeEwmaNanos;
    }

    /** Sets how many task slots the agent has free (0 takes it off the candidate list). O(1). */
    void setFree(AgentSlot s, int slots) {
        freeSlotCount += slots - s.countedFree;
        s.countedFree = slots;
        if (slots > 0) {
            if (s.freeIndex < 0) {
                s.freeIndex = free.size();
                free.add(s);
            }
        } else if (s.freeIndex >= 0) {
            int i = s.freeIndex;
            AgentSlot last = free.remove(free.size() - 1);
            if (last != s) {
                free.set(i, last);
                last.freeIndex = i;
            }
            s.freeIndex = -1;
        }
    }

    void removeFree(AgentSlot s) {
        setFree(s, 0);
    }

    /** Free task slots over all of this type's agents, kept up to date by {@link #setFree}. */
    int freeSlots() {
        return freeSlotCount;
    }
}
