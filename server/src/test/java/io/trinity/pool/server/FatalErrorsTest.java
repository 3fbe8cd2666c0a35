package io.trinity.pool.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * A {@link java.lang.Error} in a handler (the heap full while a large result is turned into JSON,
 * a stack overflow) is answered in the API's JSON error format like any other failure, never with
 * an empty 500. The app here is configured by {@link Errors#register} as the server's is, with
 * routes that throw what a full heap or a deep recursion throws.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FatalErrorsTest {

    private Javalin app;
    private Http http;

    @BeforeAll
    void start() {
        ObjectMapper mapper = new ObjectMapper();
        app = Javalin.create(cfg -> {
            cfg.jetty.host = "127.0.0.1";
            cfg.jetty.port = 0;
            Errors.register(cfg, mapper, 1 << 20);
            cfg.routes.get("/heap", ctx -> {
                throw new OutOfMemoryError("Java heap space");
            });
            cfg.routes.get("/heap-after-a-result", ctx -> {
                ctx.result("{\"partial\":");
                throw new OutOfMemoryError("Java heap space");
            });
            cfg.routes.get("/stack", ctx -> {
                throw new StackOverflowError();
            });
            cfg.routes.get("/fine", ctx -> ctx.json(java.util.Map.of("ok", true)));
        }).start();
        http = new Http("http://127.0.0.1:" + app.port());
    }

    @AfterAll
    void stop() {
        app.stop();
    }

    @Test
    void aFullHeapIsA503WithAReasonAndRetryAfter() {
        for (String path : new String[] {"/heap", "/heap-after-a-result"}) {
            Http.Answer a = http.get(path, null);
            assertThat(a.status()).as(a.toString()).isEqualTo(503);
            assertThat(a.header("Content-Type")).startsWith("application/json");
            assertThat(a.header("Retry-After")).isEqualTo("1");
            assertThat(a.json().get("reason").asText()).isEqualTo("out_of_memory");
            assertThat(a.json().get("error").asText()).contains("out of memory").doesNotContain("at io.");
            assertThat(a.body()).doesNotContain("partial");
        }
        // and the server goes on answering
        assertThat(http.get("/fine", null).json().get("ok").asBoolean()).isTrue();
    }

    @Test
    void anotherErrorIsAJson500WithoutAStackTrace() {
        Http.Answer a = http.get("/stack", null);
        assertThat(a.status()).as(a.toString()).isEqualTo(500);
        assertThat(a.header("Content-Type")).startsWith("application/json");
        assertThat(a.json().get("error").asText()).contains("internal error", "StackOverflowError")
                .doesNotContain("at io.");
    }
}
