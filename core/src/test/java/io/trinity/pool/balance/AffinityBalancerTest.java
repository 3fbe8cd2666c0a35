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
        assertThat(b.select(keyed("code", "s"), all)).isSameAs(ownerAgent);
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
