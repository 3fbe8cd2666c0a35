package io.trinity.pool;

/**
 * Thrown by submit when the task's tenant already has its maximum of tasks queued: this task
 * was not accepted. Other tenants are unaffected.
 */
public final class TenantLimitException extends PoolException {
    private final String tenant;
    private final int limit;

    public TenantLimitException(String tenant, int limit) {
        super("tenant '" + tenant + "' already has " + limit + " tasks queued, its maxQueued limit; retry after some"
                + " finish, or raise maxQueued of tenant '" + tenant + "'");
        this.tenant = tenant;
        this.limit = limit;
    }

    public String tenant() {
        return tenant;
    }

    /** The tenant's maxQueued. */
    public int limit() {
        return limit;
    }
}
