package io.trinity.pool.server;

import io.javalin.http.Context;
import io.javalin.security.RouteRole;
import java.util.Set;

/**
 * Runs before every matched route: a route's {@link Role} says who may call it. Checks the
 * bearer key (401), the key's request rate (429) and the role (403), in that order, and leaves
 * the caller on the context for the handler.
 */
final class Auth {

    private static final String PRINCIPAL = "trinity.principal";

    private final ApiKeys keys;
    private final RateLimiter limiter;

    Auth(ApiKeys keys, RateLimiter limiter) {
        this.keys = keys;
        this.limiter = limiter;
    }

    void check(Context ctx) {
        Set<RouteRole> roles = ctx.routeRoles();
        if (roles.isEmpty() || roles.contains(Role.PUBLIC)) {
            return;
        }
        Principal p = authenticate(ctx.header("Authorization"), roles.contains(Role.ADMIN));
        ctx.attribute(PRINCIPAL, p);
    }

    /**
     * The caller a bearer {@code header} names, checked as a route of the given role checks it:
     * 401 without a known key, 429 past the key's request rate, 403 for a tenant key on an admin
     * route. Also the check of a call that did not come through the HTTP routes
     * ({@link PoolServer#submit}).
     */
    Principal authenticate(String header, boolean adminRoute) {
        if (header == null || header.length() < 8 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw unauthorized("send your API key as 'Authorization: Bearer KEY'");
        }
        Principal p = keys.authenticate(header.substring(7).trim())
                .orElseThrow(() -> unauthorized("the API key is not known; check the key, or ask an admin for one"));
        long waitNanos = limiter.acquire(p.keyId());
        if (waitNanos > 0) {
            long seconds = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
            throw new ApiError(429, "request rate limit of this key exceeded; retry after " + seconds + " s", null)
                    .with("reason", "rate_limit").header("Retry-After", String.valueOf(seconds));
        }
        if (adminRoute && !p.isAdmin()) {
            throw new ApiError(403, "this route needs an admin key; the key of tenant " + Views.quote(p.tenant())
                    + " is a tenant key", null);
        }
        return p;
    }

    /** The caller of a route that is not public. */
    static Principal principal(Context ctx) {
        Principal p = ctx.attribute(PRINCIPAL);
        if (p == null) {
            throw new IllegalStateException("route " + ctx.path() + " has no role; give it TENANT or ADMIN");
        }
        return p;
    }

    private static ApiError unauthorized(String message) {
        return new ApiError(401, message, null).header("WWW-Authenticate", "Bearer realm=\"trinity\"");
    }
}
