package io.trinity.pool.limit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trinity.pool.AgentPool;
import io.trinity.pool.AgentType;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.Task;
import io.trinity.pool.TaskHandle;
import io.trinity.pool.TaskRejectedException;
import io.trinity.pool.TaskState;
import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.time.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Provider pacing through a whole pool, measured at the (fake) provider. Virtual time. */
class PacingTest {

    static final String GPT = "openai:gpt-4o";
    static final long MINUTE = Duration.ofMinutes(1).toNanos();

    final VirtualClock clock = new VirtualClock();
    final FakeProvider provider = new FakeProvider(clock);
    final List<PoolEvent> events = new ArrayList<>();

    AgentPool pool(ResourceLimit... limits) {
        PoolConfig.Builder c = PoolConfig.custom().maxAgents(8).warmPool(0).warmPoolMin(0).queueCapacity(100_000);
        for (ResourceLimit l : limits) {
            c.resourceLimit(l);
        }
        return AgentPool.builder().config(c.build()).deterministic(clock).listener(events::add)
                .register(AgentType.of("llm", provider.agents()).withMaxAgents(8)).build();
    }

    /** An hour with demand of 100 calls a minute against a 60 req/min, 10,000 tokens/min quota. */
    long[] hour(long estimate, int minActual, int maxActual) {
        AgentPool pool = pool(ResourceLimit.of(GPT).withRequestsPerMinute(60).withTokensPerMinute(10_000));
        SplittableRandom random = new SplittableRandom(3);
        List<TaskHandle> plain = new ArrayList<>();
        for (long ms = 0; ms < 60 * 60_000; ms += 600) {
            long tokens = minActual + random.nextInt(maxActual - minActual + 1);
            long at = ms;
            clock.schedule(Duration.ofMillis(at), () -> pool.submit(Task.builder("llm").resource(GPT, estimate)
                    .input(Map.of("resource", GPT, "tokens", tokens, "ms", 2000)).build()));
            if (ms % 6000 == 0) {
                // work that needs no provider, in the same lane behind thousands of paced tasks
                clock.schedule(Duration.ofMillis(at), () -> plain.add(pool.submit(Task.builder("llm")
                        .input(Map.of("ms", 1000)).build())));
            }
        }
        clock.advance(Duration.ofHours(1));
        List<FakeProvider.Request> served = provider.served(GPT);
        long[] max = FakeProvider.maxInWindow(served, MINUTE);
        long tokens = served.stream().mapToLong(FakeProvider.Request::tokens).sum();
        double plainMaxWait = plainWaitsMs().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        long waits = events.stream().filter(e -> e instanceof PoolEvent.ResourceWait).count();
        clock.advance(Duration.ofMinutes(1));
        assertThat(plain).hasSize(600).allMatch(h -> h.state() == TaskState.SUCCEEDED);
        return new long[] {max[0], max[1], served.size(), tokens, (long) plainMaxWait, waits};
    }

    List<Double> plainWaitsMs() {
        Map<Long, Long> submitted = new HashMap<>();
        List<Double> waits = new ArrayList<>();
        for (PoolEvent e : events) {
            if (e instanceof PoolEvent.TaskSubmitted s) {
                submitted.put(s.task(), s.nanos());
            } else if (e instanceof PoolEvent.TaskDispatched d) {
                Long at = submitted.remove(d.task());
                if (at != null && !paced.contains(d.task())) {
                    waits.add((d.nanos() - at) / 1e6);
                }
            } else if (e instanceof PoolEvent.ResourceWait w) {
                paced.add(w.task());
            }
        }
        return waits;
    }

    final java.util.Set<Long> paced = new java.util.HashSet<>();

    @Test
    void tokensPerMinuteHoldInEveryWindowAndAreUsedToTheLimit() {
        // estimates are an upper bound (250); actual use 150..250, so refunds matter for throughput
        long[] r = hour(250, 150, 250);
        double throughput = r[3] / (60 * 10_000.0);
        System.out.printf("pacing (tokens bind): 60 req/min, 10000 tokens/min, 1 h: max in any 60 s window %d requests,"
                        + " %d tokens; served %d requests, %d tokens = %.1f%% of the token limit; resource.wait events %d;"
                        + " unpaced tasks in the same lane max wait %d ms%n",
                r[0], r[1], r[2], r[3], throughput * 100, r[5], r[4]);
        assertThat(r[0]).isLessThanOrEqualTo(60);
        assertThat(r[1]).isLessThanOrEqualTo(10_000);
        assertThat(throughput).isGreaterThanOrEqualTo(0.95);
        assertThat(r[4]).as("tasks without resources are not held behind paced ones").isLessThanOrEqualTo(10);
    }

    @Test
    void requestsPerMinuteHoldInEveryWindowAndAreUsedToTheLimit() {
        long[] r = hour(100, 100, 100);
        double throughput = r[2] / (60 * 60.0);
        System.out.printf("pacing (requests bind): 60 req/min, 10000 tokens/min, 1 h: max in any 60 s window %d requests,"
                        + " %d tokens; served %d requests = %.1f%% of the request limit%n",
                r[0], r[1], r[2], throughput * 100);
        assertThat(r[0]).isLessThanOrEqualTo(60);
        assertThat(r[1]).isLessThanOrEqualTo(10_000);
        assertThat(throughput).isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void aRetryAfterPausesTheResourceCappedThenWorkResumesWithoutSpendingAnAttempt() {
        AgentPool pool = pool(ResourceLimit.of("a").withMaxPause(Duration.ofSeconds(30)), ResourceLimit.of("b"));
        long[] refusedAt = {-1};
        provider.refuse = req -> {
            if (req.resource().equals("a") && refusedAt[0] < 0 && req.nanos() >= Duration.ofSeconds(10).toNanos()) {
                refusedAt[0] = req.nanos();
                return Duration.ofHours(114);
            }
            return null;
        };
        List<TaskHandle> handles = new ArrayList<>();
        for (int s = 0; s < 120; s++) {
            String res = s % 3 == 0 ? "a" : s % 3 == 1 ? "b" : null;
            clock.schedule(Duration.ofSeconds(s), () -> {
                Task.Builder t = Task.builder("llm").maxAttempts(1); // a spent attempt would end it FAILED
                if (res != null) {
                    t.resource(res, 10).input(Map.of("resource", res, "tokens", 10, "ms", 500));
                } else {
                    t.input(Map.of("ms", 500));
                }
                handles.add(pool.submit(t.build()));
            });
        }
        clock.advance(Duration.ofMinutes(3));
        long t0 = refusedAt[0];
        assertThat(t0).isPositive();
        PoolEvent.ResourcePause pause = events.stream().filter(e -> e instanceof PoolEvent.ResourcePause)
                .map(PoolEvent.ResourcePause.class::cast).findFirst().orElseThrow();
        List<Long> aTimes = provider.served("a").stream().map(FakeProvider.Request::nanos).toList();
        long firstAfter = aTimes.stream().filter(t -> t >= t0).findFirst().orElseThrow();
        long bDuringPause = provider.served("b").stream().filter(r -> r.nanos() > t0 && r.nanos() < t0 + 30_000_000_000L).count();
        long plainDuring = events.stream().filter(e -> e instanceof PoolEvent.TaskEnded end && end.agent() != null
                && end.nanos() > t0 && end.nanos() < t0 + 30_000_000_000L).count();
        TaskHandle refused = handles.stream().filter(h -> dispatches(h.id()) == 2).findFirst().orElseThrow();
        System.out.printf("429: hint %d ms capped to a pause of %d ms; next call on the resource %.3f s after the 429;"
                        + " %d calls on another resource and %d tasks ended during the pause; refused task attempts=%d%n",
                pause.hintMs(), pause.ms(), (firstAfter - t0) / 1e9, bDuringPause, plainDuring, refused.attempts());
        assertThat(pause.resource()).isEqualTo("a");
        assertThat(pause.hintMs()).isEqualTo(Duration.ofHours(114).toMillis());
        assertThat(pause.ms()).isEqualTo(30_000);
        assertThat(firstAfter - t0).isEqualTo(30_000_000_000L); // resumes the moment the pause ends
        assertThat(bDuringPause).isGreaterThanOrEqualTo(9);
        assertThat(handles).hasSize(120).allMatch(h -> h.state() == TaskState.SUCCEEDED);
        assertThat(refused.attempts()).isEqualTo(1);
        assertThat(events).filteredOn(e -> e instanceof PoolEvent.TaskEnded end
                && end.outcome() == PoolEvent.TaskOutcome.RATE_LIMITED).hasSize(1);
        assertThat(events).filteredOn(e -> e instanceof PoolEvent.TaskRetried).isEmpty();
    }

    int dispatches(long task) {
        return (int) events.stream().filter(e -> e instanceof PoolEvent.TaskDispatched d && d.task() == task).count();
    }

    @Test
    void aShortHintIsHonouredExactlyAndNoHintUsesTheDefaultPause() {
        AgentPool pool = pool(ResourceLimit.of("a").withDefaultPause(Duration.ofSeconds(2)));
        List<Duration> hints = new ArrayList<>(List.of(Duration.ofSeconds(5), Duration.ZERO));
        provider.refuse = req -> hints.isEmpty() ? null : hints.remove(0);
        TaskHandle h = pool.submit(Task.builder("llm").resource("a", 1).maxAttempts(1)
                .input(Map.of("resource", "a", "tokens", 1, "ms", 100)).build());
        clock.advance(Duration.ofSeconds(30));
        List<Long> calls = provider.requests.stream().map(FakeProvider.Request::nanos).toList();
        System.out.printf("429: calls at %s ms (5 s hint, then no hint with a 2 s default pause)%n",
                calls.stream().map(n -> n / 1_000_000).toList());
        assertThat(calls).hasSize(3);
        assertThat(calls.get(1) - calls.get(0)).isEqualTo(5_000_000_000L);
        assertThat(calls.get(2) - calls.get(1)).isEqualTo(2_000_000_000L);
        assertThat(h.state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(h.attempts()).isEqualTo(1);
        assertThat(events).filteredOn(e -> e instanceof PoolEvent.ResourcePause).extracting(e -> ((PoolEvent.ResourcePause) e).ms())
                .containsExactly(5_000L, 2_000L);
    }

    @Test
    void aConcurrencyLimitHoldsAndATaskThatCouldNeverFitIsRefusedAtSubmit() {
        AgentPool pool = pool(ResourceLimit.of("a").withMaxConcurrent(2).withTokensPerMinute(1000));
        for (int i = 0; i < 12; i++) {
            pool.submit(Task.builder("llm").resource("a", 10).input(Map.of("resource", "a", "tokens", 10, "ms", 1000)).build());
        }
        clock.advance(Duration.ofSeconds(30));
        List<Long> starts = provider.served("a").stream().map(FakeProvider.Request::nanos).toList();
        int peak = 0;
        for (long t : starts) {
            long inFlight = starts.stream().filter(s -> s <= t && s + 1_000_000_000L > t).count();
            peak = Math.max(peak, (int) inFlight);
        }
        assertThat(starts).hasSize(12);
        assertThat(peak).isEqualTo(2);
        assertThat(events).filteredOn(e -> e instanceof PoolEvent.ResourceWait w && w.reason().equals("concurrency"))
                .isNotEmpty().allMatch(e -> ((PoolEvent.ResourceWait) e).waitMs() == -1);
        assertThatThrownBy(() -> pool.submit(Task.builder("llm").resource("a", 5000).build()))
                .isInstanceOf(TaskRejectedException.class)
                .hasMessageContaining("estimates 5000 tokens of resource 'a'")
                .hasMessageContaining("limit of 1000 tokens per minute");
    }
}
