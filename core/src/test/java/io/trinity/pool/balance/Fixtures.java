package io.trinity.pool.balance;

import io.trinity.pool.Task;
import io.trinity.pool.time.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/** Contexts and requests for balancer tests; every random source is seeded. */
final class Fixtures {
    private Fixtures() {
    }

    static BalancerContext context(VirtualClock clock, long seed) {
        return context(clock, seed, BalancerSettings.DEFAULTS);
    }

    static BalancerContext context(VirtualClock clock, long seed, BalancerSettings settings) {
        return new BalancerContext(clock, new SplittableRandom(seed), settings);
    }

    /** Affinity settings without delay scheduling: placement alone, the ring and the load bound. */
    static BalancerSettings affinity(double loadFactor, Duration ttl, int maxBindings) {
        BalancerSettings d = BalancerSettings.DEFAULTS;
        return new BalancerSettings(loadFactor, ttl, maxBindings, d.powerOfTwoThreshold(), d.skillHalfLife(),
                d.skillExploration(), 0, Duration.ZERO);
    }

    static BalancerSettings powerOfTwo(int threshold) {
        BalancerSettings d = BalancerSettings.DEFAULTS;
        return new BalancerSettings(d.affinityLoadFactor(), d.affinityTtl(), d.affinityMaxBindings(), threshold,
                d.skillHalfLife(), d.skillExploration());
    }

    static BalancerSettings skill(Duration halfLife, double exploration) {
        BalancerSettings d = BalancerSettings.DEFAULTS;
        return new BalancerSettings(d.affinityLoadFactor(), d.affinityTtl(), d.affinityMaxBindings(),
                d.powerOfTwoThreshold(), halfLife, exploration);
    }

    private static final AtomicLong IDS = new AtomicLong();

    static TaskRequest request(String type) {
        return new TaskRequest(IDS.incrementAndGet(), Task.builder(type).build(), 1, null);
    }

    static TaskRequest keyed(String type, String key) {
        return new TaskRequest(IDS.incrementAndGet(), Task.builder(type).affinity(key).build(), 1, null);
    }

    static TaskRequest skilled(String type, String skill) {
        return new TaskRequest(IDS.incrementAndGet(), Task.builder(type).skill(skill).build(), 1, null);
    }

    /** The same request after it has been held back for {@code heldNanos}. */
    static TaskRequest held(TaskRequest first, long heldNanos) {
        return new TaskRequest(first.id(), first.task(), first.attempt(), first.previousAgent(), first.typeInFlight(),
                first.typeAgents(), heldNanos);
    }

    static TaskRequest retry(TaskRequest first, String previousAgent) {
        return new TaskRequest(first.id(), first.task(), first.attempt() + 1, previousAgent);
    }

    static List<TestAgent> agents(String type, int n, int capacity) {
        List<TestAgent> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(new TestAgent(type + "-" + i, type, capacity));
        }
        return list;
    }

    /** The agents with spare capacity, as the pool passes them. */
    static List<TestAgent> spare(List<TestAgent> agents) {
        return agents.stream().filter(TestAgent::hasSpareCapacity).toList();
    }
}
