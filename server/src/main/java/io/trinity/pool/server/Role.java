package io.trinity.pool.server;

import io.javalin.security.RouteRole;

/**
 * Who may call a route. A key has {@link #TENANT} or {@link #ADMIN}; a route also may be
 * {@link #PUBLIC} (health, metrics, the dashboard's files, the OpenAPI document).
 */
public enum Role implements RouteRole {
    /** No key needed. */
    PUBLIC,
    /** Any valid key; a tenant key sees only its own tasks. */
    TENANT,
    /** Admin keys only: the pool, its agents, dead letters and tenants; all tasks. */
    ADMIN;

    /** The name used in the keys file. */
    String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
