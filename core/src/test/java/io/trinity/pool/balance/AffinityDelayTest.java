package io.trinity.pool.balance;

import static io.trinity.pool.balance.Fixtures.agents;
import static io.trinity.pool.balance.Fixtures.held;
import static io.trinity.pool.balance.Fixtures.keyed;
import static io.trinity.pool.balance.Fixtures.retry;
import static io.trinity.pool.balance.Fixtures.spare;
import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.agent.AgentState;
import io.trinity.pool.time.VirtualClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Delay scheduling in the affinity balancer: when a key's task waits for its agent, and for how long. */
class AffinityDelayTest {

    private final VirtualClock clock = new VirtualClock();
    private final List<TestAgent> all = agents("code", 3, 1);

    private AffinityBalancer balancer(double factor, Duration max) {
        var b = new AffinityBalancer(Fixtures.context(clock, 3,
                BalancerSettings.DEFAULTS.withAffinityDelay(factor, max)));
        all.forEach(b::agentAdded);
        return b;
    }

    /** Binds key k to an agent and makes that agent busy; returns it. */
    private TestAgent busyOwner(AffinityBalancer b) {
        TestAgent owner = (TestAgent) b.select(keyed("code", "k"), all);
        owner.inFlight(1);
        return owner;
    }

    @Test
    void aTaskWaitsForItsBusyAgentUpToTheMaxDelayBeforeAnyRunTimeIsKnown() {
        var b = balancer(2.0, Duration.ofSeconds(5));
        TestAgent owner = busyOwner(b);

        TaskRequest next = keyed("code", "k");
        assertThat(b.select(next, spare(all))).as("the owner is busy: wait for it").isNull();
        assertThat(b.hold(next)).isEqualTo(new Hold(owner.id(), Duration.ofSeconds(5)));

        TaskRequest later = held(next, Duration.ofSeconds(3).toNanos());
        assertThat(b.select(later, spare(all))).isNull();
        assertThat(b.hold(later)).as("only the rest of the delay").isEqualTo(new Hold(owner.id(), Duration.ofSeconds(2)));

        TaskRequest over = held(next, Duration.ofSeconds(5).toNanos());
        assertThat(b.select(over, spare(all))).as("the delay is over: spill").isNotNull().isNotSameAs(owner);
        assertThat(b.boundAgent("code", "k")).as("the key stays with its agent").isEqualTo(owner.id());
    }

    @Test
    void aHeldTaskCountsOnceTowardItsAgentsDemandHoweverOftenItIsAskedAbout() {
        var b = balancer(2.0, Duration.ofSeconds(5));
        TestAgent owner = busyOwner(b);
        assertThat(b.keyedDemand("code", owner.id())).isEqualTo(1.0);

        TaskRequest next = keyed("code", "k");
        for (int i = 0; i < 5; i++) {
            assertThat(b.select(held(next, Duration.ofMillis(i).toNanos()), spare(all))).isNull();
            assertThat(b.hold(next)).isNotNull();
        }
        assertThat(b.keyedDemand("code", owner.id())).as("held five passes: one task").isEqualTo(2.0);
        owner.inFlight(0);
        assertThat(b.select(held(next, Duration.ofMillis(5).toNanos()), spare(all))).isSameAs(owner);
        assertThat(b.keyedDemand("code", owner.id())).as("its dispatch after the hold").isEqualTo(2.0);
    }

    @Test
    void theDelayFollowsTheTypesMeanRunTime() {
        var b = balancer(2.0, Duration.ofSeconds(5));
        for (int i = 0; i < 200; i++) {
            b.taskEnded(all.get(0), keyed("code", "x"), new Outcome(true, Duration.ofMillis(400).toNanos(), Double.NaN));
        }
        assertThat(b.delayNanos("code")).isEqualTo(Duration.ofMillis(800).toNanos());
        b.taskEnded(all.get(0), keyed("code", "x"), new Outcome(true, Duration.ofHours(1).toNanos(), Double.NaN));
        assertThat(b.delayNanos("code")).as("capped by the max").isEqualTo(Duration.ofSeconds(5).toNanos());
    }

    @Test
    void neverWaitsForALeavingAgentAnAvoidedOneOrWhenTurnedOff() {
        var b = balancer(2.0, Duration.ofSeconds(5));
        TestAgent owner = busyOwner(b);

        owner.state = AgentState.DESTROYING;
        assertThat(b.select(keyed("code", "k"), spare(all))).as("leaving").isNotNull().isNotSameAs(owner);
        owner.state = AgentState.BUSY;

        TaskRequest r = retry(keyed("code", "k"), owner.id());
        assertThat(b.select(r, spare(all))).as("the retry avoids it").isNotNull().isNotSameAs(owner);

        var off = new AffinityBalancer(Fixtures.context(clock, 3, BalancerSettings.DEFAULTS.withAffinityDelay(0, Duration.ofSeconds(5))));
        all.forEach(off::agentAdded);
        owner.inFlight(0);
        TestAgent offOwner = (TestAgent) off.select(keyed("code", "k"), all);
        offOwner.inFlight(1);
        assertThat(off.select(keyed("code", "k"), spare(all))).as("factor 0: never waits").isNotNull();
    }

    @Test
    void neverWaitsForAnAgentOverTheLoadBound() {
        List<TestAgent> big = agents("code", 4, 100);
        var b = new AffinityBalancer(Fixtures.context(clock, 3, BalancerSettings.DEFAULTS));
        big.forEach(b::agentAdded);
        TestAgent owner = (TestAgent) b.select(keyed("code", "k"), big);
        // 1 + 3 x 1 + 1 in flight over 4 agents: bound ceil(1.25 x 6 / 4) = 2
        big.forEach(a -> a.inFlight(1));
        owner.inFlight(2);
        assertThat(b.select(keyed("code", "k"), big)).as("at the bound: wait").isNull();
        owner.inFlight(9);
        assertThat(b.select(keyed("code", "k"), big)).as("beyond the bound: spill at once").isNotNull().isNotSameAs(owner);
    }

    @Test
    void holdAnswersOnlyForTheTaskSelectJustLeftQueued() {
        var b = balancer(2.0, Duration.ofSeconds(5));
        busyOwner(b);
        TaskRequest waiting = keyed("code", "k");
        assertThat(b.select(waiting, spare(all))).isNull();
        assertThat(b.hold(keyed("code", "k"))).isNull();
        assertThat(b.hold(waiting)).as("asked once").isNull();
    }
}
