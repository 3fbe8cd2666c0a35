package io.trinity.pool.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.event.PoolListener;
import io.trinity.pool.time.VirtualClock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Shutdown's wait for listeners ({@link Events#afterDelivered}) ends, on virtual time, whatever a listener does. */
class ListenerWaitTest {

    private static final Duration PATIENCE = Duration.ofSeconds(5);
    private static final long GUARD_S = 20;

    private final VirtualClock clock = new VirtualClock();
    private final List<String> ran = new ArrayList<>();

    private static PoolEvent event(int i) {
        return new PoolEvent.PoolStats(i, Map.of(), i);
    }

    private static PoolListener named(String name, PoolListener l) {
        return new PoolListener() {
            @Override
            public void onEvent(PoolEvent e) {
                l.onEvent(e);
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }

    @Test
    void listenersThatKeepUpEndTheWaitAtOnceAndLeaveNoTimer() {
        List<PoolEvent> seen = new ArrayList<>();
        Events events = new Events(List.of(seen::add), Runnable::run, 16);
        events.emit(() -> event(1));
        Events.Wait w = events.afterDelivered(() -> ran.add("then"), PATIENCE, clock, Runnable::run);
        assertThat(ran).containsExactly("then");
        assertThat(clock.pendingTimers()).isZero();
        clock.advance(PATIENCE);
        assertThat(ran).containsExactly("then");
        assertThat(w.behind()).isEmpty();
    }

    @Test
    void listenersNeverRunByTheirExecutorAreGivenUpOnAfterThePatienceAndNamed() {
        Deque<Runnable> neverRun = new ArrayDeque<>();
        Events events = new Events(List.of(named("metrics", e -> { }), named("audit", e -> { })), neverRun::add, 16);
        for (int i = 1; i <= 3; i++) {
            int n = i;
            events.emit(() -> event(n));
        }
        Events.Wait w = events.afterDelivered(() -> ran.add("then"), PATIENCE, clock, Runnable::run);
        clock.advance(PATIENCE.minusNanos(1));
        assertThat(ran).isEmpty();
        clock.advance(Duration.ofNanos(1));
        assertThat(ran).containsExactly("then");
        assertThat(w.behind()).containsExactly(
                "pool listener metrics has not received 3 events (its callback executor has not run it)",
                "pool listener audit has not received 3 events (its callback executor has not run it)");
        // the executor runs at last: the events arrive, in order, and nothing runs twice
        Runnable r;
        while ((r = neverRun.poll()) != null) {
            r.run();
        }
        assertThat(ran).containsExactly("then");
    }

    @Test
    void aListenerBlockedInsideOnEventIsNamedWithTheEventAndGetsTheRestIfItReturns() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Long> seen = new CopyOnWriteArrayList<>();
        CountDownLatch all = new CountDownLatch(3);
        PoolListener blocked = named("stuck", e -> {
            seen.add(e.nanos());
            all.countDown();
            if (e.nanos() == 1) {
                inside.countDown();
                await(release);
            }
        });
        Events events = new Events(List.of(blocked), r -> Thread.ofVirtual().start(r), 16);
        events.emit(() -> event(1));
        assertThat(inside.await(GUARD_S, TimeUnit.SECONDS)).isTrue();
        events.emit(() -> event(2));
        events.emit(() -> event(3));
        Events.Wait w = events.afterDelivered(() -> ran.add("then"), PATIENCE, clock, Runnable::run);
        assertThat(ran).isEmpty();
        clock.advance(PATIENCE);
        assertThat(ran).containsExactly("then");
        assertThat(w.behind()).containsExactly(
                "pool listener stuck has not received 2 events (it is still inside onEvent(pool.stats))");
        release.countDown();
        assertThat(all.await(GUARD_S, TimeUnit.SECONDS)).isTrue();
        assertThat(seen).containsExactly(1L, 2L, 3L);
        assertThat(ran).containsExactly("then");
    }

    @Test
    void onListenerThreadIsTrueOnlyInsideOneOfItsListeners() {
        List<Boolean> inside = new ArrayList<>();
        Events[] self = new Events[1];
        self[0] = new Events(List.of(e -> inside.add(self[0].onListenerThread())), Runnable::run, 16);
        self[0].emit(() -> event(1));
        assertThat(inside).containsExactly(true);
        assertThat(self[0].onListenerThread()).isFalse();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(GUARD_S * 2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
