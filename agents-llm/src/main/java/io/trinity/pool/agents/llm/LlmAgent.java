package io.trinity.pool.agents.llm;

import io.trinity.pool.Payload;
import io.trinity.pool.agent.Agent;
import io.trinity.pool.agent.AgentFactory;
import io.trinity.pool.agent.AgentInit;
import io.trinity.pool.agent.TaskContext;
import io.trinity.pool.agents.common.Inputs;
import java.util.Map;
import java.util.Objects;

/**
 * An agent that answers with a chat model over the OpenAI chat-completions protocol (any
 * OpenAI-compatible endpoint, including Ollama's {@code /v1}), through LangChain4j.
 *
 * <p>Input: {@code prompt} (required), {@code system}, {@code maxTokens} (1..1,000,000),
 * {@code temperature} (0..2). Output: {@code text}, {@code model}, and {@code usage} with
 * {@code inputTokens}, {@code outputTokens}, {@code totalTokens}. Usage is also reported to the
 * pool against {@link LlmSettings#resourceKey()}. Failures are described on {@link LlmClient}.
 * See docs/agents/llm.md.
 */
public final class LlmAgent implements Agent {

    private final AgentInit init;
    private final LlmClient client;

    /** An agent configured from the environment ({@code TRINITY_LLM_*}); throws if that is incomplete. */
    public LlmAgent(AgentInit init) {
        this(init, LlmSettings.fromEnvironment());
    }

    public LlmAgent(AgentInit init, LlmSettings settings) {
        this(init, new LlmClient(settings));
    }

    LlmAgent(AgentInit init, LlmClient client) {
        this.init = Objects.requireNonNull(init, "init");
        this.client = Objects.requireNonNull(client, "client");
    }

    /** A factory for pools; all agents it creates share the settings. */
    public static AgentFactory factory(LlmSettings settings) {
        Objects.requireNonNull(settings, "settings");
        return init -> new LlmAgent(init, settings);
    }

    /**
     * An agent type whose tasks declare the model they call as a limited resource
     * ({@code provider:model}, see {@link LlmSettings#resourceKey()}), with an estimate of the
     * tokens a task uses, so the pool paces them under the provider's limits and budgets; the
     * agents report the tokens actually used and the provider's 429s.
     */
    public static io.trinity.pool.AgentType agentType(String name, LlmSettings settings, long estimatedTokens) {
        return io.trinity.pool.AgentType.of(name, factory(settings))
                .withResource(settings.resourceKey(), estimatedTokens);
    }

    public LlmSettings settings() {
        return client.settings();
    }

    @Override
    public Payload execute(TaskContext ctx) throws Exception {
        String prompt = Inputs.requireString(ctx, "prompt");
        String system = Inputs.optString(ctx, "system").orElse(null);
        Integer maxTokens = ctx.data().get("maxTokens") == null ? null
                : (int) Inputs.optLong(ctx, "maxTokens", 0, 1, 1_000_000);
        Double temperature = ctx.data().get("temperature") == null ? null
                : Inputs.optDouble(ctx, "temperature", 0, 0, 2);
        LlmReply reply = client.chat(ctx, system, prompt, maxTokens, temperature);
        ctx.progress(1.0, "done");
        Map<String, Object> out = reply.toData();
        return Payload.of(out);
    }

    @Override
    public String toString() {
        return "LlmAgent[" + init.agentId() + ", " + client.settings().resourceKey() + "]";
    }
}
