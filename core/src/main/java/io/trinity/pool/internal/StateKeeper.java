package io.trinity.pool.internal;

import io.trinity.pool.journal.JournalRecord;
import io.trinity.pool.journal.JournalState;
import io.trinity.pool.limit.ResourcePacer;
import io.trinity.pool.spawn.SpawnStrategy;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The pool state besides tasks that a journal keeps across a restart: tenant spend (so a budget
 * spent before a crash stays spent), paced resources' use (so a restart cannot exceed a
 * provider's per-minute limit) and spawning strategies' learned state (the predictive arrival
 * history).
 *
 * <p><b>Cost.</b> Nothing here is per task: changes are gathered during a loop batch and written
 * once after it, one {@link JournalRecord.SpendTotal} per tenant and resource charged, one
 * {@link JournalRecord.ResourceUsed} per paced resource used, beside the batch's task records
 * (same group commit). Strategies are asked on the scale tick only. A task that uses no
 * resource and reports no usage adds nothing. Only with a journal that
 * {@linkplain io.trinity.pool.journal.Journal#keepsPoolState() keeps pool state}; otherwise
 * every call returns at its first check. Loop-only.
 *
 * <p><b>Pacing is conservative.</b> A batch's starts on a resource are written at the latest
 * start, rounded up to the millisecond, so a restored request leaves the 60 s window no earlier
 * than the real one; usage reported beyond an estimate is added at the time it is reported;
 * usage below an estimate is not given back.
 */
final class StateKeeper {

    /** How much later a restored pacing window ends than the journal's time says (see {@link #restore}). */
    static final long RESTORE_MARGIN_NANOS = 50_000_000L;

    private final Engine engine;
    private final boolean enabled;
    private List<SpawnStrategy> strategies = List.of();
    /** Tenant to resources charged in this batch. */
    private final Map<String, Set<String>> charged = new LinkedHashMap<>();
    /** Paced resource to {requests, tokens, latest start nanos} in this batch. */
    private final Map<String, long[]> used = new LinkedHashMap<>();

    StateKeeper(Engine engine, boolean enabled) {
        this.engine = engine;
        this.enabled = enabled;
    }

    void strategies(List<SpawnStrategy> chosen) {
        this.strategies = List.copyOf(chosen);
    }

    /** Tokens of {@code resource} were charged to {@code tenant}. */
    void charged(String tenant, String resource) {
        if (enabled) {
            charged.computeIfAbsent(tenant, k -> new HashSet<>()).add(resource);
        }
    }

    /** A request started on a resource, counting {@code tokens} (its estimate). */
    void acquired(ResourcePacer pacer, String resource, long tokens, long nowNanos) {
        if (enabled && pacer.pacesPerMinute(resource)) {
            add(resource, 1, tokens, nowNanos);
        }
    }

    /** An ended request reported {@code extra} tokens beyond what its start counted. */
    void extraTokens(ResourcePacer pacer, String resource, long extra, long nowNanos) {
        if (enabled && extra > 0 && pacer.pacesPerMinute(resource)) {
            add(resource, 0, extra, nowNanos);
        }
    }

    private void add(String resource, int requests, long tokens, long nowNanos) {
        long[] u = used.computeIfAbsent(resource, k -> new long[] {0, 0, Long.MIN_VALUE});
        u[0] += requests;
        u[1] += tokens;
        u[2] = Math.max(u[2], nowNanos);
    }

    /** After a scale tick's planning: saves what strategies learned, if it changed. */
    void afterScaleTick(long nowNanos) {
        if (!enabled) {
            return;
        }
        for (SpawnStrategy s : strategies) {
            Map<String, Object> state = s.changedState();
            if (state != null) {
                try {
                    // checked here: a record the journal cannot encode would hold every later one
                    state = io.trinity.pool.PlainData.copyOf(state, "strategy '" + s.name() + "' state");
                } catch (IllegalArgumentException e) {
                    Engine.LOG.warn("spawning strategy '{}': its state is not kept in the journal ({})", s.name(),
                            e.getMessage());
                    continue;
                }
                engine.durability.record(new JournalRecord.StrategySaved(s.name(), state, nowNanos,
                        engine.wallMillis(nowNanos)));
            }
        }
    }

    /** After each loop batch, before its records go to the journal. */
    void flush() {
        if (!enabled || (charged.isEmpty() && used.isEmpty())) {
            return;
        }
        long now = engine.clock.nanoTime();
        long at = engine.wallMillis(now);
        charged.forEach((tenant, resources) -> {
            for (String resource : resources) {
                engine.durability.record(new JournalRecord.SpendTotal(tenant, resource,
                        engine.governor.ledger.tokens(tenant, resource), at));
            }
        });
        charged.clear();
        used.forEach((resource, u) -> engine.durability.record(new JournalRecord.ResourceUsed(resource, (int) u[0], u[1],
                wallMillisRoundedUp(u[2]))));
        used.clear();
    }

    private long wallMillisRoundedUp(long nanos) {
        long ms = engine.wallMillis(nanos);
        return engine.nanosOfWall(ms) < nanos ? ms + 1 : ms;
    }

    /**
     * Off the loop, before it starts: hands what the journal kept to the ledger, the pacer and
     * the strategies. Returns a summary for the recovery log line.
     */
    String restore(JournalState loaded) {
        if (!enabled) {
            return null;
        }
        Set<String> tenants = new HashSet<>();
        for (JournalRecord.SpendTotal s : loaded.spend()) {
            engine.governor.ledger.restore(s.tenant(), s.resource(), s.tokens());
            tenants.add(s.tenant());
        }
        long now = engine.clock.nanoTime();
        ResourcePacer pacer = engine.governor.pacer;
        Map<String, Integer> requests = new HashMap<>();
        for (JournalRecord.ResourceUsed u : loaded.resourceUse()) {
            // later by a margin: the writer may have been another process (a cluster's previous
            // scheduler), whose wall-clock anchor can differ from ours by a few milliseconds, and
            // a window that ends late only delays a start, where one that ends early breaks the limit
            long start = engine.nanosOfWall(u.at()) + RESTORE_MARGIN_NANOS;
            if (start + ResourcePacer.WINDOW_NANOS > now) {
                pacer.restore(u.resource(), start, u.requests(), u.tokens(), now);
                requests.merge(u.resource(), u.requests(), Integer::sum);
            }
        }
        int restoredStrategies = 0;
        for (JournalRecord.StrategySaved saved : loaded.strategies()) {
            for (SpawnStrategy s : strategies) {
                if (s.name().equals(saved.strategy())) {
                    s.restoreState(saved.state(), engine.nanosOfWall(saved.at()) - saved.clockNanos());
                    restoredStrategies++;
                }
            }
        }
        return "spend of " + tenants.size() + " tenants, " + requests.values().stream().mapToInt(Integer::intValue).sum()
                + " requests in the pacing window of " + requests.size() + " resources, " + restoredStrategies
                + " strategy models";
    }
}
