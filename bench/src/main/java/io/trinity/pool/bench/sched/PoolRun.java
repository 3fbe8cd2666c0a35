package io.trinity.pool.bench.sched;

import io.trinity.pool.AgentPool;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.Task;
import io.trinity.pool.agent.AgentState;
import io.trinity.pool.balance.BalancerSettings;
import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.time.VirtualClock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a scenario's jobs through the real pool on virtual time: {@code agents} agents of one
 * type spawned up front and held (warm pool = max, no idle reclaim, no stuck detection since
 * heavy-tailed tasks legitimately run long without heartbeats), every task naming the balancer
 * under test. Everything it reports comes from the pool's own events.
 */
final class PoolRun {

    /** What a run measured. {@code agentOf[i]} is the agent number job i ran on. */
    record Outcome(long[] latency, int[] agentOf, int maxLoad, int loadViolations, double worstLoadOverBound) {
    }

    private PoolRun() {
    }

    static Outcome run(List<Job> jobs, int agents, int capacity, Speeds speeds, String balancer, long seed) {
        return run(jobs, agents, capacity, speeds, balancer, seed, BalancerSettings.DEFAULTS);
    }

    static Outcome run(List<Job> jobs, int agents, int capacity, Speeds speeds, String balancer, long seed,
                       BalancerSettings settings) {
        VirtualClock clock = new VirtualClock();
        PoolConfig config = PoolConfig.custom().balancerSettings(settings).maxAgents(agents).warmPool(agents).warmPoolMin(agents)
                .warmPoolMax(agents).spawnRate(agents).queueCapacity(jobs.size() + 1).balancer(balancer)
                .idleTimeout(Duration.ofDays(1)).stuckAfter(Duration.ofDays(1)).healthInterval(Duration.ofHours(1))
                .statsInterval(Duration.ofHours(1)).maxAttempts(1).seed(seed).build();
        Recorder rec = new Recorder(jobs.size(), agents, config.balancerSettings());
        AgentPool pool = AgentPool.builder().deterministic(clock).config(config).listener(rec)
                .register("work", init -> new SkilledAgent(init.agentId(), clock, speeds, capacity)).build();
        clock.advance(Duration.ofSeconds(5));
        long ready = pool.snapshot().count(AgentState.READY) + pool.snapshot().count(AgentState.IDLE);
        if (ready != agents) {
            throw new IllegalStateException("expected " + agents + " ready agents before the scenario, got " + ready);
        }
        long t0 = clock.nanoTime();
        for (int i = 0; i < jobs.size(); i++) {
            Job j = jobs.get(i);
            clock.advanceTo(t0 + j.arrivalNanos());
            Task.Builder b = Task.builder("work").input(Map.of(SkilledAgent.BASE_NS, j.baseNanos()))
                    .skill(j.skill()).balancer(balancer);
            if (j.key() != null) {
                b.affinity(j.key());
            }
            pool.submit(b.build());
        }
        long limit = clock.nanoTime() + Duration.ofDays(30).toNanos();
        while (rec.ended < jobs.size() && clock.nanoTime() < limit) {
            clock.advance(Duration.ofMinutes(1));
        }
        if (rec.ended < jobs.size()) {
            throw new IllegalStateException(balancer + ": only " + rec.ended + " of " + jobs.size() + " tasks ended");
        }
        pool.shutdown(Duration.ZERO);
        clock.advance(Duration.ofMinutes(1));
        return new Outcome(rec.latency, rec.agentOf, rec.maxLoad, rec.violations, rec.worstRatio);
    }

    /** Turns the event stream into per-job latency and placement, and checks the load bound. */
    private static final class Recorder implements io.trinity.pool.event.PoolListener {
        final Map<Long, Integer> jobOf = new HashMap<>();
        final Map<Long, Long> submitted = new HashMap<>();
        final long[] latency;
        final int[] agentOf;
        final int[] inFlight;
        final double loadFactor;
        int submittedCount;
        int total;
        int ended;
        int maxLoad;
        int violations;
        double worstRatio;

        Recorder(int jobs, int agents, BalancerSettings settings) {
            latency = new long[jobs];
            agentOf = new int[jobs];
            inFlight = new int[agents + 1];
            loadFactor = settings.affinityLoadFactor();
        }

        @Override
        public void onEvent(PoolEvent e) {
            switch (e) {
                case PoolEvent.TaskSubmitted s -> {
                    // Submits are sequential and none is refused, so the k-th submit is job k.
                    submitted.put(s.task(), s.nanos());
                    jobOf.put(s.task(), submittedCount++);
                }
                case PoolEvent.TaskDispatched d -> {
                    int a = Speeds.number(d.agent());
                    // The bound of consistent hashing with bounded loads, counting this task.
                    long bound = (long) Math.ceil(loadFactor * (total + 1) / (inFlight.length - 1));
                    inFlight[a]++;
                    total++;
                    maxLoad = Math.max(maxLoad, inFlight[a]);
                    worstRatio = Math.max(worstRatio, inFlight[a] / (double) bound);
                    if (inFlight[a] > bound) {
                        violations++;
                    }
                    Integer j = jobOf.get(d.task());
                    if (j != null) {
                        agentOf[j] = a;
                    }
                }
                case PoolEvent.TaskEnded t -> {
                    if (t.agent() != null) {
                        inFlight[Speeds.number(t.agent())]--;
                        total--;
                    }
                    Integer j = jobOf.get(t.task());
                    latency[j] = t.nanos() - submitted.get(t.task());
                    ended++;
                }
                default -> {
                }
            }
        }
    }
}
