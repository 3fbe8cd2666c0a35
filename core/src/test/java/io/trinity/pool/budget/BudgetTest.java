package io.trinity.pool.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trinity.pool.AgentPool;
import io.trinity.pool.AgentType;
import io.trinity.pool.Payload;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.Task;
import io.trinity.pool.TaskHandle;
import io.trinity.pool.TaskState;
import io.trinity.pool.agent.AgentFactory;
import io.trinity.pool.agent.AsyncAgent;
import io.trinity.pool.agent.TaskContext;
import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.tenant.TenantConfig;
import io.trinity.pool.time.PoolClock;
import io.trinity.pool.time.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

class BudgetTest {

    final VirtualClock clock = new VirtualClock();
    final List<PoolEvent> events = new ArrayList<>();
    final Map<String, Long> reported = new HashMap<>();

    /**
     * Each task reports {@code step} tokens of each resource in its input "use" map every second
     * for {@code seconds} seconds, then succeeds. Reports are tallied by tenant and resource.
     */
    AgentFactory streaming(PoolClock clock) {
        return init -> new AsyncAgent() {
            @Override
            public CompletionStage<Payload> executeAsync(TaskContext ctx) {
                CompletableFuture<Payload> done = new CompletableFuture<>();
                ctx.onCancel(() -> done.completeExceptionally(new CancellationException("cancelled")));
                @SuppressWarnings("unchecked")
                Map<String, Object> use = (Map<String, Object>) ctx.data().get("use");
                int seconds = ((Number) ctx.data().get("seconds")).intValue();
                step(ctx, use, seconds, done);
                return done;
            }

            void step(TaskContext ctx, Map<String, Object> use, int left, CompletableFuture<Payload> done) {
                clock.schedule(Duration.ofSeconds(1), () -> {
                    if (done.isDone()) {
                        return;
                    }
                    use.forEach((res, n) -> {
                        long tokens = ((Number) n).longValue();
                        reported.merge(ctx.task().tenant() + "/" + res, tokens, Long::sum);
                        ctx.reportUsage(res, tokens);
                    });
                    if (left <= 1) {
                        done.complete(Payload.EMPTY);
                    } else {
                        step(ctx, use, left - 1, done);
                    }
                });
            }
        };
    }

    AgentPool pool(PoolConfig.Builder config) {
        return AgentPool.builder().config(config.maxAgents(8).warmPool(0).warmPoolMin(0).queueCapacity(10_000).build())
                .deterministic(clock).listener(events::add)
                .register(AgentType.of("llm", streaming(clock)).withMaxAgents(8)).build();
    }

    static Task task(String tenant, String resource, long estimate, long perSecond, int seconds) {
        return Task.builder("llm").tenant(tenant).resource(resource, estimate)
                .input(Map.of("use", Map.of(resource, perSecond), "seconds", seconds)).build();
    }

    <T extends PoolEvent> List<T> of(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    @Test
    void aTaskWhoseEstimateExceedsItsBudgetIsRefusedBeforeItStarts() {
        AgentPool pool = pool(PoolConfig.custom());
        TaskHandle h = pool.submit(Task.builder("llm").resource("m", 500).budget(Budget.tokens(100))
                .input(Map.of("use", Map.of("m", 10), "seconds", 1)).build());
        clock.advance(Duration.ofSeconds(5));
        assertThat(h.state()).isEqualTo(TaskState.FAILED);
        assertThat(h.attempts()).isZero();
        assertThat(h.failureReasons()).singleElement().asString()
                .contains("budget", "500 tokens", "own budget of 100 tokens", "not started");
        assertThat(of(PoolEvent.TaskDispatched.class)).isEmpty();
        assertThat(of(PoolEvent.BudgetStop.class)).singleElement().satisfies(s -> {
            assertThat(s.scope()).isEqualTo("task");
            assertThat(s.unit()).isEqualTo("tokens");
            assertThat(s.spent()).isEqualTo(500);
            assertThat(s.limit()).isEqualTo(100);
            assertThat(s.running()).isFalse();
        });
    }

    @Test
    void aTenantNearItsBudgetWaitsForRunningTasksThenIsRefused() {
        AgentPool pool = pool(PoolConfig.custom().tenant(TenantConfig.of("acme").withBudget(Budget.tokens(1000))));
        List<TaskHandle> h = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            h.add(pool.submit(task("acme", "m", 300, 300, 1)));
        }
        TaskHandle other = pool.submit(task("other", "m", 300, 300, 1));
        clock.advance(Duration.ofSeconds(10));
        assertThat(h.subList(0, 3)).allMatch(t -> t.state() == TaskState.SUCCEEDED);
        assertThat(h.get(3).state()).isEqualTo(TaskState.FAILED);
        assertThat(h.get(3).attempts()).isZero();
        assertThat(h.get(3).failureReasons()).singleElement().asString()
                .contains("tenant 'acme' has spent 900 tokens", "300 tokens", "budget of 1000 tokens");
        assertThat(other.state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(pool.tenantSpend("acme").tokens()).isEqualTo(900);
        // work that declares no metered resource is not refused by the tenant's budget
        TaskHandle unmetered = pool.submit(Task.builder("llm").tenant("acme").input(Map.of("use", Map.of(), "seconds", 1))
                .build());
        TaskHandle metered = pool.submit(task("acme", "m", 101, 0, 1));
        clock.advance(Duration.ofSeconds(5));
        assertThat(unmetered.state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(metered.state()).isEqualTo(TaskState.FAILED);
        // it waited for the three running ones to settle instead of failing on their estimates
        assertThat(of(PoolEvent.BudgetStop.class).getFirst().nanos()).isGreaterThanOrEqualTo(Duration.ofSeconds(1).toNanos());
    }

    @Test
    void aRunningTaskThatCrossesItsBudgetIsCancelled() {
        AgentPool pool = pool(PoolConfig.custom());
        TaskHandle h = pool.submit(Task.builder("llm").resource("m", 0).budget(Budget.tokens(550))
                .input(Map.of("use", Map.of("m", 100), "seconds", 10)).build());
        clock.advance(Duration.ofSeconds(30));
        PoolEvent.BudgetStop stop = of(PoolEvent.BudgetStop.class).getFirst();
        System.out.printf("budget: task budget 550 tokens, 100 tokens/s reported: cancelled at %.1f s with %s spent%n",
                stop.nanos() / 1e9, (long) stop.spent());
        assertThat(h.state()).isEqualTo(TaskState.CANCELLED);
        assertThat(h.failureReasons()).singleElement().asString().contains("budget", "600 tokens", "550 tokens");
        assertThat(stop.running()).isTrue();
        assertThat(stop.spent()).isEqualTo(600);
        assertThat(stop.limit()).isEqualTo(550);
        assertThat(pool.tenantSpend(Task.DEFAULT_TENANT).tokens()).isEqualTo(600);
        assertThat(of(PoolEvent.TaskEnded.class)).singleElement()
                .satisfies(e -> assertThat(e.outcome()).isEqualTo(PoolEvent.TaskOutcome.CANCELLED));
    }

    @Test
    void aTenantCostBudgetCancelsTheTaskThatCrossesIt() {
        // 2.0 per 1k tokens: the budget of 1.0 is 500 tokens over all the tenant's running tasks
        AgentPool pool = pool(PoolConfig.custom().price("m", 2.0)
                .tenant(TenantConfig.of("acme").withBudget(Budget.cost(1.0))));
        TaskHandle a = pool.submit(task("acme", "m", 0, 100, 10));
        clock.advance(Duration.ofMillis(500));
        TaskHandle b = pool.submit(task("acme", "m", 0, 100, 10));
        clock.advance(Duration.ofSeconds(30));
        // reports of 100: a at 1, 2, 3 s, b at 1.5, 2.5 s: 500 tokens, cost 1.0, still within budget;
        // b's report at 3.5 s makes 600 (1.2): b is stopped; a's at 4 s makes 700 (1.4): a is stopped
        assertThat(a.state()).isEqualTo(TaskState.CANCELLED);
        assertThat(b.state()).isEqualTo(TaskState.CANCELLED);
        List<PoolEvent.BudgetStop> stops = of(PoolEvent.BudgetStop.class);
        assertThat(stops).extracting(PoolEvent.BudgetStop::task).containsExactly(b.id(), a.id());
        assertThat(stops).extracting(PoolEvent.BudgetStop::nanos).containsExactly(3_500_000_000L, 4_000_000_000L);
        assertThat(stops).allMatch(s -> s.unit().equals("cost") && s.scope().equals("tenant") && s.limit() == 1.0);
        assertThat(stops.get(0).spent()).isCloseTo(1.2, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(stops.get(1).spent()).isCloseTo(1.4, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(pool.tenantSpend("acme").tokens()).isEqualTo(700);
        assertThat(pool.tenantSpend("acme").cost()).isCloseTo(pool.tenantSpend("acme").tokens() * 2.0 / 1000,
                org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void tenantSpendAddsUpExactly() {
        AgentPool pool = pool(PoolConfig.custom().price("m1", 0.5).price("m2", 15.0));
        SplittableRandom random = new SplittableRandom(5);
        List<TaskHandle> handles = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String tenant = "t" + random.nextInt(3);
            String res = random.nextBoolean() ? "m1" : "m2";
            handles.add(pool.submit(task(tenant, res, 50, 1 + random.nextInt(200), 1 + random.nextInt(3))));
        }
        clock.advance(Duration.ofMinutes(10));
        assertThat(handles).allMatch(h -> h.state() == TaskState.SUCCEEDED);
        Map<String, Spend> spend = pool.spend();
        Map<String, long[]> fromEvents = new HashMap<>();
        for (PoolEvent.TenantSpent e : of(PoolEvent.TenantSpent.class)) {
            fromEvents.computeIfAbsent(e.tenant(), k -> new long[1])[0] += e.tokens();
        }
        for (String t : List.of("t0", "t1", "t2")) {
            long m1 = reported.getOrDefault(t + "/m1", 0L);
            long m2 = reported.getOrDefault(t + "/m2", 0L);
            Spend s = pool.tenantSpend(t);
            System.out.printf("spend %s: tokens %d (m1 %d, m2 %d), cost %.4f%n", t, s.tokens(), m1, m2, s.cost());
            assertThat(s.tokensByResource()).isEqualTo(Map.of("m1", m1, "m2", m2));
            assertThat(s.tokens()).isEqualTo(m1 + m2).isEqualTo(fromEvents.get(t)[0]);
            assertThat(s.cost()).isEqualTo(m1 * 0.5 / 1000 + m2 * 15.0 / 1000);
            assertThat(spend.get(t)).isEqualTo(s);
            PoolEvent.TenantSpent last = of(PoolEvent.TenantSpent.class).stream().filter(e -> e.tenant().equals(t))
                    .reduce((x, y) -> y).orElseThrow();
            assertThat(last.totalTokens()).isEqualTo(s.tokens());
        }
        assertThat(pool.tenantSpend("nobody")).isEqualTo(Spend.ZERO);
    }

    @Test
    void budgetsRejectBadValues() {
        assertThatThrownBy(() -> Budget.tokens(-1)).hasMessageContaining("maxTokens must be >= 0 (got -1)");
        assertThatThrownBy(() -> Budget.cost(Double.NaN)).hasMessageContaining("maxCost must be >= 0");
        assertThatThrownBy(() -> PoolConfig.custom().price("m", -1)).hasMessageContaining("price of resource 'm'");
        assertThat(Budget.tokens(10).exceededBy(11, 0)).isEqualTo("tokens");
        assertThat(Budget.cost(1).exceededBy(1_000_000, 1.0)).isNull();
    }

    /** Sums near Long.MAX_VALUE saturate: a wrapped, negative spend would pass every budget check. */
    @Test
    void hugeEstimatesCannotWrapTheSpendPastTheBudget() {
        long estimate = 5_000_000_000_000_000_000L;
        AgentPool pool = pool(PoolConfig.custom().price("m", 0.001)
                .tenant(TenantConfig.of("acme").withBudget(Budget.tokens(9_000_000_000_000_000_000L))));
        List<TaskHandle> h = new ArrayList<>();
        for (int i = 0; i < 2; i++) { // nothing reported: each attempt is charged its estimate
            h.add(pool.submit(Task.builder("llm").tenant("acme").resource("m", estimate)
                    .input(Map.of("use", Map.of(), "seconds", 1)).build()));
        }
        clock.advance(Duration.ofSeconds(10));
        assertThat(h.get(0).state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(h.get(1).state()).isEqualTo(TaskState.FAILED);
        assertThat(h.get(1).attempts()).isZero();
        assertThat(h.get(1).failureReasons()).singleElement().asString().contains("budget", "tenant 'acme'");
        assertThat(pool.tenantSpend("acme").tokens()).isEqualTo(estimate);
        assertThat(of(PoolEvent.TenantSpent.class)).allMatch(e -> e.totalTokens() >= 0 && e.tokens() >= 0);
    }

    @Test
    void tokenSumsSaturateInsteadOfWrapping() {
        assertThat(Spend.addTokens(Long.MAX_VALUE - 1, 10)).isEqualTo(Long.MAX_VALUE);
        assertThat(Spend.addTokens(Long.MIN_VALUE + 1, -10)).isEqualTo(Long.MIN_VALUE);
        assertThat(Spend.addTokens(40, 2)).isEqualTo(42);
        assertThat(Spend.addTokens(-5, 3)).isEqualTo(-2);
        Ledger ledger = new Ledger(new Prices(Map.of()));
        ledger.charge("t", "a", Long.MAX_VALUE - 1);
        ledger.charge("t", "a", 10);
        ledger.charge("t", "b", 10);
        assertThat(ledger.tokens("t", "a")).isEqualTo(Long.MAX_VALUE);
        assertThat(ledger.tokens("t")).isEqualTo(Long.MAX_VALUE);
        assertThat(ledger.spend("t").tokens()).isEqualTo(Long.MAX_VALUE);
        assertThat(Budget.tokens(Long.MAX_VALUE - 1).exceededBy(ledger.tokens("t"), 0)).isEqualTo("tokens");
    }
}
