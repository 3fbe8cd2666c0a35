package io.trinity.pool.journal.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.AgentPool;
import io.trinity.pool.AgentType;
import io.trinity.pool.Payload;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.Task;
import io.trinity.pool.TaskHandle;
import io.trinity.pool.TaskState;
import io.trinity.pool.agent.AsyncAgent;
import io.trinity.pool.agent.TaskContext;
import io.trinity.pool.budget.Budget;
import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.limit.ResourceLimit;
import io.trinity.pool.spawn.OnDemandSpawning;
import io.trinity.pool.spawn.PredictiveSpawning;
import io.trinity.pool.tenant.TenantConfig;
import io.trinity.pool.time.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The pool state besides tasks across a restart on the same journal (issue 14): tenant spend,
 * the pacing windows and the predictive strategy's model. Each test runs a pool on virtual
 * time, stops it either cleanly ({@code shutdown}) or by abandoning it (its journal is closed
 * under it: a crash right after its last group commit), starts a second pool on the same
 * journal, and checks the restored behaviour. The two clocks share one wall-clock timeline
 * ({@link VirtualClock#VirtualClock(long, long)}), the second starting after a downtime.
 */
abstract class PoolStateContract {

    static final long T0 = 1_900_000_000_000L; // epoch ms of the first pool's start

    abstract JdbcJournal.Builder builder();

    final List<JdbcJournal> opened = new ArrayList<>();
    final List<PoolEvent> events = new ArrayList<>();
    VirtualClock clock;

    JdbcJournal open() {
        JdbcJournal j = builder().clock(new MutableClock(Instant.ofEpochMilli(T0))).open();
        opened.add(j);
        return j;
    }

    void closeJournals() {
        opened.forEach(JdbcJournal::close);
        opened.clear();
    }

    /** Each task takes 100 ms of virtual time and reports no usage: it is charged its estimates. */
    AgentType work(String name) {
        return AgentType.of(name, init -> new AsyncAgent() {
            @Override
            public CompletionStage<Payload> executeAsync(TaskContext ctx) {
                CompletableFuture<Payload> f = new CompletableFuture<>();
                clock.schedule(Duration.ofMillis(100), () -> f.complete(Payload.EMPTY));
                return f;
            }
        }).withMaxAgents(64);
    }

    /**
     * Ends the first pool: cleanly, or by closing its journal under it and abandoning it once
     * everything it recorded is stored (a crash right after its last group commit). The pool has
     * one write out at a time and its journal stores on its own thread, so both wait for that.
     */
    void stop(AgentPool pool, JdbcJournal journal, boolean clean) {
        if (clean) {
            // The journal's thread runs the loop when a write returns, possibly after an advance
            // has passed the time of a timer the loop sets then: time moves until the stop ends,
            // only while no write is out (the virtual clock is not thread-safe).
            CompletableFuture<?> stopped = pool.shutdown(Duration.ZERO);
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            while (!stopped.isDone()) {
                assertThat(System.nanoTime() - deadline).as("the pool stopped within 30 s").isNegative();
                if (pool.journalBacklog() == 0) { // nothing out: the journal's thread is not in the loop
                    clock.advance(Duration.ofMillis(100));
                }
                java.util.concurrent.locks.LockSupport.parkNanos(100_000);
            }
        } else {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            while (pool.journalBacklog() > 0) {
                assertThat(System.nanoTime() - deadline).as("the pool's records stored within 30 s").isNegative();
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            }
        }
        journal.close(); // writes what was handed over; with clean, the pool's shutdown closes it too (idempotent)
        events.clear();
    }

    // ---- tenant spend and budgets -----------------------------------------------------------

    AgentPool budgetPool(JdbcJournal journal, long wallStart) {
        clock = new VirtualClock(0, wallStart);
        return AgentPool.builder().deterministic(clock).journal(journal).listener(events::add)
                .config(PoolConfig.custom().maxAgents(8).warmPool(0).warmPoolMin(0).warmPoolMax(0)
                        .tenant(TenantConfig.of("acme").withBudget(Budget.tokens(1000))).build())
                .register(work("llm")).build();
    }

    static Task metered(String tenant, long tokens) {
        return Task.builder("llm").tenant(tenant).resource("m", tokens).build();
    }

    @ParameterizedTest(name = "clean shutdown: {0}")
    @ValueSource(booleans = {true, false})
    void aTenantAtItsBudgetBeforeARestartIsStillAtItAfter(boolean clean) {
        JdbcJournal first = open();
        AgentPool pool = budgetPool(first, T0);
        List<TaskHandle> spent = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            spent.add(pool.submit(metered("acme", 300)));
        }
        pool.submit(metered("other", 500));
        clock.advance(Duration.ofSeconds(5));
        assertThat(spent).allMatch(h -> h.state() == TaskState.SUCCEEDED);
        assertThat(pool.tenantSpend("acme").tokens()).isEqualTo(900);
        stop(pool, first, clean);

        AgentPool again = budgetPool(open(), T0 + 60_000);
        assertThat(again.tenantSpend("acme").tokens()).as("spend survives the restart").isEqualTo(900);
        assertThat(again.tenantSpend("other").tokens()).isEqualTo(500);
        TaskHandle over = again.submit(metered("acme", 300));
        TaskHandle fits = again.submit(metered("acme", 100));
        TaskHandle unmetered = again.submit(Task.builder("llm").tenant("acme").build());
        clock.advance(Duration.ofSeconds(5));
        assertThat(over.state()).isEqualTo(TaskState.FAILED);
        assertThat(over.attempts()).isZero();
        assertThat(over.failureReasons()).singleElement().asString()
                .contains("tenant 'acme' has spent 900 tokens", "budget of 1000 tokens", "not started");
        assertThat(fits.state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(unmetered.state()).as("no metered use: not refused").isEqualTo(TaskState.SUCCEEDED);
        assertThat(again.tenantSpend("acme").tokens()).isEqualTo(1000);
        again.shutdown(Duration.ZERO);
        clock.advance(Duration.ofSeconds(1));
    }

    @org.junit.jupiter.api.Test
    void plainTasksWriteNoPoolState() {
        JdbcJournal first = open();
        AgentPool pool = budgetPool(first, T0);
        for (int i = 0; i < 20; i++) {
            pool.submit(Task.builder("llm").tenant(i % 2 == 0 ? "acme" : "other").build());
        }
        clock.advance(Duration.ofSeconds(5));
        stop(pool, first, true);
        io.trinity.pool.journal.JournalState state = open().load();
        assertThat(state.finals()).isEqualTo(20);
        assertThat(state.spend()).isEmpty();
        assertThat(state.resourceUse()).isEmpty();
        assertThat(state.strategies()).isEmpty();
    }

    // ---- pacing windows ---------------------------------------------------------------------

    static final int RPM = 60;
    static final long TPM = 1_000;

    AgentPool pacedPool(JdbcJournal journal, long wallStart) {
        clock = new VirtualClock(0, wallStart);
        return AgentPool.builder().deterministic(clock).journal(journal).listener(events::add)
                .config(PoolConfig.custom().maxAgents(64).warmPool(0).warmPoolMin(0).warmPoolMax(0)
                        .queueCapacity(1_000)
                        .resourceLimit(ResourceLimit.of("api").withRequestsPerMinute(RPM))
                        .resourceLimit(ResourceLimit.of("tok").withTokensPerMinute(TPM)).build())
                .register(work("llm")).build();
    }

    /** Records each dispatch as (wall ms, resource) for the window check. */
    void dispatches(List<long[]> into, Map<Long, Integer> resourceOf, long wallStart) {
        for (PoolEvent e : events) {
            if (e instanceof PoolEvent.TaskDispatched d) {
                into.add(new long[] {wallStart + d.nanos() / 1_000_000, resourceOf.get(d.task())});
            }
        }
    }

    /** The most requests (resource 0) or tokens (resource 1, 100 each) started in any 60 s window. */
    static long worstWindow(List<long[]> starts, int resource, long each) {
        List<Long> times = starts.stream().filter(s -> s[1] == resource).map(s -> s[0]).sorted().toList();
        long worst = 0;
        for (int i = 0; i < times.size(); i++) {
            int n = 0;
            for (int k = i; k < times.size() && times.get(k) < times.get(i) + 60_000; k++) {
                n++;
            }
            worst = Math.max(worst, n * each);
        }
        return worst;
    }

    @ParameterizedTest(name = "clean shutdown: {0}")
    @ValueSource(booleans = {true, false})
    void aRestartCannotExceedAProvidersPerMinuteLimits(boolean clean) {
        Map<Long, Integer> resourceOf = new HashMap<>();
        List<long[]> starts = new ArrayList<>();
        JdbcJournal first = open();
        AgentPool pool = pacedPool(first, T0);
        for (int i = 0; i < 100; i++) {
            resourceOf.put(pool.submit(Task.builder("llm").resource("api", 0).build()).id(), 0);
            resourceOf.put(pool.submit(Task.builder("llm").resource("tok", 100).build()).id(), 1);
        }
        clock.advance(Duration.ofSeconds(30));
        dispatches(starts, resourceOf, T0);
        assertThat(worstWindow(starts, 0, 1)).isEqualTo(RPM);
        assertThat(worstWindow(starts, 1, 100)).isEqualTo(TPM);
        stop(pool, first, clean);

        long restart = T0 + 35_000; // 5 s of downtime
        AgentPool again = pacedPool(open(), restart);
        for (int i = 0; i < 40; i++) { // a clean shutdown cancelled the queued ones: new work either way
            resourceOf.put(again.submit(Task.builder("llm").resource("api", 0).build()).id(), 0);
            resourceOf.put(again.submit(Task.builder("llm").resource("tok", 100).build()).id(), 1);
        }
        clock.advance(Duration.ofSeconds(100));
        dispatches(starts, resourceOf, restart);
        assertThat(worstWindow(starts, 0, 1)).as("requests in any 60 s across the restart").isLessThanOrEqualTo(RPM);
        assertThat(worstWindow(starts, 1, 100)).as("tokens in any 60 s across the restart").isLessThanOrEqualTo(TPM);
        // the second pool works up to the limits again once the first pool's starts have left the window
        assertThat(starts.stream().filter(s -> s[1] == 0 && s[0] >= restart)).hasSizeGreaterThanOrEqualTo(40);
        assertThat(worstWindow(starts, 0, 1)).isEqualTo(RPM);
        assertThat(worstWindow(starts, 1, 100)).isEqualTo(TPM);
        again.shutdown(Duration.ZERO);
        clock.advance(Duration.ofSeconds(1));
    }

    // ---- the predictive strategy's arrival history ------------------------------------------

    static final Duration BUCKET = Duration.ofSeconds(10);
    static final Duration PERIOD = Duration.ofMinutes(2);
    PredictiveSpawning predictive;

    AgentPool predictivePool(JdbcJournal journal, long wallStart) {
        clock = new VirtualClock(0, wallStart);
        predictive = new PredictiveSpawning(BUCKET, PERIOD, 0.5, 1.0);
        return AgentPool.builder().deterministic(clock).journal(journal).listener(events::add)
                .config(PoolConfig.custom().maxAgents(16).warmPool(0).warmPoolMin(0).warmPoolMax(0)
                        .queueCapacity(1_000).build())
                .spawnStrategy(new OnDemandSpawning()).spawnStrategy(predictive)
                .register(work("llm")).build();
    }

    double[] forecasts(long fromBucket) {
        int n = (int) (PERIOD.toNanos() / BUCKET.toNanos());
        double[] f = new double[2 * n];
        for (int i = 0; i < f.length; i++) {
            f[i] = predictive.forecast("llm", fromBucket + i);
        }
        return f;
    }

    @ParameterizedTest(name = "clean shutdown: {0}")
    @ValueSource(booleans = {true, false})
    void thePredictiveForecastSurvivesARestart(boolean clean) {
        JdbcJournal first = open();
        AgentPool pool = predictivePool(first, T0);
        // three periods: a burst of 4 tasks/s in the first 20 s of each period, 1 task per 10 s after
        long end = 3 * PERIOD.toMillis() + 35_000;
        for (long ms = 0; ms < end; ms += 250) {
            long inPeriod = ms % PERIOD.toMillis();
            if (inPeriod < 20_000 || ms % 10_000 == 0) {
                pool.submit(Task.of("llm", Map.of()));
            }
            clock.advance(Duration.ofMillis(250));
        }
        long bucketMs = BUCKET.toMillis();
        long nowBucket = end / bucketMs;
        double[] before = forecasts(nowBucket);
        assertThat(before[(int) (3 * PERIOD.toMillis() / bucketMs + 12 - nowBucket)])
                .as("the burst of the next period is forecast").isGreaterThan(20);
        stop(pool, first, clean);

        long downtime = 20_000; // two buckets
        long restart = T0 + end + downtime;
        AgentPool again = predictivePool(open(), restart);
        long shift = (end + downtime) / bucketMs; // the same moment is this many buckets earlier on the new clock
        assertThat(forecasts(nowBucket - shift)).as("restored at start").containsExactly(before);
        clock.advance(Duration.ofSeconds(1)); // its first scale tick: the model rebases on the new clock
        assertThat(forecasts(nowBucket - shift)).as("after the first tick").containsExactly(before);
        again.shutdown(Duration.ZERO);
        clock.advance(Duration.ofSeconds(1));
    }
}
