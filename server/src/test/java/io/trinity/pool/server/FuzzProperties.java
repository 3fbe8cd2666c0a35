package io.trinity.pool.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Hostile requests: malformed and deeply nested bodies, huge numbers, invalid UTF-8, unicode,
 * wrong types, odd headers and paths. The server answers each with a 2xx or 4xx, never a 5xx,
 * and keeps serving. (The fuzz server has no {@code gate} type, so no fuzzed task blocks.)
 */
class FuzzProperties {

    private static final List<String> FUZZ_TYPES = List.of("echo", "fail", "reject");
    private static PoolServer server;
    private static Http http;

    @BeforeContainer
    static void start() {
        server = PoolServer.builder().pool(TestAgents.pool(2, 50), FUZZ_TYPES).keys(TestServers.keys())
                .port(0).rateLimit(0, 1).build().start();
        http = new Http(server.url());
    }

    @AfterContainer
    static void stop() {
        server.drain(Duration.ofSeconds(2));
    }

    private static void assertServed(Http.Answer a, String what) {
        assertThat(a.status()).as(what + " -> " + a).isBetween(200, 499);
        assertThat(a.body()).as(what).doesNotContain("\tat ").doesNotContain("Exception:");
        assertThat(http.get("/healthz", null).status()).isEqualTo(200);
    }

    @Property(tries = 300)
    void hostileBodiesAreNeverA5xx(@ForAll("bodies") byte[] body, @ForAll("idempotencyKeys") String idemKey) {
        HttpRequest.Builder r = http.request("/v1/tasks", TestServers.ACME)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).header("Content-Type", "application/json");
        if (!idemKey.isEmpty()) {
            r.header("Idempotency-Key", idemKey);
        }
        assertServed(http.send(r), new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8));
    }

    @Property(tries = 200)
    void hostilePathsMethodsAndHeadersAreNeverA5xx(@ForAll("methods") String method, @ForAll("paths") String path,
                                                   @ForAll("headerValues") String auth,
                                                   @ForAll("headerValues") String other) {
        HttpRequest.Builder r = http.request(path, null).method(method,
                method.equals("GET") || method.equals("DELETE") ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString("{\"type\":\"echo\"}"));
        r.header("Authorization", auth.length() % 3 == 0 ? "Bearer " + TestServers.ADMIN : auth);
        r.header("Accept", other);
        r.header("Last-Event-ID", other);
        r.header("Idempotency-Key", other);
        if (path.startsWith("/v1/events")) {
            r.header("Accept", "application/json");
        }
        assertServed(http.send(r), method + " " + path);
    }

    @Provide
    Arbitrary<byte[]> bodies() {
        Arbitrary<String> types = Arbitraries.of("echo", "fail", "reject", "gate", "", "ECHO", "é", "../echo");
        Arbitrary<String> values = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(40).map(FuzzProperties::jsonString),
                Arbitraries.of("null", "true", "false", "0", "-1", "1e400", "-1e400", "1.5", "[]", "{}", "\"30s\"",
                        "\"-5s\"", "\"PT1000000000H\"", "\"999999999h\""),
                Arbitraries.integers().between(1, 400).map(n -> "9".repeat(n)),
                Arbitraries.integers().between(1, 3000).map(n -> "[".repeat(n) + "]".repeat(n)),
                Arbitraries.integers().between(1, 1500).map(n -> "{\"a\":".repeat(n) + "1" + "}".repeat(n)));
        Arbitrary<String> fields = Arbitraries.of("type", "input", "priority", "affinity", "timeout", "maxAttempts",
                "skills", "attachments", "tenant", "x", "");
        Arbitrary<String> objects = Combinators.combine(types.map(FuzzProperties::jsonString),
                Combinators.combine(fields, values).as((f, v) -> jsonString(f) + ":" + v).list().ofMaxSize(5))
                .as((t, rest) -> "{\"type\":" + t + (rest.isEmpty() ? "" : "," + String.join(",", rest)) + "}");
        Arbitrary<byte[]> text = Arbitraries.oneOf(objects, values, Arbitraries.strings().ofMaxLength(200))
                .map(s -> s.getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> raw = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        Arbitrary<byte[]> brokenUtf8 = objects.map(s -> {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            if (b.length > 3) {
                b[b.length / 2] = (byte) 0xC3;
                b[b.length / 2 + 1] = (byte) 0x28;
            }
            return b;
        });
        return Arbitraries.oneOf(text, raw, brokenUtf8);
    }

    @Provide
    Arbitrary<String> idempotencyKeys() {
        return Arbitraries.oneOf(Arbitraries.just(""), Arbitraries.strings().ascii().ofMinLength(1).ofMaxLength(300)
                .filter(FuzzProperties::sendable));
    }

    @Provide
    Arbitrary<String> methods() {
        return Arbitraries.of("GET", "POST", "DELETE", "PUT", "PATCH");
    }

    @Provide
    Arbitrary<String> paths() {
        Arbitrary<String> segment = Arbitraries.oneOf(
                Arbitraries.of("v1", "tasks", "events", "pool", "agents", "dead-letters", "resubmit", "tenants", "me",
                        "openapi.json", "metrics", "healthz", "readyz", "..", ".", "%00", "%C3%28", "%2F", "%25",
                        "-1", "0", "99999999999999999999999", "1e3", "%E2%82%AC", "vendor", "app.js"),
                Arbitraries.strings().withCharRange('a', 'z').numeric().withChars("-._~").ofMaxLength(12));
        Arbitrary<String> query = Arbitraries.of("", "?wait=10ms", "?wait=abc", "?wait=999999999h", "?limit=-1",
                "?limit=99999999999999", "?after=x", "?state=%00", "?type=%E2%82%AC", "?lastEventId=-7", "?tenant=acme");
        return Combinators.combine(segment.list().ofMinSize(1).ofMaxSize(5), query)
                .as((s, q) -> "/" + String.join("/", s) + q);
    }

    @Provide
    Arbitrary<String> headerValues() {
        return Arbitraries.oneOf(Arbitraries.of("Bearer ", "Bearer", "bearer x", "Basic abc", "text/event-stream",
                        "0", "-1", "99999999999999999999", "Bearer " + "k".repeat(2000)),
                Arbitraries.strings().ascii().ofMaxLength(60).filter(FuzzProperties::sendable));
    }

    /** Header values the JDK client will send: visible ASCII and spaces, not blank at the ends. */
    private static boolean sendable(String s) {
        return s.chars().allMatch(c -> c >= 0x20 && c < 0x7f) && s.equals(s.strip());
    }

    private static String jsonString(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
