package io.trinity.pool.server;

import static io.trinity.pool.server.TestServers.ACME;
import static io.trinity.pool.server.TestServers.ADMIN;
import static io.trinity.pool.server.TestServers.GLOBEX;
import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.PoolBuilder;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.tenant.TenantConfig;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** 429s: a full queue and a tenant at its limit (both with Retry-After), and the per-key request rate. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LimitsTest {

    @Test
    void aFullQueueIs429WithRetryAfter() {
        String gate = UUID.randomUUID().toString();
        try (PoolServer server = TestServers.start(1, 2)) {
            Http http = new Http(server.url());
            Http.Answer refused = null;
            for (int i = 0; i < 10 && refused == null; i++) {
                Http.Answer a = http.post("/v1/tasks", ACME, "{\"type\": \"gate\", \"input\": {\"gate\": \"" + gate + "\"}}");
                if (a.status() == 429) {
                    refused = a;
                } else {
                    assertThat(a.status()).isEqualTo(202);
                }
            }
            assertThat(refused).as("a queue of 2 with one agent fills within 10 tasks").isNotNull();
            assertThat(refused.header("Retry-After")).isEqualTo("1");
            assertThat(refused.json().get("reason").asText()).isEqualTo("queue_full");
            assertThat(refused.json().get("capacity").asInt()).isEqualTo(2);
            assertThat(refused.json().get("error").asText()).contains("queue is full");
            TestAgents.open(gate);
        }
    }

    @Test
    void aTenantAtItsMaxQueuedIs429WhileOthersAreAccepted() {
        String gate = UUID.randomUUID().toString();
        PoolBuilder pool = TestAgents.register(io.trinity.pool.AgentPool.builder().config(PoolConfig.custom()
                .maxAgents(1).warmPoolMin(0).warmPool(0).warmPoolMax(0).queueCapacity(50)
                .tenant(TenantConfig.of("acme").withMaxQueued(1))
                .build()));
        try (PoolServer server = TestServers.builder(pool).build().start()) {
            Http http = new Http(server.url());
            String body = "{\"type\": \"gate\", \"input\": {\"gate\": \"" + gate + "\"}}";
            Http.Answer refused = null;
            for (int i = 0; i < 5 && refused == null; i++) {
                Http.Answer a = http.post("/v1/tasks", ACME, body);
                refused = a.status() == 429 ? a : null;
            }
            assertThat(refused).isNotNull();
            assertThat(refused.header("Retry-After")).isEqualTo("1");
            assertThat(refused.json().get("reason").asText()).isEqualTo("tenant_limit");
            assertThat(refused.json().get("tenant").asText()).isEqualTo("acme");
            assertThat(http.post("/v1/tasks", GLOBEX, body).status()).isEqualTo(202);
            assertThat(http.get("/v1/tenants", ADMIN).json().get("tenants").toString()).contains("\"maxQueued\":1");
            TestAgents.open(gate);
        }
    }

    @Test
    void eachKeyHasItsOwnRequestRate() {
        // one token per 1000 s: the burst of 3 is all a key gets during the test
        try (PoolServer server = TestServers.builder(TestAgents.pool(1, 10)).rateLimit(0.001, 3).build().start()) {
            Http http = new Http(server.url());
            for (int i = 0; i < 3; i++) {
                assertThat(http.get("/v1/me", ACME).status()).isEqualTo(200);
            }
            Http.Answer limited = http.get("/v1/me", ACME);
            assertThat(limited.status()).isEqualTo(429);
            assertThat(limited.json().get("reason").asText()).isEqualTo("rate_limit");
            assertThat(Long.parseLong(limited.header("Retry-After"))).isBetween(1L, 1000L);
            assertThat(http.get("/v1/me", GLOBEX).status()).isEqualTo(200);
            // public routes are not rate limited
            assertThat(http.get("/healthz", null).status()).isEqualTo(200);
        }
    }

    @Test
    void bindingBeyondLoopbackWithoutKeysIsRefused() {
        PoolServer.Builder b = PoolServer.builder().pool(TestAgents.pool(1, 10), TestAgents.TYPES).bind("0.0.0.0").port(0);
        org.assertj.core.api.Assertions.assertThatThrownBy(b::build)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("refusing to bind 0.0.0.0 without a keys file");
    }

    @Test
    void withoutKeysOneAdminKeyIsGenerated() {
        try (PoolServer server = PoolServer.builder().pool(TestAgents.pool(1, 10), TestAgents.TYPES).port(0).build().start()) {
            String key = server.generatedAdminKey().orElseThrow();
            Http http = new Http(server.url());
            assertThat(http.get("/v1/pool", key).status()).isEqualTo(200);
            assertThat(server.url()).startsWith("http://127.0.0.1:");
        }
    }
}
