package io.trinity.pool.micrometer;

import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code trinity.pool.tenant.running}: running attempts by tenant, with a bounded tag set.
 *
 * <p>The {@code maxShown} most active tenants get their own tag value; everyone else is summed
 * under {@code other}, so a pool with a tenant per end user still exports {@code maxShown + 1}
 * series. Activity is the number of attempts started, halved at every re-rank (each
 * {@code pool.stats}), so the shown set follows recent load while a steady tenant keeps its
 * series. A newcomer is shown at once while there is room, otherwise it waits for the next
 * re-rank.
 *
 * <p>Memory is bounded too: at most {@code capacity} tenants are tracked by name (the ones
 * running now plus the shown ones, after each re-rank); an attempt of a tenant beyond that is
 * counted in an anonymous holder that only feeds {@code other}.
 *
 * <p>Threads: the listener thread writes; the registry's thread reads the running counts
 * (atomics) and the shown set (an immutable set behind a volatile), never a lock.
 */
final class TenantGauge {

    /** One tenant's running attempts; the task book keeps it for the attempt it counts. */
    static final class Tenant {
        final String name;
        final AtomicInteger running = new AtomicInteger();
        /** Listener thread only. */
        double activity;

        Tenant(String name) {
            this.name = name;
        }
    }

    private final int maxShown;
    private final int capacity;
    private final Tags common;
    private final ConcurrentHashMap<String, Tenant> tenants = new ConcurrentHashMap<>();
    private final Tenant untracked = new Tenant(TrinityPoolMetrics.OTHER);
    private volatile Set<String> shown = Set.of();
    private final List<MultiGauge> gauges = new CopyOnWriteArrayList<>();

    TenantGauge(MeterSet meters, int maxShown) {
        this.maxShown = maxShown;
        this.capacity = Math.max(64, 4 * maxShown);
        this.common = meters.common();
        meters.register(r -> {
            MultiGauge g = MultiGauge.builder(TrinityPoolMetrics.TENANT_RUNNING)
                    .description("Attempts running now, by tenant (the most active tenants; the rest under 'other')")
                    .tags(common).register(r);
            gauges.add(g);
            g.register(rows(), false);
            return () -> {
                gauges.remove(g);
                g.register(List.of(), true); // removes every row it registered
            };
        });
    }

    /** An attempt of {@code name} started: the holder to hand back to {@link #ended}. */
    Tenant started(String name) {
        Tenant t = tenants.get(name);
        if (t == null) {
            if (tenants.size() >= capacity || TrinityPoolMetrics.OTHER.equals(name)) {
                untracked.running.incrementAndGet();
                return untracked;
            }
            t = new Tenant(name);
            tenants.put(name, t);
        }
        t.running.incrementAndGet();
        t.activity += 1;
        if (shown.size() < maxShown && !shown.contains(name)) {
            Set<String> next = new LinkedHashSet<>(shown);
            next.add(name);
            publish(Set.copyOf(next));
        }
        return t;
    }

    void ended(Tenant t) {
        t.running.decrementAndGet();
    }

    /** Picks the shown tenants again, then forgets the quiet ones it no longer shows. */
    void rerank() {
        List<Tenant> ranked = new ArrayList<>(tenants.values());
        ranked.sort(Comparator.comparingDouble((Tenant t) -> t.activity + t.running.get()).reversed()
                .thenComparing(t -> t.name));
        Set<String> next = new LinkedHashSet<>();
        for (int i = 0; i < Math.min(maxShown, ranked.size()); i++) {
            next.add(ranked.get(i).name);
        }
        for (Tenant t : ranked) {
            t.activity /= 2;
        }
        tenants.values().removeIf(t -> t.running.get() == 0 && !next.contains(t.name));
        if (!next.equals(shown)) {
            publish(Set.copyOf(next));
        }
    }

    private void publish(Set<String> next) {
        shown = next;
        List<MultiGauge.Row<?>> rows = rows();
        for (MultiGauge g : gauges) {
            g.register(rows, false);
        }
    }

    private List<MultiGauge.Row<?>> rows() {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (String name : shown) {
            rows.add(MultiGauge.Row.of(Tags.of("tenant", name), () -> running(name)));
        }
        rows.add(MultiGauge.Row.of(Tags.of("tenant", TrinityPoolMetrics.OTHER), this::others));
        return rows;
    }

    private int running(String name) {
        Tenant t = tenants.get(name);
        return t == null ? 0 : t.running.get();
    }

    private int others() {
        Set<String> s = shown;
        int n = untracked.running.get();
        for (Tenant t : tenants.values()) {
            if (!s.contains(t.name)) {
                n += t.running.get();
            }
        }
        return n;
    }

    /** Tenants tracked by name now (tests check the bound). */
    int tracked() {
        return tenants.size();
    }
}
