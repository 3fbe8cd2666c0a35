package io.trinity.pool.balance;

import static io.trinity.pool.balance.Fixtures.agents;
import static io.trinity.pool.balance.Fixtures.keyed;
import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.time.VirtualClock;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** The bounded-load guarantee of consistent hashing with bounded loads, for any key stream. */
class AffinityLoadBoundTest {

    @Provide
    Arbitrary<Double> loadFactors() {
        return Arbitraries.doubles().between(1.0, 3.0);
    }

    @Property(tries = 300, seed = "1609")
    void noPlacementPutsAnAgentOverTheBound(@ForAll @IntRange(min = 1, max = 24) int agentCount,
                                            @ForAll("loadFactors") double c,
                                            @ForAll @Size(min = 1, max = 500) List<@IntRange(min = 0, max = 40) Integer> keys,
                                            @ForAll @IntRange(min = 0, max = 60) int completionPercent,
                                            @ForAll long seed) {
        VirtualClock clock = new VirtualClock();
        var b = new AffinityBalancer(Fixtures.context(clock, seed,
                Fixtures.affinity(c, Duration.ofMinutes(10), 10_000)));
        // Capacity above any bound, so the load bound alone limits placement.
        List<TestAgent> all = agents("code", agentCount, 10_000);
        all.forEach(b::agentAdded);
        SplittableRandom rnd = new SplittableRandom(seed);
        long total = 0;
        for (int key : keys) {
            long bound = (long) Math.ceil(c * (total + 1) / agentCount);
            TestAgent chosen = (TestAgent) b.select(keyed("code", "key-" + key), all);
            chosen.inFlight++;
            total++;
            assertThat((long) chosen.inFlight)
                    .as("agent %s after placing key-%d, c=%s, %d in flight over %d agents", chosen.id(), key, c,
                            total, agentCount)
                    .isLessThanOrEqualTo(bound);
            if (rnd.nextInt(100) < completionPercent) {
                TestAgent done = all.get(rnd.nextInt(agentCount));
                if (done.inFlight > 0) {
                    done.inFlight--;
                    total--;
                }
            }
            clock.advance(Duration.ofMillis(10));
        }
        if (completionPercent == 0) {
            long bound = (long) Math.ceil(c * total / agentCount);
            assertThat(all).allSatisfy(a -> assertThat((long) a.inFlight).isLessThanOrEqualTo(Math.max(bound, 1)));
        }
    }
}
