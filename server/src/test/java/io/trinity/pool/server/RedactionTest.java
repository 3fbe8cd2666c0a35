package io.trinity.pool.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every text of the pool's that names a task or a tenant, as a tenant key reads it: another
 * tenant's name and task ids are gone, its own stay; an admin key reads the text whole.
 */
class RedactionTest {

    private static final Principal ACME = new Principal("acme", Role.TENANT, "a");
    private static final Principal ADMIN = new Principal("ops", Role.ADMIN, "o");
    /** Tasks 7 and 12 are acme's, 15 is beta's; others are unknown. */
    private static final Redaction REDACTION = new Redaction(Map.of(7L, "acme", 12L, "acme", 15L, "beta")::get);

    @Test
    void aPreemptionByAnotherTenantsTaskNamesNeitherTheTaskNorItsPriority() {
        String text = "preempted by task 15 (priority 900)";
        assertThat(REDACTION.forViewer(text, ACME)).isEqualTo("preempted by a higher-priority task of another tenant");
        assertThat(REDACTION.forViewer(text, ADMIN)).isEqualTo(text);
        // by a task of its own, or one the server no longer knows (then it may be anyone's)
        assertThat(REDACTION.forViewer("preempted by task 12 (priority 900)", ACME))
                .isEqualTo("preempted by task 12 (priority 900)");
        assertThat(REDACTION.forViewer("preempted by task 99 (priority -5)", ACME))
                .isEqualTo("preempted by a higher-priority task of another tenant");
    }

    @Test
    void aStuckAttemptOfAnotherTenantsTaskIsNotNamed() {
        // a failed agent's reason reaches every task it ran, and pool-level events (agent.state,
        // health.restart, health.circuit_open) every tenant sees
        String stuck = "agent data-3 stuck: attempt 2 of task 15 ended (timed_out) 5000 ms ago but its code has not"
                + " returned (it ignores interrupts) on agent data-3";
        assertThat(REDACTION.forViewer(stuck, ACME)).isEqualTo("agent data-3 stuck: an attempt of a task of another"
                + " tenant ended (timed_out) 5000 ms ago but its code has not returned (it ignores interrupts) on agent"
                + " data-3");
        assertThat(REDACTION.forViewer(stuck, ADMIN)).isEqualTo(stuck);
        assertThat(REDACTION.forViewer(stuck.replace("task 15", "task 7"), ACME)).isEqualTo(stuck.replace("task 15",
                "task 7"));
        assertThat(REDACTION.forViewer(stuck.replace("task 15", "task 99"), ACME)).doesNotContain("99");
    }

    @Test
    void aShedTasksReasonKeepsItsOwnTenantAndHidesTheOther() {
        String shed = "shed: queue full and tenant 'acme' holds 2 of 2 queued slots, above its weighted share of"
                + " 1.0; its newest task gave way to task 15 of tenant 'beta', below its share; resubmit later, lower"
                + " the rate of tenant 'acme', or raise queueCapacity";
        assertThat(REDACTION.forViewer(shed, ACME)).contains("tenant 'acme' holds", "gave way to a task of another"
                + " tenant, below").doesNotContain("beta").doesNotContain("15");
        assertThat(REDACTION.forViewer(shed, ADMIN)).isEqualTo(shed);
    }

    @Test
    void anEventLineIsRedactedWholeAndOtherTextsAreLeftAlone() {
        String line = "{\"t\":4192,\"ev\":\"task.end\",\"task\":10,\"agent\":\"system-1\",\"outcome\":\"preempted\","
                + "\"ms\":960,\"reason\":\"preempted by task 15 (priority 900)\"}";
        assertThat(REDACTION.forViewer(line, ACME)).isEqualTo(line.replace("task 15 (priority 900)",
                "a higher-priority task of another tenant"));
        assertThat(REDACTION.forViewer(List.of("timed out after 100 ms on agent echo-1", "task 15 failed"), ACME))
                .containsExactly("timed out after 100 ms on agent echo-1", "task 15 failed");
        assertThat(REDACTION.forViewer((String) null, ACME)).isNull();
    }
}
