package io.trinity.pool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tri simulate} with a tenant column and {@code --limits}: fairness and pacing can be planned. */
class SimulateLimitsTest {

    @TempDir
    Path dir;

    /** Two tenants on one type, 10 tasks a second of 1 s each for 2 minutes; the flooder sends 9 of every 10. */
    Path trace() throws IOException {
        StringBuilder sb = new StringBuilder("arrival_ms,type,duration_ms,priority,affinity,tenant\n");
        for (int i = 0; i < 1200; i++) {
            sb.append(i * 100).append(",code,1000,0,,").append(i % 10 == 0 ? "quiet" : "flood").append('\n');
        }
        Path f = dir.resolve("t.csv");
        Files.writeString(f, sb);
        return f;
    }

    Path limits(String json) throws IOException {
        Path f = dir.resolve("limits.json");
        Files.writeString(f, json);
        return f;
    }

    @Test
    void tenantsAndResourceLimitsShapeTheRunAndAreReported() throws IOException {
        Path limits = limits("""
                {"resources": {"m": {"requestsPerMinute": 120, "tokensPerMinute": 60000, "pricePer1kTokens": 2.0}},
                 "tenants": {"flood": {"weight": 1}, "quiet": {"weight": 1}},
                 "types": {"code": {"m": 500}}}
                """);
        Path events = dir.resolve("events.jsonl");
        Cli.Result r = Cli.run("simulate", trace().toString(), "--limits", limits.toString(), "--queue", "5000",
                "--max-agents", "8", "--json", "--events-out", events.toString());
        assertThat(r.code()).as(r.toString()).isZero();
        JsonNode doc = new ObjectMapper().readTree(r.out());
        JsonNode m = doc.path("resources").path("m");
        // 1200 calls at 120 a minute take 10 minutes; never more than 120 (and 60000 tokens) in 60 s
        assertThat(m.path("calls").asLong()).isEqualTo(1200);
        assertThat(m.path("peakCallsPer60s").asLong()).isEqualTo(120);
        assertThat(m.path("peakEstimatedTokensPer60s").asLong()).isEqualTo(60_000);
        assertThat(m.path("tasksHeld").asLong()).isPositive();
        JsonNode quiet = doc.path("tenants").path("quiet");
        JsonNode flood = doc.path("tenants").path("flood");
        assertThat(quiet.path("tasks").asLong()).isEqualTo(120);
        assertThat(flood.path("tasks").asLong()).isEqualTo(1080);
        // simulated agents report nothing, so each call is charged its estimate: 500 tokens at 2.0 per 1k
        assertThat(quiet.path("tokens").asLong()).isEqualTo(120 * 500);
        assertThat(quiet.path("cost").asDouble()).isEqualTo(120.0);
        // fair queueing: the quiet tenant's tasks do not wait behind the flood's backlog
        System.out.printf("simulate --limits: quiet p95 wait %.0f ms, flood p95 wait %.0f ms%n",
                quiet.path("waitP95Ms").asDouble(), flood.path("waitP95Ms").asDouble());
        assertThat(quiet.path("waitP95Ms").asDouble()).isLessThan(flood.path("waitP95Ms").asDouble() / 10);
        List<JsonNode> log = EventLog.readAndCheck(events, true);
        assertThat(EventLog.count(log, "resource.wait")).isPositive();
        assertThat(log.stream().filter(e -> e.get("ev").asText().equals("task.submit"))
                .map(e -> e.get("tenant").asText()).distinct()).containsExactlyInAnyOrder("quiet", "flood");
    }

    @Test
    void aTableShowsTenantsWithoutLimitsToo() throws IOException {
        Cli.Result r = Cli.run("simulate", trace().toString(), "--queue", "5000");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("tenant", "quiet", "flood", "wait p95", "share");
        assertThat(r.out()).doesNotContain("peak calls/60s");
    }

    @Test
    void mistakesInTheLimitsFileNameTheFieldAndValue() throws IOException {
        Path t = trace();
        Cli.Result r = Cli.run("simulate", t.toString(), "--limits", limits("{\"resources\": {\"m\": {\"rpm\": 5}}}").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("unknown field resources.m.rpm", "requestsPerMinute");
        r = Cli.run("simulate", t.toString(), "--limits", limits("{\"tenants\": {\"a\": {\"weight\": 0}}}").toString());
        assertThat(r.err()).contains("tenants.a.weight must be a finite number > 0, got 0");
        r = Cli.run("simulate", t.toString(), "--limits", limits("{\"types\": {\"code\": {\"m\": -1}}}").toString());
        assertThat(r.err()).contains("types.code.m must be a whole number between 0 and");
        r = Cli.run("simulate", t.toString(), "--limits", limits("{\"resources\": ").toString());
        assertThat(r.err()).contains("not valid JSON");
        r = Cli.run("simulate", t.toString(), "--limits", dir.resolve("missing.json").toString());
        assertThat(r.err()).contains("--limits: file not found");
    }

    /** Values the core would refuse are refused by the loader first, naming the field: never an internal error. */
    @Test
    void everyFieldTheCoreChecksIsAUsageErrorNamingTheField() throws IOException {
        Path t = trace();
        String[][] cases = {
                {"{\"resources\": {\"r\": {\"pricePer1kTokens\": -1}}}", "resources.r.pricePer1kTokens must be a finite number >= 0, got -1"},
                {"{\"resources\": {\"r\": {\"pricePer1kTokens\": 1e400}}}", "resources.r.pricePer1kTokens must be a finite number >= 0"},
                {"{\"resources\": {\"r\": {\"maxPause\": \"0\"}}}", "resources.r.maxPause must be longer than 0, got \"0\""},
                {"{\"resources\": {\"r\": {\"defaultPause\": \"0s\"}}}", "resources.r.defaultPause must be longer than 0, got \"0s\""},
                {"{\"resources\": {\"r\": {\"tokensPerMinute\": 1000000000000001}}}",
                        "resources.r.tokensPerMinute must be a whole number between 0 and 1000000000000000, got 1000000000000001"},
                {"{\"tenants\": {\"a\": {\"weight\": -1}}}", "tenants.a.weight must be a finite number > 0, got -1"},
                {"{\"tenants\": {\"a\": {\"budgetCost\": -1}}}", "tenants.a.budgetCost must be a finite number >= 0, got -1"},
                {"{\"tenants\": {\"a\": {\"budgetCost\": 1e400}}}", "tenants.a.budgetCost must be a finite number >= 0"},
                {"{\"tenants\": {\"a\": {\"budgetTokens\": 9000000000000000000}}}",
                        "tenants.a.budgetTokens must be a whole number between 0 and 1000000000000000, got 9000000000000000000"},
                {"{\"types\": {\"code\": {\"r\": 5000000000000000000}}}",
                        "types.code.r must be a whole number between 0 and 1000000000000, got 5000000000000000000"},
        };
        for (String[] c : cases) {
            Cli.Result r = Cli.run("simulate", t.toString(), "--limits", limits(c[0]).toString());
            assertThat(r.code()).as(c[0] + "\n" + r).isEqualTo(2);
            assertThat(r.err()).as(c[0]).contains("--limits " + dir.resolve("limits.json") + ": " + c[1])
                    .doesNotContain("internal error").doesNotContain("Exception");
        }
    }

    /** The largest estimates the loader takes still add up exactly: the budget stops the second task. */
    @Test
    void theLargestEstimateStillStopsAtTheBudget() throws IOException {
        Path t = dir.resolve("two.csv");
        Files.writeString(t, "arrival_ms,type,duration_ms,priority,affinity\n0,code,100,0,\n10,code,100,0,\n");
        Cli.Result r = Cli.run("simulate", t.toString(), "--json", "--limits", limits("""
                {"types": {"code": {"r": 1000000000000}}, "resources": {"r": {"pricePer1kTokens": 0.001}},
                 "tenants": {"default": {"budgetTokens": 1500000000000}}}""").toString());
        assertThat(r.code()).as(r.toString()).isZero();
        JsonNode states = new ObjectMapper().readTree(r.out()).at("/summary/tasksByFinalState");
        assertThat(states.path("succeeded").asLong()).as(r.out()).isEqualTo(1);
        assertThat(states.path("failed").asLong()).as(r.out()).isEqualTo(1);
    }
}
