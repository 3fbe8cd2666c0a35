package io.trinity.pool.server;

import io.trinity.pool.PoolBuilder;

/** Servers for tests: real HTTP on an ephemeral loopback port, the test agents, three keys. */
final class TestServers {

    static final String ADMIN = "admin-key-0123456789";
    static final String ACME = "acme-key-0123456789";
    static final String GLOBEX = "globex-key-0123456789";

    private TestServers() {
    }

    static ApiKeys keys() {
        return ApiKeys.builder()
                .key(ADMIN, "ops", Role.ADMIN)
                .key(ACME, "acme", Role.TENANT)
                .key(GLOBEX, "globex", Role.TENANT)
                .build();
    }

    static PoolServer.Builder builder(PoolBuilder pool) {
        return PoolServer.builder().pool(pool, TestAgents.TYPES).keys(keys()).bind("127.0.0.1").port(0)
                .rateLimit(0, 1);
    }

    static PoolServer start(int maxAgents, int queueCapacity) {
        return builder(TestAgents.pool(maxAgents, queueCapacity)).build().start();
    }
}
