package io.trinity.pool.agents.llm;

import io.trinity.pool.Durations;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where and how to reach a chat model that speaks the OpenAI chat-completions protocol (a
 * hosted OpenAI-compatible service, or a local Ollama at {@code http://localhost:11434/v1}).
 * Immutable; build with {@link #builder()}, where values set explicitly win over the
 * environment:
 *
 * <table>
 *   <caption>Settings and their environment variables</caption>
 *   <tr><th>setting</th><th>variable</th><th>required</th><th>default</th></tr>
 *   <tr><td>baseUrl</td><td>{@value #ENV_BASE_URL}</td><td>yes</td><td></td></tr>
 *   <tr><td>model</td><td>{@value #ENV_MODEL}</td><td>yes</td><td></td></tr>
 *   <tr><td>apiKey</td><td>{@value #ENV_API_KEY}</td><td>no (Ollama needs none)</td><td>none</td></tr>
 *   <tr><td>timeout</td><td>{@value #ENV_TIMEOUT}</td><td>no</td><td>60 s</td></tr>
 *   <tr><td>provider</td><td>{@value #ENV_PROVIDER}</td><td>no</td><td>{@value #DEFAULT_PROVIDER}</td></tr>
 * </table>
 *
 * <p>{@code provider} only names the rate-limited resource ({@code provider:model}) that usage
 * and rate limits are reported against. {@link #toString()} never shows the API key.
 *
 * @param provider resource namespace for usage, such as {@code openai} or {@code ollama}
 * @param baseUrl  the endpoint up to and including {@code /v1}
 * @param model    the model name the endpoint knows
 * @param apiKey   the bearer token, or null when the endpoint needs none
 * @param timeout  the limit for one call (connect and read)
 */
public record LlmSettings(String provider, String baseUrl, String model, String apiKey, Duration timeout) {

    public static final String ENV_BASE_URL = "TRINITY_LLM_BASE_URL";
    public static final String ENV_MODEL = "TRINITY_LLM_MODEL";
    public static final String ENV_API_KEY = "TRINITY_LLM_API_KEY";
    public static final String ENV_TIMEOUT = "TRINITY_LLM_TIMEOUT";
    public static final String ENV_PROVIDER = "TRINITY_LLM_PROVIDER";
    public static final String DEFAULT_PROVIDER = "openai";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    public LlmSettings {
        provider = provider == null || provider.isBlank() ? DEFAULT_PROVIDER : provider.strip();
        if (baseUrl == null || baseUrl.isBlank()) {
            throw new IllegalArgumentException("LLM baseUrl is missing: set " + ENV_BASE_URL
                    + " (e.g. https://YOUR-ENDPOINT/v1, or http://localhost:11434/v1 for Ollama) or call baseUrl(...)");
        }
        baseUrl = checkUrl(baseUrl.strip());
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("LLM model is missing: set " + ENV_MODEL
                    + " to a model name your endpoint serves, or call model(...)");
        }
        model = model.strip();
        apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey.strip();
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("LLM timeout must be positive (got " + timeout + ")");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Settings from the process environment alone; throws, naming the variable, if one is missing. */
    public static LlmSettings fromEnvironment() {
        return builder().environment(System.getenv()).build();
    }

    /**
     * Settings from {@code env} when an LLM is configured there, that is when either
     * {@value #ENV_BASE_URL} or {@value #ENV_MODEL} is set; empty when neither is. A half
     * configuration (one set, the other not) throws, since it is surely a mistake.
     */
    public static Optional<LlmSettings> configuredIn(Map<String, String> env) {
        boolean any = present(env.get(ENV_BASE_URL)) || present(env.get(ENV_MODEL));
        return any ? Optional.of(builder().environment(env).build()) : Optional.empty();
    }

    /** The rate-limited resource this model's usage counts against: {@code provider:model}. */
    public String resourceKey() {
        return provider + ":" + model;
    }

    @Override
    public String toString() {
        return "LlmSettings[provider=" + provider + ", baseUrl=" + baseUrl + ", model=" + model
                + ", apiKey=" + (apiKey == null ? "none" : "(set)") + ", timeout=" + timeout + "]";
    }

    private static boolean present(String s) {
        return s != null && !s.isBlank();
    }

    private static String checkUrl(String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new IllegalArgumentException("LLM baseUrl must be an http(s) URL such as https://YOUR-ENDPOINT/v1 (got '"
                + url + "')");
    }

    /** Bare seconds ("30", documented before the project had one grammar), else {@link Durations#parse}. */
    static Duration parseTimeout(String text, String source) {
        String t = text.strip();
        try {
            return t.matches("\\d+") ? Duration.ofSeconds(Long.parseLong(t)) : Durations.parse(t);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + " must be a duration such as 30, 30s, 1500ms, 2m or PT30S (got '"
                    + text + "')");
        }
    }

    /** Collects explicit values and an environment; {@link #build()} resolves and validates. */
    public static final class Builder {
        private String provider;
        private String baseUrl;
        private String model;
        private String apiKey;
        private Duration timeout;
        private Map<String, String> env = Map.of();

        private Builder() {
        }

        public Builder provider(String provider) {
            this.provider = provider;
            return this;
        }

        public Builder baseUrl(String baseUrl) {
            this.baseUrl = baseUrl;
            return this;
        }

        public Builder model(String model) {
            this.model = model;
            return this;
        }

        public Builder apiKey(String apiKey) {
            this.apiKey = apiKey;
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /** Fills every setting not given explicitly from these variables (usually {@code System.getenv()}). */
        public Builder environment(Map<String, String> env) {
            this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
            return this;
        }

        public LlmSettings build() {
            Duration t = timeout;
            if (t == null && present(env.get(ENV_TIMEOUT))) {
                t = parseTimeout(env.get(ENV_TIMEOUT), ENV_TIMEOUT);
            }
            return new LlmSettings(
                    provider != null ? provider : env.get(ENV_PROVIDER),
                    baseUrl != null ? baseUrl : env.get(ENV_BASE_URL),
                    model != null ? model : env.get(ENV_MODEL),
                    apiKey != null ? apiKey : env.get(ENV_API_KEY),
                    t == null ? DEFAULT_TIMEOUT : t);
        }
    }
}
