package io.trinity.pool.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trinity.pool.AgentPool;
import io.trinity.pool.Payload;
import io.trinity.pool.PoolBuilder;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.PoolShutdownException;
import io.trinity.pool.QueueFullException;
import io.trinity.pool.TaskFailedException;
import io.trinity.pool.TaskRejectedException;
import io.trinity.pool.TaskState;
import io.trinity.pool.TenantLimitException;
import io.trinity.pool.server.ApiKeys;
import io.trinity.pool.server.PoolServer;
import io.trinity.pool.server.Role;
import io.trinity.pool.tenant.TenantConfig;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/** The Java client against a real server on loopback. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PoolClientTest {

    private static final String ADMIN = "client-test-admin";
    private static final String ACME = "client-test-acme";
    private static final Map<String, CountDownLatch> GATES = new ConcurrentHashMap<>();

    private PoolServer server;
    private PoolClient acme;

    static PoolBuilder pool(int maxAgents, int queue, TenantConfig... tenants) {
        PoolConfig.Builder c = PoolConfig.custom().maxAgents(maxAgents).warmPoolMin(0).warmPool(0).warmPoolMax(0)
                .queueCapacity(queue).maxAttempts(1).retryBackoff(Duration.ZERO).retryBackoffMax(Duration.ZERO);
        for (TenantConfig t : tenants) {
            c.tenant(t);
        }
        return AgentPool.builder().config(c.build())
                .register("echo", init -> ctx -> {
                    Map<String, Object> out = new LinkedHashMap<>(ctx.data());
                    out.put("echoed", true);
                    return Payload.of(out);
                })
                .register("gate", init -> ctx -> {
                    CountDownLatch gate = GATES.computeIfAbsent(String.valueOf(ctx.data().get("gate")),
                            k -> new CountDownLatch(1));
                    while (!gate.await(50, TimeUnit.MILLISECONDS)) {
                        ctx.checkCancelled();
                        ctx.heartbeat();
                    }
                    return Payload.of(Map.of());
                })
                .register("fail", init -> ctx -> {
                    throw new IllegalStateException("always fails");
                });
    }

    static PoolServer server(PoolBuilder pool) {
        return PoolServer.builder().pool(pool, List.of("echo", "gate", "fail"))
                .keys(ApiKeys.builder().key(ADMIN, "ops", Role.ADMIN).key(ACME, "acme", Role.TENANT).build())
                .port(0).rateLimit(0, 1).build().start();
    }

    static PoolClient client(PoolServer server, String key) {
        return PoolClient.builder(URI.create(server.url())).key(key).build();
    }

    private static TaskRequest gate(String name) {
        return TaskRequest.of("gate", Map.of("gate", name));
    }

    private static void open(String name) {
        GATES.computeIfAbsent(name, k -> new CountDownLatch(1)).countDown();
    }

    @BeforeAll
    void start() {
        server = server(pool(3, 100));
        acme = client(server, ACME);
    }

    @AfterAll
    void stop() {
        server.drain(Duration.ofSeconds(5));
    }

    @Test
    void submitThenAwaitGivesTheResult() {
        Submitted s = acme.submit(TaskRequest.builder("echo").input(Map.of("text", "hi", "n", 2)).priority(3)
                .timeout(Duration.ofSeconds(30)).maxAttempts(2).skill("echoing").build());
        assertThat(s.created()).isTrue();
        TaskView done = acme.await(s.id(), Duration.ofSeconds(20));
        assertThat(done.state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(done.result()).containsEntry("text", "hi").containsEntry("echoed", true);
        assertThat(done.tenant()).isEqualTo("acme");
        assertThat(done.priority()).isEqualTo(3);
        assertThat(done.endedAt()).isAfterOrEqualTo(done.submittedAt());
        assertThat(acme.get(s.id()).state()).isEqualTo(TaskState.SUCCEEDED);
    }

    @Test
    void anIdempotencyKeyGivesTheSameTaskBack() {
        String key = UUID.randomUUID().toString();
        Submitted first = acme.submit(TaskRequest.of("echo", Map.of()), key);
        Submitted again = acme.submit(TaskRequest.of("echo", Map.of()), key);
        assertThat(first.created()).isTrue();
        assertThat(again.created()).isFalse();
        assertThat(again.id()).isEqualTo(first.id());
    }

    @Test
    void submitAllAnswersEachTaskInOrderWithTheLibrarysExceptionsForRefusals() {
        String key = UUID.randomUUID().toString();
        List<BatchResult> out = acme.submitAll(List.of(TaskRequest.of("echo", Map.of("n", 1)),
                TaskRequest.of("nope", Map.of()), TaskRequest.of("echo", Map.of("n", 3)),
                TaskRequest.of("echo", Map.of("n", 4))), java.util.Arrays.asList(null, null, key, key));
        assertThat(out).hasSize(4);
        assertThat(out.get(0).isAccepted()).isTrue();
        assertThat(out.get(1).refusal()).isInstanceOf(TaskRejectedException.class).hasMessageContaining("nope");
        assertThat(out.get(2).submitted().created()).isTrue();
        assertThat(out.get(3).submitted().created()).isFalse();
        assertThat(out.get(3).submitted().id()).isEqualTo(out.get(2).submitted().id());
        assertThat(acme.await(out.get(0).submitted().id(), Duration.ofSeconds(20)).result()).containsEntry("n", 1);
        assertThat(acme.await(out.get(2).submitted().id(), Duration.ofSeconds(20)).result()).containsEntry("n", 3);
        assertThat(acme.submit(TaskRequest.of("echo", Map.of()), key).id()).isEqualTo(out.get(2).submitted().id());

        assertThatThrownBy(() -> acme.submitAll(List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 to 1000 tasks (got 0)");
        assertThatThrownBy(() -> acme.submitAll(List.of(TaskRequest.of("echo", Map.of())), List.of("a", "b")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 2 keys for 1 tasks");
    }

    @Test
    void submitAllReportsAFullQueueAsQueueFullException() {
        String g = UUID.randomUUID().toString();
        try (PoolServer small = server(pool(1, 2))) {
            PoolClient c = client(small, ACME);
            List<TaskRequest> tasks = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                tasks.add(gate(g));
            }
            List<BatchResult> out = c.submitAll(tasks);
            assertThat(out.getLast().refusal()).isInstanceOfSatisfying(QueueFullException.class,
                    e -> assertThat(e.capacity()).isEqualTo(2));
            assertThat(out.stream().filter(BatchResult::isAccepted).count()).isBetween(2L, 3L);
            open(g);
        }
    }

    @Test
    void awaitThrowsTheLibrarysTaskFailedException() {
        Submitted s = acme.submit(TaskRequest.of("fail", Map.of()));
        assertThatThrownBy(() -> acme.await(s.id(), Duration.ofSeconds(20)))
                .isInstanceOfSatisfying(TaskFailedException.class, e -> {
                    assertThat(e.state()).isEqualTo(TaskState.DEAD_LETTERED);
                    assertThat(e.taskId()).isEqualTo(Long.parseLong(s.id()));
                    assertThat(e.reasons().toString()).contains("always fails");
                });
    }

    @Test
    void awaitGivesUpAfterItsTimeoutAndLongPollsReturnEarly() {
        String g = UUID.randomUUID().toString();
        Submitted s = acme.submit(gate(g));
        assertThatThrownBy(() -> acme.await(s.id(), Duration.ofMillis(300)))
                .isInstanceOfSatisfying(AwaitTimeoutException.class, e -> assertThat(e.last().isFinal()).isFalse());
        assertThat(acme.get(s.id(), Duration.ofMillis(50)).isFinal()).isFalse();
        open(g);
        assertThat(acme.await(s.id(), Duration.ofSeconds(20)).state()).isEqualTo(TaskState.SUCCEEDED);
    }

    @Test
    void cancelGivesTheFinalStateAndACancelOfAFinalTaskIs409() {
        Submitted s = acme.submit(gate(UUID.randomUUID().toString()));
        assertThat(acme.cancel(s.id()).state()).isEqualTo(TaskState.CANCELLED);
        assertThatThrownBy(() -> acme.cancel(s.id()))
                .isInstanceOfSatisfying(PoolApiException.class, e -> assertThat(e.status()).isEqualTo(409));
        assertThatThrownBy(() -> acme.get("123456789"))
                .isInstanceOfSatisfying(PoolApiException.class, e -> assertThat(e.status()).isEqualTo(404));
    }

    @Test
    void badInputThrowsWhatTheLibraryWouldThrow() {
        assertThatThrownBy(() -> acme.submit(TaskRequest.of("nope", Map.of())))
                .isInstanceOf(TaskRejectedException.class).hasMessageContaining("type must be one of");
        assertThatThrownBy(() -> acme.submit(TaskRequest.builder("echo").priority(5000).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[field: priority]");
        PoolClient stranger = client(server, "not-a-key");
        assertThatThrownBy(() -> stranger.get("1"))
                .isInstanceOfSatisfying(PoolApiException.class, e -> assertThat(e.status()).isEqualTo(401));
    }

    @Test
    void listPagesNewestFirst() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(acme.submit(TaskRequest.of("echo", Map.of("i", i))).id());
        }
        TaskPage page = acme.list(null, "echo", 2, null);
        assertThat(page.tasks()).extracting(TaskView::id).containsExactly(ids.get(2), ids.get(1));
        TaskPage next = acme.list(null, "echo", 2, page.next());
        assertThat(next.tasks().getFirst().id()).isEqualTo(ids.get(0));
    }

    @Test
    void eventsArriveAsAFlowPublisherWithBackPressureAndResume() throws Exception {
        Collector first = new Collector(1);
        acme.events().subscribe(first);
        first.subscribed.await(5, TimeUnit.SECONDS);
        String id = acme.submit(TaskRequest.of("echo", Map.of())).id();
        List<EventMessage> seen = first.until(e -> e.ev().equals("task.end") && id.equals(String.valueOf(e.fields().get("task"))));
        first.subscription.cancel();
        assertThat(seen).anyMatch(e -> e.ev().equals("task.submit") && "acme".equals(e.fields().get("tenant")));
        assertThat(seen).allMatch(e -> e.json().startsWith("{\"t\":"));

        long resumeAfter = seen.getFirst().id() - 1;
        Collector resumed = new Collector(Long.MAX_VALUE);
        acme.events(resumeAfter).subscribe(resumed);
        List<EventMessage> replay = resumed.until(e -> e.id() == seen.getLast().id());
        resumed.subscription.cancel();
        assertThat(replay.getFirst().id()).isEqualTo(resumeAfter + 1);
        assertThat(replay).extracting(EventMessage::json).containsSubsequence(seen.stream().map(EventMessage::json).toList());
    }

    @Test
    void aStreamWithAnUnknownKeyFailsTheSubscriber() throws Exception {
        Collector c = new Collector(1);
        client(server, "nobody").events().subscribe(c);
        Throwable error = c.errors.poll(10, TimeUnit.SECONDS);
        assertThat(error).isInstanceOfSatisfying(PoolApiException.class, e -> assertThat(e.status()).isEqualTo(401));
    }

    @Test
    void aFullQueueATenantLimitAndADrainingServerAreTheLibrarysExceptions() throws InterruptedException {
        String g = UUID.randomUUID().toString();
        PoolServer small = server(pool(1, 2, TenantConfig.of("acme").withMaxQueued(50)));
        PoolClient c = client(small, ACME);
        assertThatThrownBy(() -> {
            for (int i = 0; i < 10; i++) {
                c.submit(gate(g));
            }
        }).isInstanceOfSatisfying(QueueFullException.class, e -> assertThat(e.capacity()).isEqualTo(2));
        open(g);
        small.drain(Duration.ofSeconds(10));

        PoolServer limited = server(pool(1, 50, TenantConfig.of("acme").withMaxQueued(1)));
        PoolClient l = client(limited, ACME);
        String g2 = UUID.randomUUID().toString();
        assertThatThrownBy(() -> {
            for (int i = 0; i < 5; i++) {
                l.submit(gate(g2));
            }
        }).isInstanceOfSatisfying(TenantLimitException.class, e -> {
            assertThat(e.tenant()).isEqualTo("acme");
            assertThat(e.limit()).isEqualTo(1);
        });
        open(g2);
        Thread drain = Thread.ofVirtual().start(() -> limited.drain(Duration.ofSeconds(10)));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(limited::isDraining);
        // 503 while draining; once HTTP has stopped, the connection is refused
        assertThatThrownBy(() -> {
            while (true) {
                l.submit(TaskRequest.of("echo", Map.of()));
            }
        }).isInstanceOfAny(PoolShutdownException.class, java.io.UncheckedIOException.class);
        drain.join();
    }

    /** Collects events, requesting {@code batch} at a time. */
    static final class Collector implements Flow.Subscriber<EventMessage> {
        final BlockingQueue<EventMessage> events = new LinkedBlockingQueue<>();
        final BlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();
        final CountDownLatch subscribed = new CountDownLatch(1);
        final long batch;
        volatile Flow.Subscription subscription;

        Collector(long batch) {
            this.batch = batch;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(batch);
            subscribed.countDown();
        }

        @Override
        public void onNext(EventMessage item) {
            events.add(item);
            if (batch != Long.MAX_VALUE) {
                subscription.request(batch);
            }
        }

        @Override
        public void onError(Throwable t) {
            errors.add(t);
        }

        @Override
        public void onComplete() {
        }

        List<EventMessage> until(java.util.function.Predicate<EventMessage> match) throws InterruptedException {
            List<EventMessage> seen = new ArrayList<>();
            while (true) {
                EventMessage e = events.poll(15, TimeUnit.SECONDS);
                assertThat(e).as("an event within 15 s; saw " + seen).isNotNull();
                seen.add(e);
                if (match.test(e)) {
                    return seen;
                }
            }
        }
    }
}
