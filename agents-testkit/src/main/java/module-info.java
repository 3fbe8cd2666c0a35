/**
 * Test support for agents: {@link io.trinity.pool.agents.testing.FakeTaskContext} runs one agent
 * without a pool, {@link io.trinity.pool.agents.testing.FakeOpenAiServer} is an OpenAI-compatible
 * endpoint on loopback. For tests only; not a stable API.
 */
module io.trinity.pool.agents.testing {
    requires transitive io.trinity.pool;
    requires transitive com.fasterxml.jackson.databind;  // FakeOpenAiServer.requests holds JsonNode
    requires jdk.httpserver;

    exports io.trinity.pool.agents.testing;
}
