package io.trinity.pool.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.time.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The feed's owners, resumption from its ring and the bound on a subscriber's queue, without HTTP. */
class EventFeedTest {

    private final VirtualClock clock = new VirtualClock();
    private final PoolTime time = new PoolTime(clock, Instant.parse("2026-01-01T00:00:00Z"));
    private final Principal acme = new Principal("acme", Role.TENANT, "a");
    private final Principal globex = new Principal("globex", Role.TENANT, "g");
    private final Principal admin = new Principal("ops", Role.ADMIN, "o");

    private EventFeed feed(int ring, int queue) {
        return new EventFeed(time, ring, queue, 1000, Duration.ofHours(1));
    }

    private static PoolEvent submit(long task, String tenant) {
        return new PoolEvent.TaskSubmitted(0, task, "echo", 0, null, tenant);
    }

    private static PoolEvent dispatch(long task) {
        return new PoolEvent.TaskDispatched(1_000_000, task, "echo-1", "least-loaded", 1);
    }

    private static List<Long> ids(List<EventFeed.Entry> entries) {
        return entries.stream().map(EventFeed.Entry::id).toList();
    }

    @Test
    void eventsBelongToTheTenantOfTheirTaskAndPoolEventsToEveryone() throws Exception {
        EventFeed feed = feed(100, 100);
        feed.onEvent(submit(1, "acme"));
        feed.onEvent(submit(2, "globex"));
        feed.onEvent(dispatch(1));
        feed.onEvent(dispatch(2));
        feed.onEvent(new PoolEvent.AgentSpawned(0, "echo-1", "echo", PoolEvent.SpawnCause.ON_DEMAND));
        feed.onEvent(new PoolEvent.TaskRejected(0, 3, "echo", PoolEvent.RejectReason.QUEUE_FULL, null));
        assertThat(ids(feed.subscribe(acme, 0).backlog())).containsExactly(1L, 3L, 5L);
        assertThat(ids(feed.subscribe(globex, 0).backlog())).containsExactly(2L, 4L, 5L);
        assertThat(ids(feed.subscribe(admin, 0).backlog())).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(feed.subscribe(admin, 4).backlog().getFirst().json())
                .isEqualTo("{\"t\":0,\"ev\":\"agent.spawn\",\"agent\":\"echo-1\",\"type\":\"echo\",\"cause\":\"on_demand\"}");
        assertThat(feed.startedAt(1)).isEqualTo(Instant.parse("2026-01-01T00:00:00.001Z"));
    }

    @Test
    void resumptionStartsAfterTheIdOrAtTheOldestEventStillHeld() throws Exception {
        EventFeed feed = feed(16, 100);
        for (long i = 1; i <= 40; i++) {
            feed.onEvent(submit(i, "acme"));
        }
        assertThat(ids(feed.subscribe(acme, 30).backlog())).containsExactly(31L, 32L, 33L, 34L, 35L, 36L, 37L, 38L, 39L, 40L);
        assertThat(ids(feed.subscribe(acme, 2).backlog())).first().isEqualTo(25L);
        assertThat(feed.subscribe(acme, 40).backlog()).isEmpty();

        EventFeed.Subscription live = feed.subscribe(acme, 40);
        feed.onEvent(submit(41, "acme"));
        assertThat(live.next(Duration.ofSeconds(1)).id()).isEqualTo(41L);
        assertThat(live.next(Duration.ofMillis(1))).isNull();
    }

    @Test
    void aSubscriberThatFallsBehindIsEndedAndOthersAreNot() throws Exception {
        EventFeed feed = feed(100, 4);
        EventFeed.Subscription slow = feed.subscribe(acme, 0);
        EventFeed.Subscription other = feed.subscribe(globex, 0);
        for (long i = 1; i <= 10; i++) {
            feed.onEvent(submit(i, "acme"));
        }
        List<Long> got = new java.util.ArrayList<>();
        EventFeed.Entry e;
        while ((e = slow.next(Duration.ofMillis(10))) != EventFeed.END) {
            got.add(e.id());
        }
        assertThat(got).containsExactly(1L, 2L, 3L, 4L);
        assertThat(other.next(Duration.ofMillis(10))).as("globex saw none of it and is still subscribed").isNull();
        feed.onEvent(submit(11, "globex"));
        assertThat(other.next(Duration.ofSeconds(1)).id()).isEqualTo(11L);
        feed.close();
        assertThat(other.next(Duration.ofSeconds(1))).isSameAs(EventFeed.END);
        assertThat(feed.subscribe(acme, 0).next(Duration.ofSeconds(1))).isSameAs(EventFeed.END);
    }
}
