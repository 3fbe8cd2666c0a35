package io.trinity.pool.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trinity.pool.event.PoolEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** A listener's mailbox on a hand-run executor: what a listener throws never stops its delivery. */
class ListenerChannelTest {

    private final Deque<Runnable> executor = new ArrayDeque<>();

    private static PoolEvent event(int i) {
        return new PoolEvent.PoolStats(i, Map.of(), i);
    }

    /** Runs what the channel handed to its executor until nothing is left. */
    private void runAll() {
        Runnable r;
        while ((r = executor.poll()) != null) {
            r.run();
        }
    }

    @Test
    void anErrorFromTheListenerIsLoggedAndDeliveryGoesOn() {
        List<Supplier<Throwable>> errors = List.of(
                () -> new AssertionError("expected 1 but was 2"),
                () -> new NoClassDefFoundError("com/example/Gone"),
                () -> new ExceptionInInitializerError("static init failed"),
                () -> new IllegalStateException("a runtime exception"));
        for (Supplier<Throwable> error : errors) {
            List<Long> seen = new ArrayList<>();
            ListenerChannel channel = new ListenerChannel(e -> {
                seen.add(e.nanos());
                if (e.nanos() == 1) {
                    sneakyThrow(error.get());
                }
            }, executor::add, 16);
            List<String> markers = new ArrayList<>();
            channel.offer(event(1));
            channel.offer(event(2));
            runAll();
            channel.offer(event(3)); // a later drain is scheduled: the channel is not wedged
            channel.offerMarker(() -> markers.add("after 3"));
            runAll();
            assertThat(seen).as("after %s", error.get()).containsExactly(1L, 2L, 3L);
            assertThat(markers).containsExactly("after 3");
        }
    }

    @Test
    void aVirtualMachineErrorIsRethrownOnlyAfterTheQueueIsDeliveredAndTheDrainLetGo() {
        List<Long> seen = new ArrayList<>();
        ListenerChannel channel = new ListenerChannel(e -> {
            seen.add(e.nanos());
            if (e.nanos() == 1) {
                throw new StackOverflowError();
            }
        }, executor::add, 16);
        List<String> markers = new ArrayList<>();
        channel.offer(event(1));
        channel.offer(event(2));
        channel.offerMarker(() -> markers.add("after 2"));
        assertThatThrownBy(executor.poll()::run).isInstanceOf(StackOverflowError.class);
        assertThat(seen).containsExactly(1L, 2L);
        assertThat(markers).containsExactly("after 2");
        channel.offer(event(3));
        assertThat(executor).hasSize(1); // the drain let go: a new one was scheduled
        runAll();
        assertThat(seen).containsExactly(1L, 2L, 3L);
    }

    @Test
    void aMarkerThatThrowsDoesNotStopTheEventsBehindIt() {
        List<Long> seen = new ArrayList<>();
        ListenerChannel channel = new ListenerChannel(e -> seen.add(e.nanos()), executor::add, 16);
        channel.offer(event(1));
        channel.offerMarker(() -> {
            throw new java.util.concurrent.RejectedExecutionException("executor shut down");
        });
        channel.offer(event(2));
        runAll();
        channel.offer(event(3));
        runAll();
        assertThat(seen).containsExactly(1L, 2L, 3L);
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
        throw (T) t;
    }
}
