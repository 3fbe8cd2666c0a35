package io.trinity.pool.agents.llm;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One model answer and what it cost.
 *
 * @param text         the assistant's message
 * @param model        the model that answered, as the endpoint named it
 * @param inputTokens  prompt tokens, or -1 if the endpoint did not say
 * @param outputTokens completion tokens, or -1 if the endpoint did not say
 * @param totalTokens  all tokens, or -1 if the endpoint did not say
 */
public record LlmReply(String text, String model, long inputTokens, long outputTokens, long totalTokens) {

    /** The reply as task output: {@code text}, {@code model} and {@code usage}. */
    public Map<String, Object> toData() {
        Map<String, Object> usage = new LinkedHashMap<>();
        usage.put("inputTokens", inputTokens < 0 ? null : inputTokens);
        usage.put("outputTokens", outputTokens < 0 ? null : outputTokens);
        usage.put("totalTokens", totalTokens < 0 ? null : totalTokens);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("text", text);
        out.put("model", model);
        out.put("usage", usage);
        return out;
    }
}
