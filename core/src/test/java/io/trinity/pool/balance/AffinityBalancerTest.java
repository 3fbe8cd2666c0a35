package io.trinity.pool.balance;

import static io.trinity.pool.balance.Fixtures.agents;
import static io.trinity.pool.balance.Fixtures.keyed;
import static io.trinity.pool.balance.Fixtures.spare;
import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.agent.AgentView;
import io.trinity.pool.time.VirtualClock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AffinityBalancerTest {

    private static final Duration TTL = Duration.ofMinutes(10);

    private final VirtualClock clock = new VirtualClock();

    private AffinityBalancer balancer(List<TestAgent> agents, double loadFactor, int maxBindings) {
        var b = new AffinityBalancer(Fixtures.context(clock, 3, Fixtures.affinity(loadFactor, TTL, maxBindings)));
        agents.forEach(b::agentAdded);
        return b;
    }

    @Test
    void aKeyStaysOnItsAgent() {
        List<TestAgent> all = agents("code", 5, 8);
        var b = balancer(all, 1.25, 1000);
        SplittableRandom rnd = new SplittableRandom(8);
        Map<String, String> firstAgent = new HashMap<>();
        for (int i = 0; i < 2000; i++) {
            String key = "user-" + rnd.nextInt(50);
            AgentView chosen = b.select(keyed("code", key), spare(all));
            String before = firstAgent.putIfAbsent(key, chosen.id());
            assertThat(chosen.id()).as("key %s", key).isEqualTo(before == null ? chosen.id() : before);
        }
        assertThat(b.bindingCount()).isEqualTo(50);
    }

    @Test
    void keysSpreadAcrossAgents() {
        List<TestAgent> all = agents("code", 4, 8);
        var b = balancer(all, 1.25, 10_000);
        Map<String, Integer> perAgent = new HashMap<>();
        for (int i = 0; i < 4000; i++) {
            perAgent.merge(b.select(keyed("code", "k" + i), all).id(), 1, Integer::sum);
        }
        assertThat(perAgent).hasSize(4);
        // 64 virtual nodes each: every agent owns roughly a quarter of the ring.
        assertThat(perAgent.values()).allSatisfy(n -> assertThat(n).isBetween(600, 1400));
    }

    @Test
    void anOverloadedAgentOverflowsClockwiseButKeepsItsKey() {
        List<TestAgent> all = agents("code", 3, 100);
        var b = balancer(all, 1.25, 1000);
        TestAgent owner = (TestAgent) b.select(keyed("code", "hot"), all);

        // Everyone has 2 tasks; the owner gets 10 more: average with the new task is 17/3,
        // bound ceil(1.25 x 17/3) = 8, so the owner (12) must not take it.
        all.forEach(a -> a.inFlight(2));
        owner.inFlight(12);
        AgentView overflow = b.select(keyed("code", "hot"), all);
        assertThat(overflow).isNotSameAs(owner);
        assertThat(b.boundAgent("code", "hot")).isEqualTo(owner.id());

        owner.inFlight(2);
        assertThat(b.select(keyed("code", "hot"), all)).isSameAs(owner);
    }

    @Test
    void withoutDelayAFullBoundAgentIsNotWaitedFor() {
        List<TestAgent> all = agents("code", 3, 2);
        var b = balancer(all, 1.25, 1000);
        TestAgent owner = (TestAgent) b.select(keyed("code", "k"), all);
        owner.inFlight(2); // full: the pool leaves it out of the candidates

        AgentView chosen = b.select(keyed("code", "k"), spare(all));
        assertThat(chosen).isNotNull().isNotSameAs(owner);
        assertThat(b.boundAgent("code", "k")).isEqualTo(owner.id());
    }

    @Test
    void removingAnAgentMovesOnlyItsKeys() {
        List<TestAgent> all = agents("code", 4, 100);
        var b = balancer(all, 1.25, 10_000);
        Map<String, String> before = new HashMap<>();
        for (int i = 0; i < 200; i++) {
            before.put("k" + i, b.select(keyed("code", "k" + i), all).id());
        }
        TestAgent gone = all.get(1);
        b.agentRemoved(gone);
        List<TestAgent> left = all.stream().filter(a -> a != gone).toList();
        assertThat(b.ringSize("code")).isEqualTo(3 * AffinityBalancer.VIRTUAL_NODES);
        long boundToGone = before.values().stream().filter(gone.id()::equals).count();
        assertThat(b.bindingCount()).isEqualTo(200 - (int) boundToGone);

        for (int i = 0; i < 200; i++) {
            String key = "k" + i;
            AgentView now = b.select(keyed("code", key), left);
            if (before.get(key).equals(gone.id())) {
                assertThat(now).isNotSameAs(gone);
            } else {
                assertThat(now.id()).as("key %s", key).isEqualTo(before.get(key));
            }
        }
        assertThat(b.bindingCount()).isEqualTo(200);
    }

    @Test
    void bindingsExpireAfterTheTtlUnused() {
        List<TestAgent> all = agents("code", 2, 100);
        // The ring owner of the key, learned from a balancer with the same ring.
        String owner = balancer(all, 1.25, 1000).select(keyed("code", "s"), all).id();
        TestAgent ownerAgent = all.stream().filter(a -> a.id().equals(owner)).findFirst().orElseThrow();
        TestAgent other = all.stream().filter(a -> a != ownerAgent).findFirst().orElseThrow();

        var b = balancer(all, 1.25, 1000);
        ownerAgent.inFlight(10);
        assertThat(b.select(keyed("code", "s"), all)).isSameAs(other); // overflow binds s to other
        ownerAgent.inFlight(0);

        // Used every 0.9 TTL: the binding lives on though the ring points elsewhere.
        for (int i = 0; i < 3; i++) {
            clock.advance(TTL.multipliedBy(9).dividedBy(10));
            assertThat(b.select(keyed("code", "s"), all)).isSameAs(other);
        }
        clock.advance(TTL);
        assertThat(b.select(keyed("code", "t"), all)).isNotNull(); // any keyed dispatch sweeps
        assertThat(b.boundAgent("code", "s")).isNull();
        // placed afresh: the less loaded agent (t's demand must not decide it)
        other.inFlight(1);
        assertThat(b.select(keyed("code", "s"), all)).isSameAs(ownerAgent);
    }

    /** The agent a fresh balancer (no demand yet) gives {@code key}: the first one clockwise. */
    private String ringOwner(List<TestAgent> all, String key) {
        return balancer(all, 1.25, 1000).select(keyed("code", key), spare(all)).id();
    }

    /** A key whose first agent clockwise is {@code agentId}. */
    private String keyOwnedBy(List<TestAgent> all, String agentId) {
        for (int i = 0; i < 10_000; i++) {
            if (ringOwner(all, "n" + i).equals(agentId)) {
                return "n" + i;
            }
        }
        throw new AssertionError("no key among n0..n9999 has " + agentId + " first clockwise; widen the search");
    }

    @Test
    void aNewKeyGoesToTheIdleAgentWhoseKeysHaveTheLeastDemand() {
        List<TestAgent> all = agents("code", 4, 1);
        var b = balancer(all, 1.25, 1000);
        AgentView hot = b.select(keyed("code", "hot"), all);
        for (int i = 0; i < 20; i++) {
            assertThat(b.select(keyed("code", "hot"), all)).isSameAs(hot);
        }
        assertThat(b.keyedDemand("code", hot.id())).as("demand of the hot key's agent").isEqualTo(21.0);

        // Every agent is idle and under the bound, and the ring alone would give this key to the
        // hot key's agent; it goes to one whose keys ask less of it instead, so keys do not pile up
        // on one agent and wait for it.
        String key = keyOwnedBy(all, hot.id());
        AgentView chosen = b.select(keyed("code", key), all);
        assertThat(chosen).as("key %s, first clockwise at %s", key, hot.id()).isNotSameAs(hot);
        assertThat(b.boundAgent("code", key)).isEqualTo(chosen.id());
        assertThat(b.keyedDemand("code", chosen.id())).isEqualTo(1.0);
    }

    @Test
    void aSpilledTaskGoesToTheIdleAgentWhoseKeysHaveTheLeastDemand() {
        List<TestAgent> all = agents("code", 3, 1);
        var b = balancer(all, 1.25, 1000);
        TestAgent owner = (TestAgent) b.select(keyed("code", "hot"), all);
        // where the ring alone would spill hot's task with its agent busy: the first clockwise
        owner.inFlight(1);
        String firstClockwise = balancer(all, 1.25, 1000).select(keyed("code", "hot"), spare(all)).id();
        owner.inFlight(0);
        String busyKey = keyOwnedBy(all, firstClockwise);
        for (int i = 0; i < 10; i++) {
            assertThat(b.select(keyed("code", busyKey), all).id()).isEqualTo(firstClockwise);
        }

        owner.inFlight(1); // the pool leaves it out; no delay: hot's task spills at once
        AgentView spill = b.select(keyed("code", "hot"), spare(all));
        assertThat(spill).isNotSameAs(owner);
        assertThat(spill.id()).as("not the agent of a key with demand 10").isNotEqualTo(firstClockwise);
        assertThat(b.boundAgent("code", "hot")).isEqualTo(owner.id());
        assertThat(b.keyedDemand("code", owner.id())).as("a spilled task still counts for its key's agent")
                .isEqualTo(2.0);
    }

    @Test
    void keyedDemandDecaysOverAHundredMeanRunTimes() {
        List<TestAgent> all = agents("code", 2, 1);
        var b = balancer(all, 1.25, 1000);
        AgentView a = b.select(keyed("code", "k"), all);
        for (int i = 0; i < 200; i++) {
            b.taskEnded(a, keyed("code", "k"), new Outcome(true, Duration.ofMillis(500).toNanos(), Double.NaN));
        }
        clock.advance(Duration.ofMillis(500).multipliedBy((long) AffinityBalancer.DEMAND_RUN_TIMES));
        assertThat(b.keyedDemand("code", a.id())).isCloseTo(Math.exp(-1), org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void leastRecentlyUsedBindingsAreEvictedBeyondTheCap() {
        List<TestAgent> all = agents("code", 3, 100);
        var b = balancer(all, 1.25, 3);
        b.select(keyed("code", "k1"), all);
        b.select(keyed("code", "k2"), all);
        b.select(keyed("code", "k3"), all);
        b.select(keyed("code", "k1"), all); // k2 is now least recently used
        b.select(keyed("code", "k4"), all);

        assertThat(b.bindingCount()).isEqualTo(3);
        assertThat(b.boundAgent("code", "k2")).isNull();
        assertThat(b.boundAgent("code", "k1")).isNotNull();
        assertThat(b.boundAgent("code", "k3")).isNotNull();
        assertThat(b.boundAgent("code", "k4")).isNotNull();
    }

    @Test
    void sameKeyOfDifferentTypesIsBoundSeparately() {
        List<TestAgent> code = agents("code", 2, 4);
        List<TestAgent> data = agents("data", 2, 4);
        var b = balancer(code, 1.25, 1000);
        data.forEach(b::agentAdded);
        assertThat(b.select(keyed("code", "k"), code).type()).isEqualTo("code");
        assertThat(b.select(keyed("data", "k"), data).type()).isEqualTo("data");
        assertThat(b.bindingCount()).isEqualTo(2);
    }

    @Test
    void tasksWithoutAKeyGoToTheLeastLoaded() {
        List<TestAgent> all = agents("code", 3, 4);
        var b = balancer(all, 1.25, 1000);
        all.get(0).inFlight(2);
        all.get(1).inFlight(1);
        all.get(2).inFlight(3);
        assertThat(b.select(Fixtures.request("code"), all)).isSameAs(all.get(1));
        assertThat(b.bindingCount()).isZero();
    }

    @Test
    void candidatesItNeverSawStillGetTheTask() {
        var b = new AffinityBalancer(Fixtures.context(clock, 3));
        List<TestAgent> unknown = agents("code", 2, 4);
        unknown.get(0).inFlight(1);
        assertThat(b.select(keyed("code", "k"), unknown)).isSameAs(unknown.get(1));
    }

    @Test
    void aRetryAvoidsTheBoundAgentButKeepsTheBinding() {
        List<TestAgent> all = agents("code", 3, 8);
        var b = balancer(all, 1.25, 1000);
        TaskRequest first = keyed("code", "k");
        AgentView owner = b.select(first, all);
        AgentView second = b.select(Fixtures.retry(first, owner.id()), all);
        assertThat(second).isNotSameAs(owner);
        assertThat(b.boundAgent("code", "k")).isEqualTo(owner.id());
    }
}
