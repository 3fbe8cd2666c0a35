package io.trinity.pool.agents.generic;

import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the generic agent type has read, kept apart per tenant: for each tenant, how many texts
 * it had read and, per content word, in how many of them the word appeared (document
 * frequency). A tenant sees only its own. At most {@value #MAX_TENANTS} tenants are kept (the
 * one least recently active is dropped first) and at most {@value #MAX_WORDS} words per tenant
 * (past that, the most frequent half is kept). Thread-safe.
 */
final class Vocabulary {

    /** The most words kept per tenant. */
    static final int MAX_WORDS = 2_000;
    /** The most tenants kept. */
    static final int MAX_TENANTS = 50;
    /** The version of the snapshot state; the first version had no field {@code format}. */
    static final long FORMAT = 2;

    private static final class Tenant {
        long documents;
        final Map<String, Long> frequency = new HashMap<>();
    }

    /** In access order, least recently active first. */
    private final LinkedHashMap<String, Tenant> tenants = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Tenant> eldest) {
            return size() > MAX_TENANTS;
        }
    };

    /** Counts one text of {@code tenant} with these distinct content words. */
    synchronized void read(String tenant, Set<String> words) {
        Tenant t = tenants.computeIfAbsent(tenant, k -> new Tenant());
        t.documents++;
        for (String w : words) {
            t.frequency.merge(w, 1L, Long::sum);
        }
        if (t.frequency.size() > MAX_WORDS) {
            List<Map.Entry<String, Long>> kept = ranked(t, MAX_WORDS / 2);
            t.frequency.clear();
            kept.forEach(e -> t.frequency.put(e.getKey(), e.getValue()));
        }
    }

    /** The {@code vocabulary} op's output for {@code tenant}: documents, words, the top {@code k}. */
    synchronized Map<String, Object> summary(String tenant, int k) {
        Tenant t = tenants.get(tenant);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("documents", t == null ? 0L : t.documents);
        out.put("words", t == null ? 0L : (long) t.frequency.size());
        out.put("common", t == null ? List.of() : ranked(t, k).stream().map(e -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("word", e.getKey());
            m.put("documents", e.getValue());
            return m;
        }).toList());
        return out;
    }

    synchronized boolean isEmpty() {
        return tenants.isEmpty();
    }

    /**
     * As plain data: {@code {format: 2, tenants: {tenant: {documents, documentFrequency: {word:
     * texts}}}}}, tenants least recently active first, words most frequent first.
     */
    synchronized Map<String, Object> toState() {
        Map<String, Object> byTenant = new LinkedHashMap<>();
        tenants.forEach((name, t) -> {
            Map<String, Object> frequency = new LinkedHashMap<>();
            ranked(t, MAX_WORDS).forEach(e -> frequency.put(e.getKey(), e.getValue()));
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("documents", t.documents);
            one.put("documentFrequency", frequency);
            byTenant.put(name, one);
        });
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("format", FORMAT);
        state.put("tenants", byTenant);
        return state;
    }

    /**
     * Takes over a state of {@link #toState()}. A state this version does not understand is
     * ignored, and so is the first version's ({@code {documents, documentFrequency}} without
     * {@code format}): it mixed every tenant's words into one vocabulary, so no tenant may see it.
     */
    synchronized void restore(Map<String, Object> state) {
        if (!(state.get("format") instanceof Number f) || f.longValue() != FORMAT
                || !(state.get("tenants") instanceof Map<?, ?> byTenant)) {
            return;
        }
        byTenant.forEach((name, value) -> {
            if (name instanceof String tenant && value instanceof Map<?, ?> one
                    && one.get("documents") instanceof Number documents
                    && one.get("documentFrequency") instanceof Map<?, ?> frequency) {
                Tenant t = new Tenant();
                t.documents = documents.longValue();
                frequency.forEach((word, count) -> {
                    if (word instanceof String w && count instanceof Number c && t.frequency.size() < MAX_WORDS) {
                        t.frequency.put(w, c.longValue());
                    }
                });
                tenants.put(tenant, t);
            }
        });
    }

    /** The most frequent words first, ties by word; caller holds the lock. */
    private static List<Map.Entry<String, Long>> ranked(Tenant t, int limit) {
        return t.frequency.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()))
                .limit(limit)
                .map(e -> Map.entry(e.getKey(), e.getValue()))
                .toList();
    }
}
