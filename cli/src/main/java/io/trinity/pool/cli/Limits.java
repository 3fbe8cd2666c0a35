package io.trinity.pool.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.budget.Budget;
import io.trinity.pool.limit.ResourceLimit;
import io.trinity.pool.tenant.TenantConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The {@code --limits FILE} of {@code tri simulate}: per-resource limits and prices, tenant
 * weights, limits and budgets, and which resources each agent type's tasks use (a trace has
 * no resource column). JSON, every section optional:
 *
 * <pre>{@code
 * {
 *   "resources": {"openai:gpt-4o": {"requestsPerMinute": 60, "tokensPerMinute": 10000,
 *                                   "maxConcurrent": 8, "maxPause": "60s", "pricePer1kTokens": 0.005}},
 *   "tenants":   {"acme": {"weight": 3, "maxQueued": 500, "maxRunning": 8,
 *                          "budgetTokens": 2000000, "budgetCost": 20}},
 *   "types":     {"code": {"openai:gpt-4o": 1500}},
 *   "fairnessCredit": "30s"
 * }
 * }</pre>
 *
 * Every mistake is a {@link UserError} naming the file, the field and the value. Every field is
 * checked here, including what the core's constructors check again, so no value reaches the
 * core to fail there as an internal error; token counts are bounded ({@link #MAX_TASK_TOKENS},
 * {@link #MAX_TOKENS}) so that no sum of them comes near a {@code long}'s range.
 */
record Limits(Map<String, ResourceLimit> resources, Map<String, Double> prices, Map<String, TenantConfig> tenants,
              Map<String, Map<String, Long>> typeResources, Duration fairnessCredit) {

    static final Limits NONE = new Limits(Map.of(), Map.of(), Map.of(), Map.of(), null);

    /**
     * The most tokens one task may estimate for one resource: far above any model call, and low
     * enough that a pool's sums of estimates and spend stay exact in a {@code long}.
     */
    static final long MAX_TASK_TOKENS = 1_000_000_000_000L;
    /** The most tokens a tenant's budget or a resource's tokens per minute may name (10^15). */
    static final long MAX_TOKENS = 1_000_000_000_000_000L;

    private static final Set<String> TOP = Set.of("resources", "tenants", "types", "fairnessCredit");
    private static final Set<String> RESOURCE = Set.of("requestsPerMinute", "tokensPerMinute", "maxConcurrent",
            "maxPause", "defaultPause", "pricePer1kTokens");
    private static final Set<String> TENANT = Set.of("weight", "maxQueued", "maxRunning", "budgetTokens", "budgetCost");

    static Limits read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserError("--limits: file not found: " + file + " (a JSON object with resources, tenants and types;"
                    + " see docs/fairness.md)");
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UserError("--limits " + file + ": not valid JSON (" + e.getOriginalMessage() + ", line "
                    + e.getLocation().getLineNr() + ")", e);
        } catch (IOException e) {
            throw new UserError("--limits: cannot read " + file + " (" + UserError.reason(e) + ")", e);
        }
        return parse(file.toString(), root);
    }

    static Limits parse(String name, JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new UserError("--limits " + name + ": expected a JSON object with resources, tenants and types");
        }
        onlyKnown(name, "", root, TOP);
        Map<String, ResourceLimit> resources = new LinkedHashMap<>();
        Map<String, Double> prices = new LinkedHashMap<>();
        Map<String, TenantConfig> tenants = new LinkedHashMap<>();
        Map<String, Map<String, Long>> types = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, JsonNode> e : fields(name, "resources", root.get("resources"))) {
                String where = "resources." + e.getKey();
                JsonNode r = object(name, where, e.getValue());
                onlyKnown(name, where + ".", r, RESOURCE);
                ResourceLimit l = ResourceLimit.of(e.getKey())
                        .withRequestsPerMinute((int) wholeField(name, where + ".requestsPerMinute", r, 0, Integer.MAX_VALUE))
                        .withTokensPerMinute(wholeField(name, where + ".tokensPerMinute", r, 0, MAX_TOKENS))
                        .withMaxConcurrent((int) wholeField(name, where + ".maxConcurrent", r, 0, Integer.MAX_VALUE));
                if (r.has("maxPause")) {
                    l = l.withMaxPause(positiveDuration(name, where + ".maxPause", r.get("maxPause")));
                }
                if (r.has("defaultPause")) {
                    l = l.withDefaultPause(positiveDuration(name, where + ".defaultPause", r.get("defaultPause")));
                }
                resources.put(e.getKey(), l);
                if (r.has("pricePer1kTokens")) {
                    prices.put(e.getKey(), number(name, where + ".pricePer1kTokens", r.get("pricePer1kTokens"), true));
                }
            }
            for (Map.Entry<String, JsonNode> e : fields(name, "tenants", root.get("tenants"))) {
                String where = "tenants." + e.getKey();
                JsonNode t = object(name, where, e.getValue());
                onlyKnown(name, where + ".", t, TENANT);
                TenantConfig c = TenantConfig.of(e.getKey());
                if (t.has("weight")) {
                    c = c.withWeight(number(name, where + ".weight", t.get("weight"), false));
                }
                if (t.has("maxQueued")) {
                    c = c.withMaxQueued((int) wholeField(name, where + ".maxQueued", t, 1, Integer.MAX_VALUE));
                }
                if (t.has("maxRunning")) {
                    c = c.withMaxRunning((int) wholeField(name, where + ".maxRunning", t, 1, Integer.MAX_VALUE));
                }
                long tokens = t.has("budgetTokens") ? wholeField(name, where + ".budgetTokens", t, 0, MAX_TOKENS) : Long.MAX_VALUE;
                double cost = t.has("budgetCost") ? number(name, where + ".budgetCost", t.get("budgetCost"), true)
                        : Double.POSITIVE_INFINITY;
                tenants.put(e.getKey(), c.withBudget(new Budget(tokens, cost)));
            }
            for (Map.Entry<String, JsonNode> e : fields(name, "types", root.get("types"))) {
                String where = "types." + e.getKey();
                Map<String, Long> uses = new LinkedHashMap<>();
                for (Map.Entry<String, JsonNode> u : fields(name, where, object(name, where, e.getValue()))) {
                    uses.put(u.getKey(), whole(name, where + "." + u.getKey(), u.getValue(), 0, MAX_TASK_TOKENS));
                }
                types.put(e.getKey(), uses);
            }
        } catch (IllegalArgumentException bad) {
            throw new UserError("--limits " + name + ": " + bad.getMessage(), bad);
        }
        Duration credit = root.has("fairnessCredit") ? duration(name, "fairnessCredit", root.get("fairnessCredit")) : null;
        return new Limits(resources, prices, tenants, types, credit);
    }

    /** {@code base} with these limits, tenants, prices and credit added. */
    PoolConfig applyTo(PoolConfig base) {
        PoolConfig.Builder b = PoolConfig.from(base);
        try {
            resources.values().forEach(b::resourceLimit);
            prices.forEach(b::price);
            tenants.values().forEach(b::tenant);
            if (fairnessCredit != null) {
                b.fairnessCredit(fairnessCredit);
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            // parse() checks every field itself; this keeps a check the core adds later a usage error
            throw new UserError("--limits: " + e.getMessage(), e);
        }
    }

    boolean isEmpty() {
        return resources.isEmpty() && tenants.isEmpty() && typeResources.isEmpty() && fairnessCredit == null;
    }

    private static Iterable<Map.Entry<String, JsonNode>> fields(String name, String where, JsonNode node) {
        if (node == null || node.isNull()) {
            return java.util.List.of();
        }
        Iterator<Map.Entry<String, JsonNode>> it = object(name, where, node).fields();
        return () -> it;
    }

    private static JsonNode object(String name, String where, JsonNode node) {
        if (!node.isObject()) {
            throw new UserError("--limits " + name + ": " + where + " must be a JSON object, got " + node);
        }
        return node;
    }

    private static void onlyKnown(String name, String prefix, JsonNode node, Set<String> known) {
        node.fieldNames().forEachRemaining(f -> {
            if (!known.contains(f)) {
                throw new UserError("--limits " + name + ": unknown field " + prefix + f + "; expected one of "
                        + new java.util.TreeSet<>(known));
            }
        });
    }

    /** A whole-number field of {@code parent} (0 when absent); {@code where} ends with the field name. */
    private static long wholeField(String name, String where, JsonNode parent, long min, long max) {
        JsonNode v = parent.get(where.substring(where.lastIndexOf('.') + 1));
        return v == null || v.isNull() ? 0 : whole(name, where, v, min, max);
    }

    private static long whole(String name, String where, JsonNode v, long min, long max) {
        if (!v.canConvertToLong() || !v.isIntegralNumber() || v.asLong() < min || v.asLong() > max) {
            throw new UserError("--limits " + name + ": " + where + " must be a whole number between " + min + " and "
                    + max + ", got " + v);
        }
        return v.asLong();
    }

    /** A finite number, {@code >= 0} when {@code zeroAllowed}, else {@code > 0}. */
    private static double number(String name, String where, JsonNode v, boolean zeroAllowed) {
        double d = v.asDouble();
        if (!v.isNumber() || !Double.isFinite(d) || d < 0 || (d == 0 && !zeroAllowed)) {
            throw new UserError("--limits " + name + ": " + where + " must be a finite number " + (zeroAllowed ? ">= 0" : "> 0")
                    + ", got " + v);
        }
        return d;
    }

    private static Duration positiveDuration(String name, String where, JsonNode v) {
        Duration d = duration(name, where, v);
        if (d.isZero()) {
            throw new UserError("--limits " + name + ": " + where + " must be longer than 0, got " + v);
        }
        return d;
    }

    private static Duration duration(String name, String where, JsonNode v) {
        try {
            return DurationConverter.parse(v.asText());
        } catch (RuntimeException e) {
            throw new UserError("--limits " + name + ": " + where + ": " + e.getMessage(), e);
        }
    }
}
