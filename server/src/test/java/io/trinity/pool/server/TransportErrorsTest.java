package io.trinity.pool.server;

import static io.trinity.pool.server.TestServers.ACME;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Requests Jetty refuses before any route runs (a bad URI, one too long, headers too large) are
 * answered in the API's JSON error format too, never with Jetty's HTML page. Sent over a raw
 * socket, since an HTTP client would fix or refuse such a request itself.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TransportErrorsTest {

    private PoolServer server;

    @BeforeAll
    void start() {
        server = TestServers.start(1, 10);
    }

    @AfterAll
    void stop() {
        server.drain(Duration.ofSeconds(5));
    }

    /** One raw HTTP/1.1 exchange: the status, the headers in lower case, the body. */
    record Raw(int status, String headers, String body) {
        JsonNode json() throws IOException {
            return Http.JSON.readTree(body);
        }
    }

    private Raw send(String target, String... headers) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(20_000);
            StringBuilder req = new StringBuilder("GET ").append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
            for (String h : headers) {
                req.append(h).append("\r\n");
            }
            req.append("Connection: close\r\n\r\n");
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String text = all.toString(StandardCharsets.UTF_8);
            int split = text.indexOf("\r\n\r\n");
            String head = text.substring(0, split).toLowerCase(Locale.ROOT);
            String body = text.substring(split + 4);
            if (head.contains("transfer-encoding: chunked")) {
                body = unchunk(body);
            }
            return new Raw(Integer.parseInt(head.substring(9, 12)), head, body);
        }
    }

    private static String unchunk(String chunked) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (true) {
            int eol = chunked.indexOf("\r\n", i);
            int size = Integer.parseInt(chunked.substring(i, eol).trim(), 16);
            if (size == 0) {
                return out.toString();
            }
            out.append(chunked, eol + 2, eol + 2 + size);
            i = eol + 2 + size + 2;
        }
    }

    private static void assertJsonError(Raw r, int status) throws IOException {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.headers()).as(r.toString()).contains("content-type: application/json");
        JsonNode error = r.json();
        assertThat(error.get("error").asText()).as(r.toString()).isNotBlank().doesNotContain("<");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"/v1/tasks/%ZZ", "/v1/tasks/%00", "/vendor/../../../../etc/passwd"})
    void aBadUriIsAJson400(String target) throws IOException {
        Raw r = send(target, "Authorization: Bearer " + ACME);
        assertJsonError(r, 400);
        // Jetty's parser refuses these before the path is known: the field is the request, the message says path
        assertThat(r.json().get("field").asText()).as(r.toString()).isIn("path", "request");
        assertThat(r.json().get("error").asText()).contains("path", "%ZZ", "/v1/openapi.json");
    }

    @Test
    void aUriTooLongIsAJson414() throws IOException {
        Raw r = send("/" + "9".repeat(9000));
        assertJsonError(r, 414);
        assertThat(r.json().get("error").asText()).contains("shorter");
    }

    @Test
    void headersTooLargeAreAJson431() throws IOException {
        Raw r = send("/v1/me", "Authorization: Bearer " + "k".repeat(20_000));
        assertJsonError(r, 431);
        assertThat(r.json().get("error").asText()).contains("header");
    }

    @Test
    void aGoodRequestOverTheSameRawPathStillWorks() throws IOException {
        Raw r = send("/v1/me", "Authorization: Bearer " + ACME);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().get("tenant").asText()).isEqualTo("acme");
    }
}
