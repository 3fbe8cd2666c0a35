package io.trinity.pool.balance;

import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.Task;
import io.trinity.pool.time.VirtualClock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The O(1) paths every balancer switches to past the power-of-two threshold (32 agents). */
class LargePoolBalancersTest {

    final VirtualClock clock = new VirtualClock();
    final List<TestAgent> agents = Fixtures.agents("code", 1_000, 1);

    static TaskRequest withCounts(TaskRequest r, int inFlight, int agents) {
        return new TaskRequest(r.id(), r.task(), r.attempt(), r.previousAgent(), inFlight, agents);
    }

    @Test
    void roundRobinVisitsEveryAgentOnceAPassOnASteadyList() {
        var b = new RoundRobinBalancer(Fixtures.context(clock, 1));
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < agents.size(); i++) {
            assertThat(seen.add(b.select(Fixtures.request("code"), agents).id())).isTrue();
        }
        assertThat(seen).hasSize(1_000);
    }

    @Test
    void skillAwarePrefersBetterAgentsFromItsSample() {
        var b = new SkillAwareBalancer(Fixtures.context(clock, 2, Fixtures.skill(Duration.ofMinutes(5), 0.0)));
        // the first half always fails, the second half always succeeds
        for (TestAgent a : agents) {
            boolean good = Integer.parseInt(a.id().substring(5)) >= 500;
            for (int i = 0; i < 5; i++) {
                b.taskEnded(a, Fixtures.request("code"), new Outcome(good, 1_000_000, Double.NaN));
            }
        }
        int good = 0;
        for (int i = 0; i < 200; i++) {
            if (Integer.parseInt(b.select(Fixtures.request("code"), agents).id().substring(5)) >= 500) {
                good++;
            }
        }
        // a sample of 16 holds a good agent with probability 1 - 2^-16
        assertThat(good).isEqualTo(200);
    }

    @Test
    void affinityKeepsKeysOnOneAgentWithinTheLoadBoundUsingEngineCounts() {
        List<TestAgent> pool = Fixtures.agents("code", 100, 4);
        var b = new AffinityBalancer(Fixtures.context(clock, 3, Fixtures.affinity(1.25, Duration.ofMinutes(10), 10_000)));
        pool.forEach(b::agentAdded);
        Map<String, String> home = new HashMap<>();
        int inFlight = 0;
        for (int round = 0; round < 3; round++) {
            for (int k = 0; k < 50; k++) {
                TaskRequest r = withCounts(Fixtures.keyed("code", "session-" + k), inFlight, pool.size());
                TestAgent chosen = (TestAgent) b.select(r, Fixtures.spare(pool));
                long limit = (long) Math.ceil(1.25 * (inFlight + 1) / pool.size());
                assertThat(chosen.inFlight()).isLessThan((int) Math.max(limit, 1));
                String before = home.putIfAbsent("session-" + k, chosen.id());
                if (before != null && round == 1) {
                    assertThat(chosen.id()).isEqualTo(before);
                }
                if (round == 0) {
                    chosen.inFlight(chosen.inFlight() + 1);
                    inFlight++;
                }
            }
            if (round == 0) {
                pool.forEach(a -> a.inFlight(0));
                inFlight = 0;
            }
        }
        assertThat(new HashSet<>(home.values()).size()).isGreaterThan(25);
    }
}
