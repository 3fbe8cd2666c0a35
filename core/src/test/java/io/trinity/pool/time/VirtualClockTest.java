package io.trinity.pool.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VirtualClockTest {

    @Test
    void firesDueTimersInOrderEachAtItsOwnTime() {
        VirtualClock clock = new VirtualClock();
        List<String> fired = new ArrayList<>();
        clock.schedule(Duration.ofMillis(30), () -> fired.add("c@" + clock.nanoTime() / 1_000_000));
        clock.schedule(Duration.ofMillis(10), () -> {
            fired.add("a@" + clock.nanoTime() / 1_000_000);
            clock.schedule(Duration.ofMillis(5), () -> fired.add("nested@" + clock.nanoTime() / 1_000_000));
        });
        clock.schedule(Duration.ofMillis(10), () -> fired.add("b@" + clock.nanoTime() / 1_000_000));
        PoolClock.Timer cancelled = clock.schedule(Duration.ofMillis(20), () -> fired.add("never"));
        assertThat(cancelled.cancel()).isTrue();
        clock.advance(Duration.ofMillis(100));
        assertThat(fired).containsExactly("a@10", "b@10", "nested@15", "c@30");
        assertThat(clock.nanoTime()).isEqualTo(100_000_000L);
        assertThat(clock.pendingTimers()).isZero();
    }

    @Test
    void refusesToGoBackwards() {
        VirtualClock clock = new VirtualClock(1_000);
        assertThatThrownBy(() -> clock.advanceTo(10)).hasMessageContaining("cannot move time backwards");
        assertThatThrownBy(() -> clock.advance(Duration.ofMillis(-1))).hasMessageContaining("duration must be >= 0");
    }
}
