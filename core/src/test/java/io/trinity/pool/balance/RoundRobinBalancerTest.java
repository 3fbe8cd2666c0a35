package io.trinity.pool.balance;

import static io.trinity.pool.balance.Fixtures.agents;
import static io.trinity.pool.balance.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.agent.AgentView;
import io.trinity.pool.time.VirtualClock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoundRobinBalancerTest {

    private final RoundRobinBalancer balancer = new RoundRobinBalancer(Fixtures.context(new VirtualClock(), 1));

    @Test
    void rotatesThroughTheCandidatesInTurn() {
        List<TestAgent> code = agents("code", 3, 4);
        List<String> picks = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            picks.add(balancer.select(request("code"), code).id());
        }
        assertThat(picks).containsExactly("code-0", "code-1", "code-2", "code-0", "code-1", "code-2", "code-0");
    }

    @Test
    void eachTypeKeepsItsOwnRotation() {
        List<TestAgent> code = agents("code", 3, 4);
        List<TestAgent> data = agents("data", 2, 4);
        List<String> codePicks = new ArrayList<>();
        List<String> dataPicks = new ArrayList<>();
        // A burst of data tasks between code tasks must not advance the code rotation.
        codePicks.add(balancer.select(request("code"), code).id());
        for (int i = 0; i < 3; i++) {
            dataPicks.add(balancer.select(request("data"), data).id());
        }
        codePicks.add(balancer.select(request("code"), code).id());
        dataPicks.add(balancer.select(request("data"), data).id());
        codePicks.add(balancer.select(request("code"), code).id());

        assertThat(codePicks).containsExactly("code-0", "code-1", "code-2");
        assertThat(dataPicks).containsExactly("data-0", "data-1", "data-0", "data-1");
    }

    @Test
    void rotationContinuesOverAChangingCandidateList() {
        List<TestAgent> code = agents("code", 4, 1);
        int[] counts = new int[4];
        for (int i = 0; i < 400; i++) {
            // Every fourth dispatch one agent is full and missing from the list.
            List<TestAgent> candidates = new ArrayList<>(code);
            if (i % 4 == 0) {
                candidates.remove((i / 4) % 4);
            }
            AgentView chosen = balancer.select(request("code"), candidates);
            assertThat(candidates).contains((TestAgent) chosen);
            counts[code.indexOf((TestAgent) chosen)]++;
        }
        for (int c : counts) {
            assertThat(c).isBetween(80, 120);
        }
    }
}
