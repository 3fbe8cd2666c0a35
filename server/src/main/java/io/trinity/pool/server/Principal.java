package io.trinity.pool.server;

/**
 * The caller of a request, as its key says.
 *
 * @param tenant the tenant its tasks are charged to
 * @param role   {@link Role#TENANT} or {@link Role#ADMIN}
 * @param keyId  a short, non-secret id of the key (the first hex digits of its SHA-256), for
 *               rate limits and logs; the key itself is never kept or logged
 */
public record Principal(String tenant, Role role, String keyId) {

    public boolean isAdmin() {
        return role == Role.ADMIN;
    }

    /** Whether this caller may see a task or event of {@code owner}. */
    boolean canSee(String owner) {
        return isAdmin() || tenant.equals(owner);
    }
}
