package io.trinity.pool.balance;

import static io.trinity.pool.balance.Fixtures.agents;
import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.Task;
import io.trinity.pool.time.VirtualClock;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class BalancersTest {

    @Test
    void allFourAreRegisteredUnderTheirNames() {
        var builtIn = Balancers.builtIn();
        assertThat(builtIn.keySet()).containsExactly(Balancers.ROUND_ROBIN, Balancers.LEAST_LOADED,
                Balancers.SKILL_AWARE, Balancers.AFFINITY);
        builtIn.forEach((name, factory) ->
                assertThat(factory.create(Fixtures.context(new VirtualClock(), 1)).name()).isEqualTo(name));
    }

    static Stream<String> names() {
        return Balancers.builtIn().keySet().stream();
    }

    @ParameterizedTest
    @MethodSource("names")
    void aRetryNeverGoesBackToThePreviousAgentWhenAnotherExists(String name) {
        LoadBalancer b = Balancers.builtIn().get(name).create(Fixtures.context(new VirtualClock(), 17));
        List<TestAgent> all = agents("code", 4, 8);
        all.forEach(b::agentAdded);
        for (int i = 0; i < 200; i++) {
            Task.Builder task = Task.builder("code");
            if (i % 2 == 0) {
                task.affinity("k" + (i % 7));
            }
            TaskRequest first = new TaskRequest(i, task.build(), 1, null);
            String previous = b.select(first, all).id();
            TaskRequest retry = new TaskRequest(i, first.task(), 2, previous);
            assertThat(b.select(retry, all).id()).as("attempt 2 of task %d", i).isNotEqualTo(previous);
        }
    }

    @ParameterizedTest
    @MethodSource("names")
    void aRetryTakesThePreviousAgentWhenItIsTheOnlyCandidate(String name) {
        LoadBalancer b = Balancers.builtIn().get(name).create(Fixtures.context(new VirtualClock(), 17));
        List<TestAgent> one = agents("code", 1, 8);
        one.forEach(b::agentAdded);
        TaskRequest retry = new TaskRequest(1, Task.builder("code").affinity("k").build(), 2, "code-0");
        assertThat(b.select(retry, one)).isSameAs(one.get(0));
    }
}
