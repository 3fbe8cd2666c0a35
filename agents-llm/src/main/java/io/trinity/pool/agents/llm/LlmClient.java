package io.trinity.pool.agents.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.output.TokenUsage;
import io.trinity.pool.agent.NonRetryableException;
import io.trinity.pool.agent.TaskContext;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

/**
 * Runs one chat call through LangChain4j's {@link OpenAiChatModel} on behalf of a task, and
 * turns the outcome into what the pool understands:
 *
 * <ul>
 *   <li>a heartbeat before the call, every {@value #HEARTBEAT_SECONDS} s while waiting, and
 *       after it, so that a slow model is not mistaken for a stuck agent;</li>
 *   <li>token usage reported as {@code ctx.reportUsage(provider:model, totalTokens)};</li>
 *   <li>HTTP 429 as {@link ProviderRateLimitedException} with the Retry-After wait;</li>
 *   <li>other 4xx (bad key, unknown model, request refused) as {@link NonRetryableException}
 *       with the provider's reason, since another attempt would get the same answer;</li>
 *   <li>5xx, 408, timeouts and unreachable endpoints as {@link ProviderCallException}, retryable;</li>
 *   <li>a cancelled task interrupts the call and ends in {@link CancellationException}.</li>
 * </ul>
 *
 * <p>LangChain4j's own retries are switched off: retrying is the pool's job, and it needs to see
 * each failure to pace and count attempts. Thread-safe; one instance may serve many tasks.
 */
public final class LlmClient {

    static final long HEARTBEAT_SECONDS = 5;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LlmSettings settings;
    private final ChatModel model;
    private final Clock clock;

    public LlmClient(LlmSettings settings) {
        this(settings, Clock.systemUTC());
    }

    LlmClient(LlmSettings settings, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = clock;
        this.model = OpenAiChatModel.builder()
                .httpClientBuilder(new HeaderKeepingHttpClient.Builder())
                .baseUrl(settings.baseUrl())
                .apiKey(settings.apiKey())
                .modelName(settings.model())
                .timeout(settings.timeout())
                .maxRetries(0)
                .build();
    }

    public LlmSettings settings() {
        return settings;
    }

    /**
     * Sends {@code system} (may be null) and {@code prompt}; {@code maxTokens} and
     * {@code temperature} may be null for the endpoint's defaults.
     */
    public LlmReply chat(TaskContext ctx, String system, String prompt, Integer maxTokens, Double temperature)
            throws InterruptedException {
        List<ChatMessage> messages = new ArrayList<>(2);
        if (system != null && !system.isBlank()) {
            messages.add(SystemMessage.from(system));
        }
        messages.add(UserMessage.from(prompt));
        ChatRequest request = ChatRequest.builder()
                .messages(messages)
                .maxOutputTokens(maxTokens)
                .temperature(temperature)
                .build();

        ctx.checkCancelled();
        ctx.progress(0.05, "calling " + settings.resourceKey());
        FutureTask<ChatResponse> call = new FutureTask<>(() -> model.chat(request));
        ctx.onCancel(() -> call.cancel(true));
        Thread.ofVirtual().name("llm-" + ctx.taskId()).start(call);
        ChatResponse response = await(ctx, call);
        ctx.progress(0.95, "answered by " + settings.resourceKey());

        TokenUsage usage = response.tokenUsage();
        long in = count(usage == null ? null : usage.inputTokenCount());
        long out = count(usage == null ? null : usage.outputTokenCount());
        long total = count(usage == null ? null : usage.totalTokenCount());
        if (total < 0 && in >= 0 && out >= 0) {
            total = in + out;
        }
        if (total >= 0) {
            ctx.reportUsage(settings.resourceKey(), total);
        }
        String text = response.aiMessage() == null ? null : response.aiMessage().text();
        String answeredBy = response.modelName() != null ? response.modelName() : settings.model();
        return new LlmReply(text == null ? "" : text, answeredBy, in, out, total);
    }

    private ChatResponse await(TaskContext ctx, FutureTask<ChatResponse> call) throws InterruptedException {
        long started = System.nanoTime();
        try {
            while (true) {
                try {
                    return call.get(HEARTBEAT_SECONDS, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException stillWaiting) {
                    long waited = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
                    ctx.progress(-1, "waiting for " + settings.resourceKey() + " (" + waited + " s)");
                }
            }
        } catch (InterruptedException e) {
            call.cancel(true);
            throw e;
        } catch (CancellationException e) {
            throw new CancellationException("task " + ctx.taskId() + " was cancelled during the call to "
                    + settings.resourceKey());
        } catch (ExecutionException e) {
            if (ctx.isCancelled()) {
                throw new CancellationException("task " + ctx.taskId() + " was cancelled during the call to "
                        + settings.resourceKey());
            }
            throw translate(e.getCause());
        }
    }

    /** Maps a failed call to the pool's failure kinds; see the class comment. */
    RuntimeException translate(Throwable failure) {
        String endpoint = settings.baseUrl();
        ProviderHttpException http = find(failure, ProviderHttpException.class);
        if (http != null) {
            int status = http.statusCode();
            String reason = reason(http.getMessage());
            if (status == 429) {
                Duration wait = RetryAfter.parse(http.header("Retry-After").orElse(null), clock.instant()).orElse(null);
                return new ProviderRateLimitedException(settings.resourceKey(), wait,
                        settings.resourceKey() + " is rate-limited (HTTP 429 from " + endpoint + "): " + reason
                                + (wait == null ? "; no Retry-After given" : "; retry after " + wait.toSeconds() + " s"),
                        failure);
            }
            if (status == 401 || status == 403) {
                return new NonRetryableException("LLM endpoint " + endpoint + " refused the request (HTTP " + status
                        + "): " + reason + "; check the API key (" + LlmSettings.ENV_API_KEY + ")", failure);
            }
            if (status == 404) {
                return new NonRetryableException("LLM endpoint " + endpoint + " has no model '" + settings.model()
                        + "' or no chat-completions route (HTTP 404): " + reason + "; check " + LlmSettings.ENV_MODEL
                        + " and that " + LlmSettings.ENV_BASE_URL + " ends with /v1", failure);
            }
            if (status >= 400 && status < 500 && status != 408) {
                return new NonRetryableException("LLM endpoint " + endpoint + " rejected the request (HTTP " + status
                        + "): " + reason, failure);
            }
            return new ProviderCallException(status, "LLM endpoint " + endpoint + " failed (HTTP " + status + "): "
                    + reason + "; the task may be retried", failure);
        }
        if (find(failure, TimeoutException.class) != null || find(failure, java.net.http.HttpTimeoutException.class) != null) {
            return new ProviderCallException(-1, "LLM endpoint " + endpoint + " did not answer within "
                    + settings.timeout().toSeconds() + " s; the task may be retried, or raise "
                    + LlmSettings.ENV_TIMEOUT, failure);
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return new ProviderCallException(-1, "could not reach LLM endpoint " + endpoint + ": "
                + root.getClass().getSimpleName() + (root.getMessage() == null ? "" : " " + root.getMessage())
                + "; check " + LlmSettings.ENV_BASE_URL + " and that the server is running", failure);
    }

    /** The provider's own explanation: OpenAI-style {"error":{"message":...}}, else the body itself. */
    static String reason(String body) {
        if (body == null || body.isBlank()) {
            return "no reason given";
        }
        try {
            JsonNode node = JSON.readTree(body);
            JsonNode message = node.path("error").path("message");
            if (message.isTextual()) {
                return message.asText();
            }
            if (node.path("error").isTextual()) {
                return node.path("error").asText();
            }
        } catch (Exception notJson) {
            // fall through to the raw body
        }
        String b = body.strip();
        return b.length() <= 300 ? b : b.substring(0, 297) + "...";
    }

    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }

    private static long count(Integer n) {
        return n == null ? -1 : n;
    }
}
