package io.trinity.pool;

import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.sim.Distribution;
import io.trinity.pool.sim.SimProfile;
import io.trinity.pool.sim.SimulatedAgent;
import io.trinity.pool.time.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Builds deterministic pools of simulated agents on a virtual clock for tests. */
final class SimPools {

    final VirtualClock clock = new VirtualClock();
    final List<PoolEvent> events = new ArrayList<>();

    AgentPool pool(PoolConfig config, SimProfile profile, String... types) {
        return pool(config, profile, b -> { }, types);
    }

    AgentPool pool(PoolConfig config, SimProfile profile, Consumer<PoolBuilder> more, String... types) {
        PoolBuilder b = AgentPool.builder().config(config).deterministic(clock).listener(events::add);
        for (String t : types) {
            b.register(t, SimulatedAgent.factory(clock, profile, config.seed()));
        }
        more.accept(b);
        return b.build();
    }

    static SimProfile fixed(long ms) {
        return SimProfile.of(Distribution.fixed(Duration.ofMillis(ms))).withSpawnDelay(Duration.ofMillis(100));
    }

    void advance(long ms) {
        clock.advance(Duration.ofMillis(ms));
    }

    /** Advances in small steps until the condition holds or the limit passes; returns whether it held. */
    boolean runUntil(java.util.function.BooleanSupplier done, Duration limit) {
        long end = clock.nanoTime() + limit.toNanos();
        while (!done.getAsBoolean() && clock.nanoTime() < end) {
            clock.advance(Duration.ofMillis(10));
        }
        return done.getAsBoolean();
    }

    <T extends PoolEvent> List<T> of(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
