package io.trinity.pool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads an event log for a test and asserts it keeps the contract ({@link EventLogCheck}). */
final class EventLog {

    private EventLog() {
    }

    /**
     * Parses every line and asserts the contract, every task in exactly one final state
     * included; returns the events in order.
     *
     * @param orderedTime whether {@code t} must be non-decreasing
     */
    static List<JsonNode> readAndCheck(Path file, boolean orderedTime) throws IOException {
        return readAndCheck(file, new EventLogCheck.Options(false, orderedTime, 20));
    }

    private static List<JsonNode> readAndCheck(Path file, EventLogCheck.Options options) throws IOException {
        List<JsonNode> events = new ArrayList<>();
        EventLogCheck.Report r = EventLogCheck.check(file, options, events::add);
        assertThat(r.violations()).as("violations of " + file + " (" + r.violationCount() + " in all, by kind "
                + r.byKind() + ")").isEmpty();
        return events;
    }

    static long count(List<JsonNode> events, String ev) {
        return events.stream().filter(e -> e.get("ev").asText().equals(ev)).count();
    }
}
