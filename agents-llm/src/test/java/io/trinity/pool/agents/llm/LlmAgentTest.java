package io.trinity.pool.agents.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.trinity.pool.agent.Agent;
import io.trinity.pool.agent.AgentInit;
import io.trinity.pool.agent.NonRetryableException;
import io.trinity.pool.agents.testing.FakeOpenAiServer;
import io.trinity.pool.agents.testing.FakeTaskContext;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LlmAgentTest {

    private static final AgentInit INIT = new AgentInit("llm-1", "llm", Optional.empty());

    private FakeOpenAiServer server;
    private Agent agent;

    @BeforeEach
    void start() throws Exception {
        server = new FakeOpenAiServer();
        LlmSettings settings = LlmSettings.builder().provider("local").baseUrl(server.baseUrl())
                .model("tiny-7b").apiKey("test-key").timeout(Duration.ofSeconds(20)).build();
        agent = LlmAgent.factory(settings).create(INIT);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void sendsTheConversationAndParsesAnswerAndUsage() throws Exception {
        FakeTaskContext ctx = FakeTaskContext.of("llm", Map.of(
                "system", "You reverse words.", "prompt", "one two three four five",
                "maxTokens", 50L, "temperature", 0.25));
        Map<String, Object> out = agent.execute(ctx).data();

        assertThat(server.requests).hasSize(1);
        JsonNode request = server.requests.get(0);
        assertThat(request.path("model").asText()).isEqualTo("tiny-7b");
        assertThat(request.path("messages")).hasSize(2);
        assertThat(request.path("messages").get(0).path("role").asText()).isEqualTo("system");
        assertThat(request.path("messages").get(0).path("content").asText()).isEqualTo("You reverse words.");
        assertThat(request.path("messages").get(1).path("role").asText()).isEqualTo("user");
        assertThat(request.path("messages").get(1).path("content").asText()).isEqualTo("one two three four five");
        assertThat(request.path("temperature").asDouble()).isEqualTo(0.25);
        assertThat(request.path("max_tokens").asInt(request.path("max_completion_tokens").asInt())).isEqualTo(50);
        assertThat(server.requestHeaders.get(0).get("Authorization")).containsExactly("Bearer test-key");

        assertThat(out.get("text")).isEqualTo("five four three two one");
        assertThat(out.get("model")).isEqualTo("tiny-7b-served");
        // prompt: 3 system words + 5 user words; completion: 5 words
        assertThat(out.get("usage")).isEqualTo(Map.of("inputTokens", 8L, "outputTokens", 5L, "totalTokens", 13L));
        assertThat(ctx.usage).isEqualTo(Map.of("local:tiny-7b", 13L));
        assertThat(ctx.notes).contains("calling local:tiny-7b", "answered by local:tiny-7b");
        assertThat(ctx.progress).last().isEqualTo(1.0);
    }

    @Test
    void withoutSystemOnlyTheUserMessageIsSent() throws Exception {
        FakeTaskContext ctx = FakeTaskContext.of("llm", Map.of("prompt", "alpha beta"));
        Map<String, Object> out = agent.execute(ctx).data();
        assertThat(server.requests.get(0).path("messages")).hasSize(1);
        assertThat(server.requests.get(0).has("temperature")).isFalse();
        assertThat(out.get("text")).isEqualTo("beta alpha");
        assertThat(ctx.usage).containsEntry("local:tiny-7b", 4L);
    }

    @Test
    void rateLimitCarriesResourceAndRetryAfter() {
        server.failNext(429, Map.of("Retry-After", "7"),
                "{\"error\":{\"message\":\"Rate limit reached for requests\",\"type\":\"requests\"}}");
        FakeTaskContext ctx = FakeTaskContext.of("llm", Map.of("prompt", "hello"));
        assertThatThrownBy(() -> agent.execute(ctx))
                .isInstanceOfSatisfying(ProviderRateLimitedException.class, e -> {
                    assertThat(e.resourceKey()).isEqualTo("local:tiny-7b");
                    assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
                    assertThat(e.getMessage()).contains("HTTP 429", "Rate limit reached for requests", "retry after 7 s");
                });
        assertThat(server.requests).hasSize(1); // LangChain4j did not retry behind the pool's back
        assertThat(ctx.usage).isEmpty();
    }

    @Test
    void rateLimitWithoutRetryAfter() {
        server.failNext(429, Map.of(), "{\"error\":{\"message\":\"slow down\"}}");
        assertThatThrownBy(() -> agent.execute(FakeTaskContext.of("llm", Map.of("prompt", "hello"))))
                .isInstanceOfSatisfying(ProviderRateLimitedException.class,
                        e -> assertThat(e.retryAfter()).isEmpty());
    }

    @Test
    void unauthorizedIsNonRetryableWithTheProvidersReason() {
        server.failNext(401, Map.of(), "{\"error\":{\"message\":\"Incorrect API key provided\",\"code\":\"invalid_api_key\"}}");
        assertThatThrownBy(() -> agent.execute(FakeTaskContext.of("llm", Map.of("prompt", "hello"))))
                .isInstanceOf(NonRetryableException.class)
                .hasMessage("LLM endpoint " + server.baseUrl() + " refused the request (HTTP 401):"
                        + " Incorrect API key provided; check the API key (TRINITY_LLM_API_KEY)");
    }

    @Test
    void serverErrorIsRetryable() {
        server.failNext(503, Map.of(), "overloaded, try later");
        assertThatThrownBy(() -> agent.execute(FakeTaskContext.of("llm", Map.of("prompt", "hello"))))
                .isInstanceOfSatisfying(ProviderCallException.class, e -> {
                    assertThat(e.statusCode()).hasValue(503);
                    assertThat(e.getMessage()).isEqualTo("LLM endpoint " + server.baseUrl()
                            + " failed (HTTP 503): overloaded, try later; the task may be retried");
                });
    }

    @Test
    void unreachableEndpointIsRetryable() throws Exception {
        int freePort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            freePort = s.getLocalPort();
        }
        LlmSettings nowhere = LlmSettings.builder().baseUrl("http://127.0.0.1:" + freePort + "/v1").model("m").build();
        Agent lost = new LlmAgent(INIT, nowhere);
        assertThatThrownBy(() -> lost.execute(FakeTaskContext.of("llm", Map.of("prompt", "hello"))))
                .isInstanceOf(ProviderCallException.class)
                .hasMessageStartingWith("could not reach LLM endpoint http://127.0.0.1:" + freePort + "/v1: ");
    }

    @Test
    void badInputIsNonRetryable() {
        assertThatThrownBy(() -> agent.execute(FakeTaskContext.of("llm", Map.of("prompt", ""))))
                .isInstanceOf(NonRetryableException.class)
                .hasMessage("input.prompt: a non-empty string is required (got '')");
        assertThatThrownBy(() -> agent.execute(FakeTaskContext.of("llm", Map.of("prompt", "x", "temperature", 3.5))))
                .isInstanceOf(NonRetryableException.class)
                .hasMessage("input.temperature: must be between 0.0 and 2.0 (got 3.5)");
        assertThat(server.requests).isEmpty();
    }

    @Test
    void cancelledTaskMakesNoCall() {
        FakeTaskContext ctx = FakeTaskContext.of("llm", Map.of("prompt", "hello"));
        ctx.cancel();
        assertThatThrownBy(() -> agent.execute(ctx)).isInstanceOf(java.util.concurrent.CancellationException.class);
        assertThat(server.requests).isEmpty();
    }

    @Test
    void requestsWithoutApiKeySendNoAuthorization() throws Exception {
        Agent open = new LlmAgent(INIT, LlmSettings.builder().baseUrl(server.baseUrl()).model("llama").build());
        FakeTaskContext ctx = FakeTaskContext.of("llm", Map.of("prompt", "a b"));
        open.execute(ctx);
        assertThat(server.requestHeaders.get(0).get("Authorization")).isNull();
        assertThat(ctx.usage).containsOnlyKeys("openai:llama");
        assertThat(List.copyOf(ctx.usage.values())).containsExactly(4L);
    }
}
