package io.trinity.pool.server;

import static io.trinity.pool.server.TestServers.ACME;
import static io.trinity.pool.server.TestServers.ADMIN;
import static io.trinity.pool.server.TestServers.GLOBEX;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/** The admin routes: 403 for tenant keys; the pool, agents, dead letters and resubmission, tenants. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdminApiTest {

    private PoolServer server;
    private Http http;

    @BeforeAll
    void start() {
        server = TestServers.start(3, 100);
        http = new Http(server.url());
    }

    @AfterAll
    void stop() {
        server.drain(Duration.ofSeconds(5));
    }

    @Test
    void tenantKeysGet403OnEveryAdminRoute() {
        for (String path : List.of("/v1/pool", "/v1/agents", "/v1/dead-letters", "/v1/tenants")) {
            Http.Answer a = http.get(path, ACME);
            assertThat(a.status()).as(path).isEqualTo(403);
            assertThat(a.json().get("error").asText()).contains("admin key");
            assertThat(http.get(path, ADMIN).status()).as(path).isEqualTo(200);
        }
        Http.Answer resubmit = http.post("/v1/dead-letters/1/resubmit", GLOBEX, "");
        assertThat(resubmit.status()).isEqualTo(403);
    }

    @Test
    void poolShowsAgentsByTypeAndStateQueueByTypeAndTenantAndCounters() {
        String gate = UUID.randomUUID().toString();
        String body = "{\"type\": \"gate\", \"input\": {\"gate\": \"" + gate + "\"}}";
        for (int i = 0; i < 5; i++) {
            assertThat(http.post("/v1/tasks", i % 2 == 0 ? ACME : GLOBEX, body).status()).isEqualTo(202);
        }
        try {
            // three agents at most, so two of the five wait in the queue once the agents are up
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(
                    () -> http.get("/v1/pool", ADMIN).json().path("running").asInt() == 3);
            JsonNode p = http.get("/v1/pool", ADMIN).json();
            assertThat(p.at("/agents/byType/gate/BUSY").asInt()).isEqualTo(3);
            assertThat(p.at("/agents/byState/BUSY").asInt()).isEqualTo(3);
            assertThat(p.at("/agents/total").asInt()).isGreaterThanOrEqualTo(3);
            assertThat(p.at("/queue/depth").asInt()).isEqualTo(2);
            assertThat(p.at("/queue/byType/gate").asInt()).isEqualTo(2);
            assertThat(p.at("/queue/byTenant/acme").asInt() + p.at("/queue/byTenant/globex").asInt()).isEqualTo(2);
            assertThat(p.get("spawns").asLong()).isGreaterThanOrEqualTo(3);
            assertThat(p.has("destroys")).isTrue();
            assertThat(p.get("circuits").isObject()).isTrue();
            assertThat(p.get("accepting").asBoolean()).isTrue();

            JsonNode agents = http.get("/v1/agents", ADMIN).json().get("agents");
            assertThat(agents.size()).isGreaterThanOrEqualTo(3);
            assertThat(agents.get(0).has("id")).isTrue();
            assertThat(agents.toString()).contains("\"state\":\"BUSY\"", "\"type\":\"gate\"");
        } finally {
            TestAgents.open(gate);
        }
    }

    @Test
    void deadLettersAreListedAndResubmittedOnce() {
        Http.Answer a = http.post("/v1/tasks", ACME, "{\"type\": \"fail\"}");
        String id = a.json().get("id").asText();
        JsonNode t = http.get("/v1/tasks/" + id + "?wait=10s", ACME).json();
        assertThat(t.get("state").asText()).isEqualTo("DEAD_LETTERED");

        JsonNode letters = http.get("/v1/dead-letters", ADMIN).json().get("deadLetters");
        JsonNode letter = null;
        for (JsonNode d : letters) {
            if (d.get("id").asText().equals(id)) {
                letter = d;
            }
        }
        assertThat(letter).as("dead letter %s in %s", id, letters).isNotNull();
        assertThat(letter.get("tenant").asText()).isEqualTo("acme");
        assertThat(letter.get("type").asText()).isEqualTo("fail");
        assertThat(letter.get("reasons").toString()).contains("fails on purpose");

        Http.Answer again = http.post("/v1/dead-letters/" + id + "/resubmit", ADMIN, "");
        assertThat(again.status()).isEqualTo(202);
        String newId = again.json().get("id").asText();
        assertThat(newId).isNotEqualTo(id);
        // the new task belongs to the original tenant, who can follow it
        JsonNode resubmitted = http.get("/v1/tasks/" + newId + "?wait=10s", ACME).json();
        assertThat(resubmitted.get("tenant").asText()).isEqualTo("acme");
        assertThat(resubmitted.get("state").asText()).isEqualTo("DEAD_LETTERED");

        assertThat(http.post("/v1/dead-letters/" + id + "/resubmit", ADMIN, "").status()).isEqualTo(404);
        assertThat(http.post("/v1/dead-letters/nope/resubmit", ADMIN, "").status()).isEqualTo(404);
    }

    @Test
    void tenantsShowLimitsSpendAndShare() {
        String id = http.post("/v1/tasks", GLOBEX, "{\"type\": \"echo\"}").json().get("id").asText();
        http.get("/v1/tasks/" + id + "?wait=10s", GLOBEX);
        JsonNode tenants = http.get("/v1/tenants", ADMIN).json().get("tenants");
        JsonNode globex = null;
        for (JsonNode t : tenants) {
            if (t.get("name").asText().equals("globex")) {
                globex = t;
            }
        }
        assertThat(globex).isNotNull();
        assertThat(globex.get("weight").asDouble()).isEqualTo(1.0);
        assertThat(globex.get("fairShare").asDouble()).isBetween(0.0, 1.0);
        assertThat(globex.get("share").asDouble()).isBetween(0.0, 1.0);
        assertThat(globex.at("/limits/maxQueued").isNull()).isTrue();
        assertThat(globex.at("/spend/tokens").asLong()).isZero();
        assertThat(tenants.toString()).contains("\"name\":\"acme\"", "\"name\":\"ops\"");
    }
}
