package io.trinity.pool.agents.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LlmSettingsTest {

    private static final Map<String, String> ENV = Map.of(
            "TRINITY_LLM_BASE_URL", "http://localhost:11434/v1/",
            "TRINITY_LLM_MODEL", "llama3.2",
            "TRINITY_LLM_TIMEOUT", "90s",
            "TRINITY_LLM_PROVIDER", "ollama");

    @Test
    void environmentFillsWhatIsNotGivenExplicitly() {
        LlmSettings s = LlmSettings.builder().model("qwen2.5").environment(ENV).build();
        assertThat(s.baseUrl()).isEqualTo("http://localhost:11434/v1");
        assertThat(s.model()).isEqualTo("qwen2.5");
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(s.apiKey()).isNull();
        assertThat(s.resourceKey()).isEqualTo("ollama:qwen2.5");
    }

    @Test
    void defaultsAndSecretKeptOutOfToString() {
        LlmSettings s = LlmSettings.builder().baseUrl("https://example.invalid/v1").model("m").apiKey("sk-secret").build();
        assertThat(s.timeout()).isEqualTo(LlmSettings.DEFAULT_TIMEOUT);
        assertThat(s.provider()).isEqualTo("openai");
        assertThat(s.toString()).doesNotContain("sk-secret").contains("apiKey=(set)");
    }

    @Test
    void timeoutFormats() {
        assertThat(LlmSettings.parseTimeout("45", "t")).isEqualTo(Duration.ofSeconds(45));
        assertThat(LlmSettings.parseTimeout("1500ms", "t")).isEqualTo(Duration.ofMillis(1500));
        assertThat(LlmSettings.parseTimeout("2m", "t")).isEqualTo(Duration.ofMinutes(2));
        assertThat(LlmSettings.parseTimeout("PT30S", "t")).isEqualTo(Duration.ofSeconds(30));
        assertThatThrownBy(() -> LlmSettings.builder().environment(Map.of("TRINITY_LLM_BASE_URL", "http://h/v1",
                "TRINITY_LLM_MODEL", "m", "TRINITY_LLM_TIMEOUT", "soon")).build())
                .hasMessage("TRINITY_LLM_TIMEOUT must be a duration such as 30, 30s, 1500ms, 2m or PT30S (got 'soon')");
    }

    @Test
    void missingOrBadSettingsSayWhatToSet() {
        assertThatThrownBy(() -> LlmSettings.builder().environment(Map.of("TRINITY_LLM_MODEL", "m")).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("LLM baseUrl is missing: set TRINITY_LLM_BASE_URL");
        assertThatThrownBy(() -> LlmSettings.builder().baseUrl("http://h/v1").build())
                .hasMessageStartingWith("LLM model is missing: set TRINITY_LLM_MODEL");
        assertThatThrownBy(() -> LlmSettings.builder().baseUrl("localhost:11434").model("m").build())
                .hasMessageContaining("must be an http(s) URL").hasMessageContaining("(got 'localhost:11434')");
        assertThatThrownBy(() -> LlmSettings.builder().baseUrl("http://h/v1").model("m").timeout(Duration.ZERO).build())
                .hasMessage("LLM timeout must be positive (got PT0S)");
    }

    @Test
    void configuredInIsEmptyOnlyWhenNothingIsSet() {
        assertThat(LlmSettings.configuredIn(Map.of())).isEmpty();
        assertThat(LlmSettings.configuredIn(ENV)).hasValueSatisfying(s -> assertThat(s.model()).isEqualTo("llama3.2"));
        assertThatThrownBy(() -> LlmSettings.configuredIn(Map.of("TRINITY_LLM_BASE_URL", "http://h/v1")))
                .hasMessageStartingWith("LLM model is missing");
    }

    @Test
    void retryAfterSecondsAndHttpDate() {
        Instant now = Instant.parse("2026-01-01T10:00:00Z");
        assertThat(RetryAfter.parse("7", now)).contains(Duration.ofSeconds(7));
        assertThat(RetryAfter.parse("Thu, 01 Jan 2026 10:00:30 GMT", now)).contains(Duration.ofSeconds(30));
        assertThat(RetryAfter.parse("Thu, 01 Jan 2026 09:00:00 GMT", now)).contains(Duration.ZERO);
        assertThat(RetryAfter.parse("soon", now)).isEmpty();
        assertThat(RetryAfter.parse(null, now)).isEmpty();
    }

    @Test
    void providerReasonFromOpenAiErrorBody() {
        assertThat(LlmClient.reason("{\"error\":{\"message\":\"model not found\"}}")).isEqualTo("model not found");
        assertThat(LlmClient.reason("{\"error\":\"bad\"}")).isEqualTo("bad");
        assertThat(LlmClient.reason("plain text")).isEqualTo("plain text");
        assertThat(LlmClient.reason("")).isEqualTo("no reason given");
    }
}
