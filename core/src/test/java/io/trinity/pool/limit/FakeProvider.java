package io.trinity.pool.limit;

import io.trinity.pool.Payload;
import io.trinity.pool.agent.AgentFactory;
import io.trinity.pool.agent.AsyncAgent;
import io.trinity.pool.agent.RateLimitedException;
import io.trinity.pool.agent.TaskContext;
import io.trinity.pool.time.PoolClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * A model provider as the test sees it: it logs every request it receives (time, resource,
 * tokens) and can answer 429 with a Retry-After, per a rule the test sets. Agents built by
 * {@link #agents} call it at the start of a task (resource and tokens from the task input),
 * work {@code ms} on the clock, then report the tokens as usage.
 */
final class FakeProvider {

    record Request(long nanos, String resource, long tokens, boolean refused) {
    }

    final PoolClock clock;
    final List<Request> requests = new ArrayList<>();
    /** Returns a Retry-After to refuse a request (Duration.ZERO: refuse without a hint), or null to serve it. */
    Function<Request, Duration> refuse = r -> null;

    FakeProvider(PoolClock clock) {
        this.clock = clock;
    }

    AgentFactory agents() {
        return init -> new AsyncAgent() {
            @Override
            public CompletionStage<Payload> executeAsync(TaskContext ctx) {
                Map<String, Object> in = ctx.data();
                CompletableFuture<Payload> done = new CompletableFuture<>();
                String resource = (String) in.get("resource");
                long ms = ((Number) in.getOrDefault("ms", 1000)).longValue();
                if (resource == null) {
                    clock.schedule(Duration.ofMillis(ms), () -> done.complete(Payload.EMPTY));
                    return done;
                }
                long tokens = ((Number) in.get("tokens")).longValue();
                Request req = new Request(clock.nanoTime(), resource, tokens, false);
                Duration hint = refuse.apply(req);
                if (hint != null) {
                    requests.add(new Request(req.nanos(), resource, 0, true));
                    done.completeExceptionally(new RateLimitedException(resource, hint.isZero() ? null : hint));
                    return done;
                }
                requests.add(req);
                clock.schedule(Duration.ofMillis(ms), () -> {
                    ctx.reportUsage(resource, tokens);
                    done.complete(Payload.of(Map.of("tokens", tokens)));
                });
                return done;
            }
        };
    }

    List<Request> served(String resource) {
        return requests.stream().filter(r -> r.resource().equals(resource) && !r.refused()).toList();
    }

    /** The most requests and tokens in any half-open window of {@code windowNanos}, over served requests. */
    static long[] maxInWindow(List<Request> served, long windowNanos) {
        long maxCount = 0;
        long maxTokens = 0;
        int lo = 0;
        long tokens = 0;
        // windows (t - W, t] ending at each request; by the argument in ResourcePacer these cover every window
        for (int hi = 0; hi < served.size(); hi++) {
            tokens += served.get(hi).tokens();
            while (served.get(lo).nanos() <= served.get(hi).nanos() - windowNanos) {
                tokens -= served.get(lo).tokens();
                lo++;
            }
            maxCount = Math.max(maxCount, hi - lo + 1);
            maxTokens = Math.max(maxTokens, tokens);
        }
        long[] startAnchored = startAnchored(served, windowNanos);
        return new long[] {Math.max(maxCount, startAnchored[0]), Math.max(maxTokens, startAnchored[1])};
    }

    /** Windows [t, t + W) starting at each request. */
    private static long[] startAnchored(List<Request> served, long windowNanos) {
        long maxCount = 0;
        long maxTokens = 0;
        int hi = 0;
        long tokens = 0;
        for (int lo = 0; lo < served.size(); lo++) {
            while (hi < served.size() && served.get(hi).nanos() < served.get(lo).nanos() + windowNanos) {
                tokens += served.get(hi).tokens();
                hi++;
            }
            maxCount = Math.max(maxCount, hi - lo);
            maxTokens = Math.max(maxTokens, tokens);
            tokens -= served.get(lo).tokens();
        }
        return new long[] {maxCount, maxTokens};
    }
}
