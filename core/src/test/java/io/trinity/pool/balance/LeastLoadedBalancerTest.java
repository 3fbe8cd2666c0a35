package io.trinity.pool.balance;

import static io.trinity.pool.balance.Fixtures.agents;
import static io.trinity.pool.balance.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.agent.AgentView;
import io.trinity.pool.time.VirtualClock;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LeastLoadedBalancerTest {

    @Test
    void picksTheLightestRelativeToCapacity() {
        var balancer = new LeastLoadedBalancer(Fixtures.context(new VirtualClock(), 1));
        TestAgent fewestTasks = new TestAgent("a", "code", 2).inFlight(1);  // 0.50
        TestAgent lightest = new TestAgent("b", "code", 8).inFlight(3);     // 0.375
        TestAgent heavy = new TestAgent("c", "code", 3).inFlight(2);        // 0.67

        assertThat(balancer.select(request("code"), List.of(fewestTasks, heavy, lightest))).isSameAs(lightest);
    }

    @Test
    void equalLoadsGoToTheFasterAgent() {
        var balancer = new LeastLoadedBalancer(Fixtures.context(new VirtualClock(), 1));
        TestAgent slow = new TestAgent("slow", "code", 2).inFlight(1).latency(300_000_000);
        TestAgent fast = new TestAgent("fast", "code", 4).inFlight(2).latency(100_000_000);
        TestAgent busy = new TestAgent("busy", "code", 4).inFlight(3).latency(1);

        assertThat(balancer.select(request("code"), List.of(slow, busy, fast))).isSameAs(fast);
    }

    @Test
    void aRetryAvoidsThePreviousAgentEvenIfItIsTheLightest() {
        var balancer = new LeastLoadedBalancer(Fixtures.context(new VirtualClock(), 1));
        TestAgent idle = TestAgent.of("idle");
        TestAgent busy = TestAgent.of("busy").inFlight(3);
        TaskRequest first = request("code");

        assertThat(balancer.select(first, List.of(idle, busy))).isSameAs(idle);
        assertThat(balancer.select(Fixtures.retry(first, "idle"), List.of(idle, busy))).isSameAs(busy);
        assertThat(balancer.select(Fixtures.retry(first, "idle"), List.of(idle))).isSameAs(idle);
    }

    @Test
    void sampledPairIsDistinct() {
        // With two candidates and sampling on, two distinct samples always include the lighter.
        var balancer = new LeastLoadedBalancer(Fixtures.context(new VirtualClock(), 7, Fixtures.powerOfTwo(2)));
        TestAgent light = TestAgent.of("light");
        TestAgent heavy = TestAgent.of("heavy").inFlight(2);
        for (int i = 0; i < 1000; i++) {
            assertThat(balancer.select(request("code"), List.of(heavy, light))).isSameAs(light);
        }
    }

    @Test
    void powerOfTwoChoicesWithAThousandAgentsFavoursTheLighterHalf() {
        var balancer = new LeastLoadedBalancer(Fixtures.context(new VirtualClock(), 42));
        List<TestAgent> all = agents("code", 1000, 10);
        for (int i = 0; i < all.size(); i++) {
            all.get(i).inFlight(i % 10);
        }
        Collections.shuffle(all, new Random(3));
        int lighterHalf = 0;
        int dispatches = 10_000;
        for (int i = 0; i < dispatches; i++) {
            if (balancer.select(request("code"), all).inFlight() < 5) {
                lighterHalf++;
            }
        }
        double share = (double) lighterHalf / dispatches;
        // Two samples both from the heavier half happen a quarter of the time: ~0.75. An exact
        // scan would give 1.0, uniform choice 0.5.
        assertThat(share).isBetween(0.70, 0.80);
    }

    @Test
    void powerOfTwoChoicesKeepsTheMaximumLoadCloseToTheAverage() {
        var balancer = new LeastLoadedBalancer(Fixtures.context(new VirtualClock(), 11));
        List<TestAgent> all = agents("code", 1000, 100);
        for (int i = 0; i < 5000; i++) {
            TestAgent chosen = (TestAgent) balancer.select(request("code"), all);
            chosen.inFlight++;
        }
        int max = all.stream().mapToInt(AgentView::inFlight).max().orElseThrow();
        // Average is 5. Two choices keep the maximum within about log log n of it; one random
        // choice reaches 13 to 16 here.
        assertThat(max).isLessThanOrEqualTo(8);
        int min = all.stream().mapToInt(AgentView::inFlight).min().orElseThrow();
        assertThat(min).isGreaterThanOrEqualTo(1); // one random choice leaves ~7 agents idle
    }

    @Test
    void amongManyAgentsAnIdleLastCandidateIsTakenWithoutSampling() {
        // The pool appends an agent to the candidate list when it frees: the last one is the most
        // recently freed. Idle, it is a least-loaded choice, and it keeps work on warm agents.
        var balancer = new LeastLoadedBalancer(Fixtures.context(new VirtualClock(), 5));
        List<TestAgent> all = agents("code", 1000, 1);
        TestAgent last = all.get(all.size() - 1);
        for (int i = 0; i < 100; i++) {
            assertThat(balancer.select(request("code"), all)).isSameAs(last);
        }
        // a retry from that agent is not sent back to it
        TaskRequest retry = Fixtures.retry(request("code"), last.id());
        assertThat(balancer.select(retry, all)).isNotSameAs(last);
    }

    @Test
    void aBusyLastCandidateFallsBackToTwoChoices() {
        var balancer = new LeastLoadedBalancer(Fixtures.context(new VirtualClock(), 9));
        List<TestAgent> all = agents("code", 1000, 4);
        all.forEach(a -> a.inFlight(2));
        all.get(all.size() - 1).inFlight(1);
        java.util.Set<AgentView> chosen = new java.util.HashSet<>();
        for (int i = 0; i < 200; i++) {
            chosen.add(balancer.select(request("code"), all));
        }
        // sampled, so spread over many agents, not stuck on the last one
        assertThat(chosen).hasSizeGreaterThan(100);
    }
}
