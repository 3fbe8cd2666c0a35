package io.trinity.pool.agents.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A small OpenAI chat-completions endpoint on loopback for tests. Its answer is computed from
 * the request: the words of the last user message in reverse order; token counts are word
 * counts (prompt: all message words, completion: the answer's words). It records every request
 * (body and headers), and can be told to answer the next calls with an error instead.
 */
public final class FakeOpenAiServer implements AutoCloseable {

    /** A canned error answer: status, extra headers, body. */
    public record Failure(int status, Map<String, String> headers, String body) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    public final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    public final List<Map<String, List<String>>> requestHeaders = new CopyOnWriteArrayList<>();
    private final List<Failure> failures = Collections.synchronizedList(new ArrayList<>());
    private final HttpServer server;

    public FakeOpenAiServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/chat/completions", this::handle);
        server.start();
    }

    /** The base URL to configure, ending in /v1. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /** The next call answers with this failure (calls after it answer normally again). */
    public void failNext(int status, Map<String, String> headers, String body) {
        failures.add(new Failure(status, headers, body));
    }

    /**
     * The content of message {@code message} of request {@code request} as the server received
     * it; lets tests outside the LLM module check prompts without reading JSON themselves.
     */
    public String messageContent(int request, int message) {
        return requests.get(request).path("messages").path(message).path("content").asText();
    }

    /** The words of {@code text} in reverse order: what this server answers. */
    public static String reverseWords(String text) {
        List<String> words = new ArrayList<>(Arrays.asList(text.strip().split("\\s+")));
        Collections.reverse(words);
        return String.join(" ", words);
    }

    public static int words(String text) {
        String t = text.strip();
        return t.isEmpty() ? 0 : t.split("\\s+").length;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            JsonNode request = JSON.readTree(exchange.getRequestBody().readAllBytes());
            requests.add(request);
            requestHeaders.add(Map.copyOf(exchange.getRequestHeaders()));
            Failure failure = failures.isEmpty() ? null : failures.remove(0);
            if (failure != null) {
                failure.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
                send(exchange, failure.status(), failure.body());
                return;
            }
            int promptTokens = 0;
            String lastUser = "";
            for (JsonNode message : request.path("messages")) {
                String content = message.path("content").asText();
                promptTokens += words(content);
                if (message.path("role").asText().equals("user")) {
                    lastUser = content;
                }
            }
            String answer = reverseWords(lastUser);
            int completionTokens = words(answer);
            ObjectNode body = JSON.createObjectNode();
            body.put("id", "chatcmpl-" + requests.size());
            body.put("object", "chat.completion");
            body.put("created", 1_700_000_000L + requests.size());
            body.put("model", request.path("model").asText() + "-served");
            ObjectNode choice = body.putArray("choices").addObject();
            choice.put("index", 0);
            choice.putObject("message").put("role", "assistant").put("content", answer);
            choice.put("finish_reason", "stop");
            body.putObject("usage")
                    .put("prompt_tokens", promptTokens)
                    .put("completion_tokens", completionTokens)
                    .put("total_tokens", promptTokens + completionTokens);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            send(exchange, 200, JSON.writeValueAsString(body));
        }
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
