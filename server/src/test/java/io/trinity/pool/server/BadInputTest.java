package io.trinity.pool.server;

import static io.trinity.pool.server.TestServers.ACME;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad input is a 400 naming the field (or 413 for a body over the limit), never a 500. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BadInputTest {

    private PoolServer server;
    private Http http;

    @BeforeAll
    void start() {
        server = TestServers.start(2, 100);
        http = new Http(server.url());
    }

    @AfterAll
    void stop() {
        server.drain(Duration.ofSeconds(5));
    }

    @ParameterizedTest(name = "{0} -> field {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            {"type": "echo"                                        | body
            [1, 2, 3]                                              | body
            "echo"                                                 | body
            {"type": "echo"} trailing                              | body
            {}                                                     | type
            {"type": 42}                                           | type
            {"type": "summarize-the-internet"}                     | type
            {"type": "echo", "priority": "high"}                   | priority
            {"type": "echo", "priority": 5000}                     | priority
            {"type": "echo", "priority": 1.5}                      | priority
            {"type": "echo", "priority": 99999999999999999999999}  | priority
            {"type": "echo", "timeout": "30 parsecs"}              | timeout
            {"type": "echo", "timeout": 30}                        | timeout
            {"type": "echo", "timeout": "0s"}                      | timeout
            {"type": "echo", "timeout": "PT-5S"}                   | timeout
            {"type": "echo", "maxAttempts": 0}                     | maxAttempts
            {"type": "echo", "maxAttempts": 101}                   | maxAttempts
            {"type": "echo", "input": [1]}                         | input
            {"type": "echo", "input": "text"}                      | input
            {"type": "echo", "input": {"x": 1e400}}                | input
            {"type": "echo", "affinity": ""}                       | affinity
            {"type": "echo", "affinity": 7}                        | affinity
            {"type": "echo", "skills": "code"}                     | skills
            {"type": "echo", "skills": ["a", "b"]}                 | skills
            {"type": "echo", "skills": [1]}                        | skills[0]
            {"type": "echo", "colour": "blue"}                     | colour
            {"type": "echo", "tenant": "globex"}                   | tenant
            {"type": "echo", "attachments": []}                    | attachments
            {"type": "echo", "attachments": {"a": {"mediaType": "x/y", "base64": "%%%"}}} | attachments.a.base64
            {"type": "echo", "attachments": {"a": {"mediaType": "nope", "base64": "AA=="}}} | attachments.a.mediaType
            """)
    void badBodiesAre400NamingTheField(String body, String field) {
        Http.Answer a = http.post("/v1/tasks", ACME, body);
        assertThat(a.status()).as(a.toString()).isEqualTo(400);
        assertThat(a.json().get("field").asText()).isEqualTo(field);
        assertThat(a.json().get("error").asText()).isNotBlank().doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void theTypeErrorListsTheAllowedTypes() {
        Http.Answer a = http.post("/v1/tasks", ACME, "{\"type\": \"nope\"}");
        assertThat(a.json().get("error").asText()).contains("echo", "gate", "fail", "reject").contains("'nope'");
    }

    @Test
    void anEmptyBodyIs400() {
        Http.Answer a = http.post("/v1/tasks", ACME, "");
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.json().get("field").asText()).isEqualTo("body");
    }

    @Test
    void invalidUtf8Is400() {
        byte[] body = "{\"type\": \"echo\", \"input\": {\"s\": \"__\"}}".getBytes(StandardCharsets.UTF_8);
        body[30] = (byte) 0xC3;
        body[31] = (byte) 0x28;
        Http.Answer a = http.postBytes("/v1/tasks", ACME, body);
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.json().get("field").asText()).isEqualTo("body");
    }

    @Test
    void deepNestingIs400() {
        String deep = "{\"type\": \"echo\", \"input\": {\"x\": " + "[".repeat(5000) + "]".repeat(5000) + "}}";
        Http.Answer a = http.post("/v1/tasks", ACME, deep);
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.json().get("field").asText()).isEqualTo("body");
    }

    @Test
    void aBodyOverOneMebibyteIs413() {
        String big = "{\"type\": \"echo\", \"input\": {\"x\": \"" + "a".repeat(1 << 20) + "\"}}";
        Http.Answer a = http.post("/v1/tasks", ACME, big);
        assertThat(a.status()).isEqualTo(413);
        assertThat(a.json().get("error").asText()).contains("larger than the limit");
        // just under the limit is fine
        String fits = "{\"type\": \"echo\", \"input\": {\"x\": \"" + "a".repeat((1 << 20) - 100) + "\"}}";
        assertThat(http.post("/v1/tasks", ACME, fits).status()).isEqualTo(202);
    }

    @ParameterizedTest(name = "timeout {0}")
    @CsvSource({"250ms", "1.5s", "2m", "1h", "7d", "PT30S", "P1D"})
    void aTimeoutInTheProjectsDurationGrammarIsAccepted(String timeout) {
        Http.Answer a = http.post("/v1/tasks", ACME, "{\"type\": \"echo\", \"timeout\": \"" + timeout + "\"}");
        assertThat(a.status()).as(a.toString()).isEqualTo(202);
    }

    @Test
    void aDurationOutOfRangeSaysTheLimitAndOneInAnotherGrammarSaysTheForms() {
        Http.Answer upper = http.post("/v1/tasks", ACME, "{\"type\": \"echo\", \"timeout\": \"30S\"}");
        assertThat(upper.status()).as(upper.toString()).isEqualTo(400);
        assertThat(upper.json().get("error").asText()).contains("timeout", "'30S'", "250ms, 1.5s");

        Http.Answer tooLong = http.post("/v1/tasks", ACME, "{\"type\": \"echo\", \"timeout\": \"8d\"}");
        assertThat(tooLong.status()).as(tooLong.toString()).isEqualTo(400);
        assertThat(tooLong.json().get("field").asText()).isEqualTo("timeout");
        assertThat(tooLong.json().get("error").asText()).contains("at most 7d", "'8d'").doesNotContain("such as");

        String id = http.post("/v1/tasks", ACME, "{\"type\": \"echo\"}").json().get("id").asText();
        assertThat(http.get("/v1/tasks/" + id + "?wait=0", ACME).status()).isEqualTo(200);
        assertThat(http.get("/v1/tasks/" + id + "?wait=1.5s", ACME).status()).isEqualTo(200);
        Http.Answer longWait = http.get("/v1/tasks/" + id + "?wait=2m", ACME);
        assertThat(longWait.status()).isEqualTo(400);
        assertThat(longWait.json().get("field").asText()).isEqualTo("wait");
        assertThat(longWait.json().get("error").asText()).contains("at most 1m", "'2m'").doesNotContain("such as");
    }

    @Test
    void aWholeNumberWrittenWithAnExponentOrAFractionOfZeroIsAWholeNumber() {
        Http.Answer e3 = http.post("/v1/tasks", ACME, "{\"type\": \"echo\", \"priority\": 1e3, \"maxAttempts\": 2.0}");
        assertThat(e3.status()).as(e3.toString()).isEqualTo(202);
        JsonNode task = http.get("/v1/tasks/" + e3.json().get("id").asText(), ACME).json();
        assertThat(task.get("priority").asInt()).isEqualTo(1000);
        assertThat(http.post("/v1/tasks", ACME, "{\"type\": \"echo\", \"priority\": 5.0}").status()).isEqualTo(202);

        Http.Answer half = http.post("/v1/tasks", ACME, "{\"type\": \"echo\", \"priority\": 1.5}");
        assertThat(half.status()).isEqualTo(400);
        assertThat(half.json().get("error").asText()).contains("whole number", "(got 1.5)");
        Http.Answer over = http.post("/v1/tasks", ACME, "{\"type\": \"echo\", \"priority\": 2e3}");
        assertThat(over.status()).isEqualTo(400);
        assertThat(over.json().get("error").asText()).contains("-1000 to 1000", "(got 2000)");
    }

    @Test
    void anIdempotencyKeyHasOneLimitAndOneMessageInTheHeaderAndInABatch() {
        String msg = "Idempotency-Key must be 1 to 200 visible ASCII characters";
        for (String key : new String[] {"k".repeat(201), "k".repeat(256), "two words"}) {
            Http.Answer a = http.send(http.request("/v1/tasks", ACME)
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"type\": \"echo\"}"))
                    .header("Idempotency-Key", key));
            assertThat(a.status()).as(key.length() + ": " + a).isEqualTo(400);
            assertThat(a.json().get("field").asText()).isEqualTo("Idempotency-Key");
            assertThat(a.json().get("error").asText()).startsWith(msg);
        }
        assertThat(http.post("/v1/tasks", ACME, "{\"type\": \"echo\"}", "Idempotency-Key", "k".repeat(200)).status())
                .isEqualTo(202);

        Http.Answer batch = http.post("/v1/tasks/batch", ACME, "{\"tasks\": [{\"type\": \"echo\", \"idempotencyKey\": \""
                + "k".repeat(201) + "\"}]}");
        JsonNode r = batch.json().get("results").get(0);
        assertThat(r.get("status").asInt()).isEqualTo(400);
        assertThat(r.get("field").asText()).isEqualTo("tasks[0].idempotencyKey");
        assertThat(r.get("error").asText()).startsWith("tasks[0].idempotencyKey must be 1 to 200 visible ASCII characters");
        assertThat(r.get("error").asText()).contains("201 characters");
    }

    @Test
    void aBatchRefusesTheIdempotencyKeyHeaderAndSaysToSetItPerTask() {
        Http.Answer a = http.post("/v1/tasks/batch", ACME, "{\"tasks\": [{\"type\": \"echo\"}]}",
                "Idempotency-Key", "batch-1");
        assertThat(a.status()).as(a.toString()).isEqualTo(400);
        assertThat(a.json().get("field").asText()).isEqualTo("Idempotency-Key");
        assertThat(a.json().get("error").asText()).contains("'batch-1'", "idempotencyKey", "each task");
    }
}
