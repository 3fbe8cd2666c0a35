package io.trinity.pool.limit;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Paces the use of rate-limited resources, pool-wide: a task starts only when each of its
 * resources has room for one more request and its token estimate in the last minute, a free
 * concurrency slot, and no pause in force.
 *
 * <p><b>Why a sliding log, not a token bucket.</b> Providers count per rolling minute. A token
 * bucket of rate r/min and burst b lets b + r through in some 60-second window, so it either
 * breaks the quota (b &gt; 0) or throttles below it. Here each resource keeps the requests it
 * admitted in the last 60 s ({@link Grant}s, oldest first) with their tokens: a request is
 * admitted when {@code count < requestsPerMinute} and {@code tokens + estimate <=
 * tokensPerMinute} over that window. That holds the limit in <em>every</em> 60-second window
 * and, with demand waiting, reaches it exactly; memory is one small object per admitted request
 * of the last minute.
 *
 * <p><b>Correction.</b> A grant counts the task's estimate until the task ends; then
 * {@link #release} replaces it by the tokens the agent reported (a refund or a further
 * charge), so good estimates matter only for the requests in flight.
 *
 * <p><b>Pauses.</b> {@link #pause} (a provider's 429) holds the resource until the hint has
 * passed, capped at the resource's {@code maxPause}.
 *
 * <p>All times are the pool clock's nanoseconds. Not thread-safe: owned by the control loop.
 */
public final class ResourcePacer {

    /** The rolling window the per-minute limits hold in: 60 seconds, in nanoseconds. */
    public static final long WINDOW_NANOS = Duration.ofMinutes(1).toNanos();

    /** Why a task must wait for a resource. */
    public enum Reason {
        /** A provider's 429 paused the resource. */
        PAUSED,
        /** The last 60 s already hold {@code requestsPerMinute} requests. */
        REQUESTS_PER_MINUTE,
        /** The task's estimate would take the last 60 s past {@code tokensPerMinute}. */
        TOKENS_PER_MINUTE,
        /** {@code maxConcurrent} requests are in flight. */
        CONCURRENCY;

        /** {@return the event-log spelling: the name in lower case} */
        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * A resource cannot take a task now.
     *
     * @param resource the resource key
     * @param reason which limit holds it
     * @param until the earliest pool-clock time, in nanoseconds, it may; {@link Long#MAX_VALUE} when that
     *     depends on a running task ending (concurrency)
     */
    public record Hold(String resource, Reason reason, long until) {
    }

    private final Map<String, ResourceLimit> limits;
    private final Map<String, Meter> meters = new HashMap<>();

    /**
     * A pacer for these limits; resources without one are not paced but still pause on a 429.
     *
     * @param limits the limits by resource key, copied
     */
    public ResourcePacer(Map<String, ResourceLimit> limits) {
        this.limits = Map.copyOf(limits);
    }

    /**
     * The limits of a resource.
     *
     * @param resource the resource key
     * @return its registered limits, or {@link ResourceLimit#of(String)} (no limits) if none
     */
    public ResourceLimit limit(String resource) {
        ResourceLimit l = limits.get(resource);
        return l != null ? l : ResourceLimit.of(resource);
    }

    /**
     * Whether a resource can take one more request now.
     *
     * @param resource the resource key
     * @param tokens the request's token estimate, {@code >= 0}
     * @param now the pool clock's time, in nanoseconds
     * @return null if it can; else the hold that says why not and until when
     */
    public Hold check(String resource, long tokens, long now) {
        Meter m = meters.get(resource);
        if (m == null) {
            ResourceLimit l = limits.get(resource);
            if (l == null || l.tokensPerMinute() == 0 || tokens <= l.tokensPerMinute()) {
                return null; // nothing recorded yet: an empty window admits anything that fits the limit
            }
            m = meter(resource);
        }
        return m.check(tokens, now);
    }

    /**
     * Records a request starting now, counting its estimate; call only after {@link #check} returned null at
     * the same {@code now}.
     *
     * @param resource the resource key
     * @param tokens the request's token estimate, {@code >= 0}
     * @param now the pool clock's time, in nanoseconds
     * @return the grant, to {@link #release} when the request ends
     */
    public Grant acquire(String resource, long tokens, long now) {
        Meter m = meter(resource);
        m.evict(now);
        Grant g = new Grant(resource, now, tokens, 1);
        m.window.addLast(g);
        m.windowRequests++;
        m.windowTokens += tokens;
        m.inFlight++;
        return g;
    }

    /**
     * Counts requests and tokens a previous run of the pool recorded (read back from a journal),
     * as ended requests that started at {@code startNanos}: they hold the window until
     * {@code startNanos + 60 s}, like requests admitted in this run. Call before any
     * {@link #acquire}, oldest first; a record older than the window is ignored.
     *
     * @param resource the resource key
     * @param startNanos when they started, on this pool's clock (may be in the past)
     * @param requests requests to count, {@code >= 0}
     * @param tokens tokens to count, {@code >= 0}
     * @param now the pool clock's time, in nanoseconds
     * @throws IllegalArgumentException if {@code requests} or {@code tokens} is negative
     */
    public void restore(String resource, long startNanos, int requests, long tokens, long now) {
        if (requests < 0 || tokens < 0) {
            throw new IllegalArgumentException("restore of '" + resource + "' needs requests >= 0 and tokens >= 0 (got"
                    + " requests=" + requests + ", tokens=" + tokens + ")");
        }
        if ((requests == 0 && tokens == 0) || startNanos + WINDOW_NANOS <= now) {
            return;
        }
        Meter m = meter(resource);
        Grant g = new Grant(resource, startNanos, tokens, requests);
        g.released = true;
        // the window must stay in start order for eviction: insert behind the last one not later
        java.util.ArrayList<Grant> later = new java.util.ArrayList<>();
        while (!m.window.isEmpty() && m.window.peekLast().startNanos > startNanos) {
            later.add(m.window.pollLast());
        }
        m.window.addLast(g);
        for (int i = later.size() - 1; i >= 0; i--) {
            m.window.addLast(later.get(i));
        }
        m.windowRequests += requests;
        m.windowTokens += tokens;
    }

    /**
     * Whether a resource has a per-minute limit, the state a restart must not forget.
     *
     * @param resource the resource key
     * @return true if it has a requests or tokens per minute limit
     */
    public boolean pacesPerMinute(String resource) {
        ResourceLimit l = limits.get(resource);
        return l != null && (l.requestsPerMinute() > 0 || l.tokensPerMinute() > 0);
    }

    /**
     * The request ended: its concurrency slot is free and, while it is still in the window, its tokens become
     * the reported ones. Releasing a grant twice does nothing.
     *
     * @param g the grant from {@link #acquire}
     * @param actualTokens the tokens the agent reported, or {@code -1} to keep the estimate
     */
    public void release(Grant g, long actualTokens) {
        if (g.released) {
            return;
        }
        g.released = true;
        Meter m = meters.get(g.resource);
        m.inFlight--;
        if (actualTokens >= 0 && actualTokens != g.tokens) {
            if (g.inWindow) {
                m.windowTokens += actualTokens - g.tokens;
            }
            g.tokens = actualTokens;
        }
    }

    /**
     * The provider refused: holds the resource for the hint, capped at its maxPause (its defaultPause when
     * the hint is missing or not positive). A longer pause in force is kept.
     *
     * @param resource the resource key
     * @param hint the provider's retry-after, or null
     * @param now the pool clock's time, in nanoseconds
     * @return the pause applied, in nanoseconds
     */
    public long pause(String resource, Duration hint, long now) {
        ResourceLimit l = limit(resource);
        long nanos = hint == null || hint.isNegative() || hint.isZero()
                ? l.defaultPause().toNanos()
                : Math.min(hint.toNanos(), l.maxPause().toNanos());
        Meter m = meter(resource);
        m.pausedUntil = Math.max(m.pausedUntil, now + nanos);
        return nanos;
    }

    /**
     * When a pause of a resource ends.
     *
     * @param resource the resource key
     * @return the pool-clock time in nanoseconds; {@link Long#MIN_VALUE} if it was never paused, and in the
     *     past once a pause is over
     */
    public long pausedUntil(String resource) {
        Meter m = meters.get(resource);
        return m == null ? Long.MIN_VALUE : m.pausedUntil;
    }

    /**
     * Counts the requests admitted in the 60 s ending at {@code now}.
     *
     * @param resource the resource key
     * @param now the pool clock's time, in nanoseconds
     * @return requests, 0 or more
     */
    public int requestsInWindow(String resource, long now) {
        Meter m = meters.get(resource);
        if (m == null) {
            return 0;
        }
        m.evict(now);
        return m.windowRequests;
    }

    /**
     * Sums the tokens counted in the 60 s ending at {@code now}: estimates for requests still running,
     * reported usage for ended ones.
     *
     * @param resource the resource key
     * @param now the pool clock's time, in nanoseconds
     * @return tokens, 0 or more
     */
    public long tokensInWindow(String resource, long now) {
        Meter m = meters.get(resource);
        if (m == null) {
            return 0;
        }
        m.evict(now);
        return m.windowTokens;
    }

    /**
     * Counts a resource's requests that started and have not been released.
     *
     * @param resource the resource key
     * @return requests in flight
     */
    public int inFlight(String resource) {
        Meter m = meters.get(resource);
        return m == null ? 0 : m.inFlight;
    }

    private Meter meter(String resource) {
        return meters.computeIfAbsent(resource, k -> new Meter(limit(k)));
    }

    /** One admitted request: its resource, start and tokens (estimate, then actual). */
    public static final class Grant {
        final String resource;
        final long startNanos;
        /** 1 for a request of this run; what a journal recorded for a restored one (0 for tokens alone). */
        final int requests;
        long tokens;
        boolean inWindow = true;
        boolean released;

        Grant(String resource, long startNanos, long tokens, int requests) {
            this.resource = resource;
            this.startNanos = startNanos;
            this.tokens = tokens;
            this.requests = requests;
        }

        /** {@return the key of the resource the request used} */
        public String resource() {
            return resource;
        }

        /** {@return the tokens it counts: the estimate until released, then the reported usage} */
        public long tokens() {
            return tokens;
        }
    }

    private static final class Meter {
        final ResourceLimit limit;
        final ArrayDeque<Grant> window = new ArrayDeque<>();
        int windowRequests;
        long windowTokens;
        int inFlight;
        long pausedUntil = Long.MIN_VALUE;

        Meter(ResourceLimit limit) {
            this.limit = limit;
        }

        /** A grant started at t counts while now < t + W: so every half-open 60 s window holds the limit. */
        void evict(long now) {
            Grant g;
            while ((g = window.peekFirst()) != null && g.startNanos + WINDOW_NANOS <= now) {
                window.pollFirst();
                g.inWindow = false;
                windowRequests -= g.requests;
                windowTokens -= g.tokens;
            }
        }

        Hold check(long tokens, long now) {
            evict(now);
            if (pausedUntil > now) {
                return new Hold(limit.resource(), Reason.PAUSED, pausedUntil);
            }
            if (limit.maxConcurrent() > 0 && inFlight >= limit.maxConcurrent()) {
                return new Hold(limit.resource(), Reason.CONCURRENCY, Long.MAX_VALUE);
            }
            int rpm = limit.requestsPerMinute();
            if (rpm > 0 && windowRequests >= rpm) {
                // room comes when enough of the oldest grants leave the window
                int leave = windowRequests - rpm + 1;
                Iterator<Grant> it = window.iterator();
                Grant g = null;
                for (int left = 0; left < leave; left += g.requests) {
                    g = it.next();
                }
                return new Hold(limit.resource(), Reason.REQUESTS_PER_MINUTE, g.startNanos + WINDOW_NANOS);
            }
            long tpm = limit.tokensPerMinute();
            // written as a difference: windowTokens + tokens could wrap with a limit near Long.MAX_VALUE
            if (tpm > 0 && tokens > tpm - windowTokens) {
                long excess = tokens - (tpm - windowTokens);
                long freed = 0;
                for (Grant g : window) {
                    freed += g.tokens;
                    if (freed >= excess) {
                        return new Hold(limit.resource(), Reason.TOKENS_PER_MINUTE, g.startNanos + WINDOW_NANOS);
                    }
                }
                return new Hold(limit.resource(), Reason.TOKENS_PER_MINUTE, Long.MAX_VALUE);
            }
            return null;
        }
    }
}
