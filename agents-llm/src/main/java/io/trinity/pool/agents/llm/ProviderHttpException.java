package io.trinity.pool.agents.llm;

import dev.langchain4j.exception.HttpException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An HTTP error answer that keeps its headers. LangChain4j's own {@link HttpException} keeps
 * only the status and body, and Retry-After is in a header; being a subclass, this one still
 * goes through LangChain4j's status mapping, and {@link LlmClient} finds it in the cause chain.
 */
final class ProviderHttpException extends HttpException {

    private final transient Map<String, List<String>> headers;

    ProviderHttpException(int statusCode, String body, Map<String, List<String>> headers) {
        super(statusCode, body);
        this.headers = Map.copyOf(headers);
    }

    /** The first value of a header, matched without regard to case as HTTP requires. */
    Optional<String> header(String name) {
        return headers.entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty())
                .map(e -> e.getValue().get(0))
                .findFirst();
    }
}
