package io.trinity.pool;

/**
 * Thrown by submit when the task's tenant already has its maximum of tasks queued: this task
 * was not accepted. Other tenants are unaffected.
 */
public final class TenantLimitException extends PoolException {
    /** The tenant at its limit. */
    private final String tenant;
    /** The tenant's maxQueued. */
    private final int limit;

    /**
     * Creates the exception.
     *
     * @param tenant the tenant's name
     * @param limit the tenant's maxQueued
     */
    public TenantLimitException(String tenant, int limit) {
        super("tenant '" + tenant + "' already has " + limit + " tasks queued, its maxQueued limit; retry after some"
                + " finish, or raise maxQueued of tenant '" + tenant + "'");
        this.tenant = tenant;
        this.limit = limit;
    }

    /** {@return the name of the tenant at its limit} */
    public String tenant() {
        return tenant;
    }

    /** {@return the tenant's maxQueued} */
    public int limit() {
        return limit;
    }
}
