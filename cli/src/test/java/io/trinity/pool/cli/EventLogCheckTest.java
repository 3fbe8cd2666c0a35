package io.trinity.pool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.cli.EventLogCheck.Kind;
import io.trinity.pool.cli.EventLogCheck.Options;
import io.trinity.pool.cli.EventLogCheck.Report;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventLogCheckTest {

    /** Every rule kept: retries, a dead letter after a failed end, a reject without submit, extras. */
    static final String GOOD = """
            {"t":0,"ev":"agent.spawn","agent":"code-1","type":"code","cause":"warm_pool"}
            {"t":500,"ev":"agent.state","agent":"code-1","type":"code","from":"SPAWNING","to":"READY"}
            {"t":1200,"ev":"task.submit","task":1,"type":"code","priority":0,"tenant":"default"}
            {"t":1200,"ev":"task.dispatch","task":1,"agent":"code-1","balancer":"least-loaded","attempt":1}
            {"t":1450,"ev":"tenant.spend","tenant":"default","task":1,"tokens":5,"cost":0.1,"totalTokens":5,"totalCost":0.1}
            {"t":1450,"ev":"task.end","task":1,"agent":"code-1","outcome":"succeeded","ms":250}
            {"t":1500,"ev":"task.submit","task":2,"type":"code","priority":0}
            {"t":1500,"ev":"task.hold","task":2,"agent":"code-1","balancer":"affinity","waitMs":2000}
            {"t":1500,"ev":"task.dispatch","task":2,"agent":"code-1","balancer":"least-loaded","attempt":1}
            {"t":1600,"ev":"task.end","task":2,"agent":"code-1","outcome":"failed","ms":100,"reason":"boom"}
            {"t":1600,"ev":"task.retry","task":2,"attempt":1,"reason":"boom","backoffMs":100}
            {"t":1700,"ev":"task.dispatch","task":2,"agent":"code-1","balancer":"least-loaded","attempt":2}
            {"t":1800,"ev":"task.end","task":2,"agent":"code-1","outcome":"failed","ms":100,"reason":"boom"}
            {"t":1800,"ev":"task.deadletter","task":2,"attempt":2,"reason":"boom"}
            {"t":1900,"ev":"task.reject","task":3,"type":"code","reason":"queue_full"}
            {"t":2000,"ev":"task.submit","task":4,"type":"code","priority":5}
            {"t":2000,"ev":"resource.wait","task":4,"resource":"llm","reason":"requests_per_minute","waitMs":50}
            {"t":2100,"ev":"task.dispatch","task":4,"agent":"code-1","balancer":"least-loaded","attempt":1}
            {"t":2200,"ev":"task.end","task":4,"agent":"code-1","outcome":"preempted","ms":100}
            {"t":2300,"ev":"task.dispatch","task":4,"agent":"code-1","balancer":"least-loaded","attempt":1}
            {"t":2400,"ev":"task.end","task":4,"agent":"code-1","outcome":"rate_limited","ms":100}
            {"t":2500,"ev":"task.dispatch","task":4,"agent":"code-1","balancer":"least-loaded","attempt":1}
            {"t":2600,"ev":"task.end","task":4,"agent":"code-1","outcome":"timed_out","ms":100}
            {"t":2600,"ev":"health.stuck","agent":"code-1","task":4,"silentMs":3000}
            {"t":2700,"ev":"task.submit","task":5,"type":"code","priority":0}
            {"t":2800,"ev":"task.end","task":5,"outcome":"cancelled","ms":0}
            {"t":2900,"ev":"health.circuit_open","type":"code","failures":5}
            {"t":2900,"ev":"something.new","detail":"extra events are fine"}
            {"t":3000,"ev":"agent.destroy","agent":"code-1","type":"code","reason":"shutdown"}
            """;

    private static String sorted(java.util.Set<String> values) {
        return values.stream().sorted().toList().toString();
    }

    private static Report check(String log) {
        return check(log, Options.strict());
    }

    private static Report check(String log, Options options) {
        EventLogCheck c = new EventLogCheck(options);
        log.lines().forEach(c::accept);
        return c.finish();
    }

    @Test
    void aGoodLogPasses() {
        Report r = check(GOOD);

        assertThat(r.violations()).isEmpty();
        assertThat(r.ok()).isTrue();
        assertThat(r.events()).isEqualTo(29);
        assertThat(r.tasks()).isEqualTo(5);
        assertThat(r.unknownEvents()).isEqualTo(Map.of("something.new", 1L));
    }

    @Test
    void aLineThatIsNotAJsonObjectOrHasNoTimeOrNameIsReported() {
        Report r = check("""
                {"t":0,"ev":"pool.stats","agents":{},"queue":0}
                not json
                [1,2]
                {"t":1,"ev":"pool.stats","agents":{},"queue":0} trailing
                {"ev":"pool.stats","agents":{},"queue":0}
                {"t":-1,"ev":"pool.stats","agents":{},"queue":0}
                {"t":1.5,"ev":"pool.stats","agents":{},"queue":0}
                {"t":2,"ev":7}
                """);

        assertThat(r.violations()).extracting(EventLogCheck.Violation::toString).satisfiesExactly(
                v -> assertThat(v).startsWith("line 2: not JSON: "),
                v -> assertThat(v).isEqualTo("line 3: not a JSON object: [1,2]"),
                v -> assertThat(v).startsWith("line 4: not JSON: "),
                v -> assertThat(v).isEqualTo("line 5: \"t\" must be a whole number >= 0 (got null)"),
                v -> assertThat(v).isEqualTo("line 6: \"t\" must be a whole number >= 0 (got -1)"),
                v -> assertThat(v).isEqualTo("line 7: \"t\" must be a whole number >= 0 (got 1.5)"),
                v -> assertThat(v).isEqualTo("line 8: \"ev\" must be a string (got 7)"));
        assertThat(r.byKind()).containsEntry(Kind.NOT_JSON_OBJECT, 3L).containsEntry(Kind.BAD_TIME, 3L)
                .containsEntry(Kind.BAD_EVENT, 1L);
    }

    @Test
    void timeGoingBackIsReported() {
        Report r = check("""
                {"t":478,"ev":"pool.stats","agents":{},"queue":0}
                {"t":477,"ev":"pool.stats","agents":{},"queue":0}
                {"t":478,"ev":"pool.stats","agents":{},"queue":0}
                """);

        assertThat(r.violations()).extracting(EventLogCheck.Violation::toString)
                .containsExactly("line 2: t 477 is before t 478 of line 1");
        assertThat(check("""
                {"t":478,"ev":"pool.stats","agents":{},"queue":0}
                {"t":477,"ev":"pool.stats","agents":{},"queue":0}
                """, new Options(false, false, 50)).ok()).as("unordered allowed").isTrue();
    }

    @Test
    void missingFieldsAndUnknownValuesAreReported() {
        Report r = check("""
                {"t":0,"ev":"agent.spawn","agent":"a-1","type":"code","cause":"whim"}
                {"t":0,"ev":"agent.state","agent":"a-1","type":"code","from":"SPAWNING","to":"DANCING"}
                {"t":0,"ev":"agent.destroy","agent":"a-1","type":"code"}
                {"t":1,"ev":"task.submit","task":"one","type":"code","priority":0}
                {"t":1,"ev":"task.submit","task":1,"type":"code","priority":0}
                {"t":2,"ev":"task.end","task":1,"outcome":"succeeded","ms":3}
                {"t":3,"ev":"task.reject","task":2,"reason":"bored"}
                {"t":4,"ev":"task.hold","task":1,"agent":"a-1","balancer":"affinity","waitMs":-5}
                {"t":4,"ev":"task.hold","task":1,"agent":"a-1","waitMs":5}
                """, new Options(true, true, 50));

        assertThat(r.violations()).extracting(EventLogCheck.Violation::toString).containsExactly(
                "line 1: agent.spawn: \"cause\" must be one of " + sorted(EventContract.CAUSES) + " (got \"whim\")",
                "line 2: agent.state: \"to\" must be one of " + sorted(EventContract.AGENT_STATES)
                        + " (got \"DANCING\")",
                "line 3: agent.destroy: missing field \"reason\"",
                "line 4: task.submit: \"task\" must be an integer (got \"one\")",
                "line 6: task.end: missing field \"agent\" (only a cancelled or failed task may end without one)",
                "line 7: task.reject: \"reason\" must be one of " + sorted(EventContract.REJECT_REASONS)
                        + " (got \"bored\")",
                "line 8: task.hold: \"waitMs\" must be a whole number >= 0 (got -5)",
                "line 9: task.hold: missing field \"balancer\"");
        // The allowed values follow the core's enums, so a value added there is accepted here.
        assertThat(EventContract.CAUSES).contains("on_demand", "replace");
        assertThat(EventContract.REJECT_REASONS).contains("queue_full", "invalid", "shutdown");
        assertThat(r.byKind()).containsOnlyKeys(Kind.BAD_EVENT);
    }

    @Test
    void aSubmittedTaskWithoutAFinalStateIsReportedUnlessTheLogWasCut() {
        String log = """
                {"t":0,"ev":"task.submit","task":17,"type":"code","priority":0}
                {"t":1,"ev":"task.dispatch","task":17,"agent":"code-1","balancer":"least-loaded","attempt":1}
                {"t":2,"ev":"task.end","task":17,"agent":"code-1","outcome":"failed","ms":1}
                {"t":2,"ev":"task.retry","task":17,"attempt":1,"reason":"boom"}
                {"t":3,"ev":"task.submit","task":18,"type":"code","priority":0}
                {"t":4,"ev":"task.end","task":18,"agent":"code-1","outcome":"preempted","ms":1}
                """;

        assertThat(check(log).violations()).extracting(EventLogCheck.Violation::toString).containsExactly(
                "task 17: no final state (submitted at line 1; use --allow-open for a log that was cut)",
                "task 18: no final state (submitted at line 5; use --allow-open for a log that was cut)");
        assertThat(check(log, new Options(true, true, 50)).ok()).isTrue();
    }

    @Test
    void aTaskWithTwoFinalStatesIsReported() {
        Report r = check("""
                {"t":0,"ev":"task.submit","task":1,"type":"code","priority":0}
                {"t":1,"ev":"task.end","task":1,"agent":"code-1","outcome":"succeeded","ms":1}
                {"t":2,"ev":"task.end","task":1,"outcome":"cancelled","ms":0}
                {"t":3,"ev":"task.submit","task":2,"type":"code","priority":0}
                {"t":4,"ev":"task.deadletter","task":2,"attempt":3,"reason":"boom"}
                {"t":5,"ev":"task.reject","task":2,"reason":"shutdown"}
                {"t":6,"ev":"task.submit","task":3,"type":"code","priority":0}
                {"t":7,"ev":"task.end","task":3,"agent":"code-1","outcome":"failed","ms":1}
                {"t":7,"ev":"task.deadletter","task":3,"attempt":1,"reason":"boom"}
                {"t":8,"ev":"task.deadletter","task":3,"attempt":1,"reason":"boom"}
                """);

        assertThat(r.violations()).extracting(EventLogCheck.Violation::toString).containsExactly(
                "line 3: task 1: a second final state task.end cancelled (the first: task.end succeeded at line 2)",
                "line 6: task 2: a second final state task.reject (the first: task.deadletter at line 5)",
                "line 10: task 3: a second final state task.deadletter (the first: task.deadletter at line 9)");
        assertThat(r.byKind()).containsOnly(Map.entry(Kind.TWO_FINAL_STATES, 3L));
    }

    @Test
    void aLifecycleEventAfterTheFinalStateIsReportedButInformationalOnesAreNot() {
        Report r = check("""
                {"t":0,"ev":"task.submit","task":1,"type":"code","priority":0}
                {"t":1,"ev":"task.end","task":1,"agent":"code-1","outcome":"succeeded","ms":1}
                {"t":2,"ev":"task.dispatch","task":1,"agent":"code-1","balancer":"least-loaded","attempt":2}
                {"t":3,"ev":"health.stuck","agent":"code-1","task":1,"silentMs":3000}
                {"t":4,"ev":"task.submit","task":2,"type":"code","priority":0}
                {"t":5,"ev":"task.end","task":2,"agent":"code-1","outcome":"failed","ms":1}
                {"t":6,"ev":"task.dispatch","task":2,"agent":"code-1","balancer":"least-loaded","attempt":2}
                {"t":7,"ev":"task.end","task":2,"agent":"code-1","outcome":"preempted","ms":1}
                {"t":8,"ev":"task.retry","task":2,"attempt":2,"reason":"late"}
                """);

        assertThat(r.violations()).extracting(EventLogCheck.Violation::toString).containsExactly(
                "line 3: task 1: task.dispatch after its final state task.end succeeded at line 2",
                "line 7: task 2: task.dispatch after its final state task.end failed at line 6",
                "line 8: task 2: task.end preempted after its final state task.end failed at line 6",
                "line 9: task 2: task.retry after its final state task.end failed at line 6");
        assertThat(r.byKind()).containsOnly(Map.entry(Kind.AFTER_FINAL, 4L));
    }

    @Test
    void eventsOfATaskNeverSubmittedAndASecondSubmitAreReported() {
        Report r = check("""
                {"t":0,"ev":"task.dispatch","task":9,"agent":"code-1","balancer":"least-loaded","attempt":1}
                {"t":1,"ev":"task.submit","task":1,"type":"code","priority":0}
                {"t":2,"ev":"task.submit","task":1,"type":"code","priority":0}
                {"t":3,"ev":"task.end","task":1,"agent":"code-1","outcome":"succeeded","ms":1}
                """);

        assertThat(r.violations()).extracting(EventLogCheck.Violation::toString).containsExactly(
                "line 1: task 9: task.dispatch before any task.submit",
                "line 3: task 1: task.submit again (first at line 2)");
        assertThat(r.byKind()).containsOnly(Map.entry(Kind.NOT_SUBMITTED, 1L), Map.entry(Kind.SUBMITTED_TWICE, 1L));
    }

    @Test
    void onlyTheFirstViolationsAreKeptButAllAreCounted() {
        StringBuilder log = new StringBuilder();
        for (int i = 0; i < 120; i++) {
            log.append("{\"t\":0,\"ev\":\"task.submit\",\"task\":").append(i).append(",\"type\":\"code\",\"priority\":0}\n");
        }

        Report r = check(log.toString(), new Options(false, true, 50));

        assertThat(r.violations()).hasSize(50);
        assertThat(r.violationCount()).isEqualTo(120);
        assertThat(r.byKind()).containsOnly(Map.entry(Kind.NO_FINAL_STATE, 120L));
    }

    /** task.retry follows a failed or timed-out attempt and task.deadletter a failed one; after success they are late. */
    @Test
    void aRetryOrDeadLetterAfterASucceededOrCancelledEndIsAfterTheFinalState() {
        Report r = check("""
                {"t":0,"ev":"task.submit","task":1,"type":"code","priority":0}
                {"t":1,"ev":"task.end","task":1,"agent":"code-1","outcome":"succeeded","ms":1}
                {"t":2,"ev":"task.retry","task":1,"attempt":1,"reason":"boom","backoffMs":100}
                {"t":3,"ev":"task.dispatch","task":1,"agent":"code-1","balancer":"least-loaded","attempt":2}
                {"t":4,"ev":"task.end","task":1,"agent":"code-1","outcome":"succeeded","ms":1}
                {"t":5,"ev":"task.submit","task":2,"type":"code","priority":0}
                {"t":6,"ev":"task.end","task":2,"agent":"code-1","outcome":"succeeded","ms":1}
                {"t":7,"ev":"task.deadletter","task":2,"attempt":1,"reason":"boom"}
                {"t":8,"ev":"task.submit","task":3,"type":"code","priority":0}
                {"t":9,"ev":"task.end","task":3,"outcome":"cancelled","ms":0}
                {"t":10,"ev":"task.retry","task":3,"attempt":1,"reason":"boom","backoffMs":100}
                {"t":11,"ev":"task.submit","task":4,"type":"code","priority":0}
                {"t":12,"ev":"task.end","task":4,"agent":"code-1","outcome":"timed_out","ms":1}
                {"t":13,"ev":"task.deadletter","task":4,"attempt":1,"reason":"late"}
                {"t":14,"ev":"task.submit","task":5,"type":"code","priority":0}
                {"t":15,"ev":"task.end","task":5,"agent":"code-1","outcome":"timed_out","ms":1}
                {"t":16,"ev":"task.retry","task":5,"attempt":1,"reason":"timed out","backoffMs":100}
                {"t":17,"ev":"task.dispatch","task":5,"agent":"code-1","balancer":"least-loaded","attempt":2}
                {"t":18,"ev":"task.end","task":5,"agent":"code-1","outcome":"succeeded","ms":1}
                """);

        assertThat(r.violations()).extracting(EventLogCheck.Violation::toString).containsExactly(
                "line 3: task 1: task.retry after its final state task.end succeeded at line 2",
                "line 4: task 1: task.dispatch after its final state task.end succeeded at line 2",
                "line 5: task 1: a second final state task.end succeeded (the first: task.end succeeded at line 2)",
                "line 8: task 2: a second final state task.deadletter (the first: task.end succeeded at line 7)",
                "line 11: task 3: task.retry after its final state task.end cancelled at line 10",
                "line 14: task 4: a second final state task.deadletter (the first: task.end timed_out at line 13)");
        assertThat(r.byKind()).containsOnly(Map.entry(Kind.AFTER_FINAL, 3L), Map.entry(Kind.TWO_FINAL_STATES, 3L));
    }

    /** A shed names an accepted, queued task: after its final state it is as late as any lifecycle event. */
    @Test
    void aShedAfterTheFinalStateIsReported() {
        Report r = check("""
                {"t":0,"ev":"task.submit","task":1,"type":"code","priority":0}
                {"t":1,"ev":"task.end","task":1,"agent":"code-1","outcome":"succeeded","ms":1}
                {"t":2,"ev":"task.reject","task":1,"type":"code","reason":"shed","tenant":"loud"}
                {"t":3,"ev":"task.submit","task":2,"type":"code","priority":0}
                {"t":4,"ev":"task.reject","task":2,"type":"code","reason":"shed","tenant":"loud"}
                {"t":4,"ev":"task.end","task":2,"outcome":"cancelled","ms":0}
                {"t":5,"ev":"task.reject","task":2,"type":"code","reason":"shed","tenant":"loud"}
                """);

        assertThat(r.violations()).extracting(EventLogCheck.Violation::toString).containsExactly(
                "line 3: task 1: task.reject shed after its final state task.end succeeded at line 2",
                "line 7: task 2: task.reject shed after its final state task.end cancelled at line 6");
        assertThat(r.byKind()).containsOnly(Map.entry(Kind.AFTER_FINAL, 2L));
    }
}
