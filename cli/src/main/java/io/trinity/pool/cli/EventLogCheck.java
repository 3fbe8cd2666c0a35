package io.trinity.pool.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Checks an event log (JSON Lines, DESIGN.md "Event log") line by line: each line is a JSON
 * object with an integral, non-negative {@code t} and a string {@code ev}; {@code t} never goes
 * back; each event of the contract has its fields and valid values ({@link EventContract}); and
 * every task that was submitted reaches exactly one final state, after which only
 * informational events (health.stuck, tenant.spend, ...) may name it.
 *
 * <p>Final states: {@code task.reject}, {@code task.deadletter}, or a {@code task.end} with
 * outcome succeeded, failed, timed_out or cancelled whose task's next lifecycle event is not a
 * {@code task.retry} after a failed or timed_out end (a retry makes it one attempt among
 * several) nor a {@code task.deadletter} after a failed end (which is then the one final
 * state); a retry or dead letter after a succeeded or cancelled end comes after the final state. Outcomes preempted and rate_limited are never final: the
 * task goes back to the queue. So a {@code task.end} stays "pending" until its task's next
 * lifecycle event, or the end of the log, decides.
 *
 * <p>Memory grows with the number of tasks (one small record each), not with the number of
 * events; only the first {@code keep} violations are kept, all are counted.
 */
final class EventLogCheck {

    /** What kind of rule a violation broke; the CLI prints counts by kind. */
    enum Kind {
        NOT_JSON_OBJECT, BAD_TIME, TIME_BACKWARDS, BAD_EVENT, NOT_SUBMITTED, SUBMITTED_TWICE, AFTER_FINAL,
        TWO_FINAL_STATES, NO_FINAL_STATE;

        /** How the CLI prints it. */
        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** One broken rule; {@code line} is 1-based, 0 for a finding about the whole log. */
    record Violation(Kind kind, long line, String message) {
        @Override
        public String toString() {
            return line > 0 ? "line " + line + ": " + message : message;
        }
    }

    /**
     * @param allowOpen   the log was cut: a submitted task without a final state is fine
     * @param orderedTime {@code t} must be non-decreasing (off only for tests of real-time runs
     *                    that check something else)
     * @param keep        how many violations to keep for printing (all are counted)
     */
    record Options(boolean allowOpen, boolean orderedTime, int keep) {
        static Options strict() {
            return new Options(false, true, 50);
        }
    }

    /** The outcome of a check. */
    record Report(long events, long tasks, long violationCount, List<Violation> violations,
                  Map<Kind, Long> byKind, Map<String, Long> unknownEvents) {
        boolean ok() {
            return violationCount == 0;
        }

        long unknownCount() {
            return unknownEvents.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** Lifecycle events: after a task's final state none of these may name it. */
    private static final Set<String> LIFECYCLE = Set.of("task.submit", "task.reject", "task.dispatch", "task.end",
            "task.retry", "task.deadletter", "resource.wait", "task.hold");
    private static final Set<String> FINAL_OUTCOMES = Set.of("succeeded", "failed", "timed_out", "cancelled");
    /** Ends a {@code task.retry} may follow: "a failed attempt will be retried" (a timeout is a failed attempt too). */
    private static final Set<String> RETRIED_OUTCOMES = Set.of("failed", "timed_out");
    /** Ends a {@code task.deadletter} may follow: "the last attempt failed" (a last timeout ends TIMED_OUT instead). */
    private static final Set<String> DEAD_LETTERED_OUTCOMES = Set.of("failed");

    /** What the checker remembers per task id. */
    private static final class Track {
        long submitLine;
        /** The event and line of the final state, once decided. */
        String finalEvent;
        long finalLine;
        /** A task.end that is final unless a retry or dead letter follows. */
        String pendingEnd;
        String pendingOutcome;
        long pendingLine;
    }

    private final ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private final Options options;
    private final Map<Long, Track> tasks = new HashMap<>();
    private final List<Violation> kept = new ArrayList<>();
    private final Map<Kind, Long> byKind = new EnumMap<>(Kind.class);
    private final Map<String, Long> unknown = new TreeMap<>();
    private long violations;
    private long line;
    private long events;
    private long lastT = Long.MIN_VALUE;
    private long lastTLine;

    EventLogCheck(Options options) {
        this.options = options;
    }

    /** Checks a whole file; {@code each} sees every line that parsed as a JSON object. */
    static Report check(Path file, Options options, Consumer<JsonNode> each) throws IOException {
        EventLogCheck check = new EventLogCheck(options);
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String l = in.readLine(); l != null; l = in.readLine()) {
                JsonNode e = check.accept(l);
                if (e != null) {
                    each.accept(e);
                }
            }
        } catch (CharacterCodingException e) {
            check.violation(Kind.NOT_JSON_OBJECT, check.line + 1, "not UTF-8 text; the check stopped here");
        }
        return check.finish();
    }

    /** Checks the next line; returns it parsed, or null when it is not a JSON object. */
    JsonNode accept(String text) {
        line++;
        events++;
        JsonNode e;
        try {
            e = json.readTree(text);
        } catch (JsonProcessingException ex) {
            violation(Kind.NOT_JSON_OBJECT, line, "not JSON: " + ex.getOriginalMessage());
            return null;
        }
        if (e == null || !e.isObject()) {
            violation(Kind.NOT_JSON_OBJECT, line, "not a JSON object: " + abbreviate(text));
            return null;
        }
        checkTime(e);
        JsonNode evNode = e.get("ev");
        if (evNode == null || !evNode.isTextual()) {
            violation(Kind.BAD_EVENT, line, "\"ev\" must be a string (got " + evNode + ")");
            return e;
        }
        String ev = evNode.asText();
        if (!EventContract.known(ev)) {
            unknown.merge(ev, 1L, Long::sum);
            return e;
        }
        List<String> problems = EventContract.problems(ev, e);
        for (String p : problems) {
            violation(Kind.BAD_EVENT, line, ev + ": " + p);
        }
        if (problems.isEmpty() && LIFECYCLE.contains(ev)) {
            lifecycle(ev, e.get("task").asLong(), e);
        }
        return e;
    }

    /** Ends the check: pending ends become final; submitted tasks without a final state are reported. */
    Report finish() {
        List<Long> ids = new ArrayList<>(tasks.keySet());
        Collections.sort(ids);
        for (long id : ids) {
            Track tr = tasks.get(id);
            settlePending(id, tr);
            if (tr.finalEvent == null && !options.allowOpen()) {
                violation(Kind.NO_FINAL_STATE, 0, "task " + id + ": no final state (submitted at line " + tr.submitLine
                        + "; use --allow-open for a log that was cut)");
            }
        }
        return new Report(events, tasks.size(), violations, List.copyOf(kept), Collections.unmodifiableMap(byKind),
                Collections.unmodifiableMap(unknown));
    }

    private void checkTime(JsonNode e) {
        JsonNode t = e.get("t");
        if (t == null || !t.isIntegralNumber() || !t.canConvertToLong() || t.asLong() < 0) {
            violation(Kind.BAD_TIME, line, "\"t\" must be a whole number >= 0 (got " + t + ")");
            return;
        }
        long now = t.asLong();
        if (options.orderedTime() && now < lastT) {
            violation(Kind.TIME_BACKWARDS, line, "t " + now + " is before t " + lastT + " of line " + lastTLine);
        }
        if (now >= lastT) {
            lastT = now;
            lastTLine = line;
        }
    }

    private void lifecycle(String ev, long id, JsonNode e) {
        Track tr = tasks.get(id);
        if (ev.equals("task.submit")) {
            if (tr != null) {
                violation(Kind.SUBMITTED_TWICE, line, "task " + id + ": task.submit again (first at line "
                        + (tr.submitLine > 0 ? tr.submitLine : tr.finalLine) + ")");
                return;
            }
            tr = new Track();
            tr.submitLine = line;
            tasks.put(id, tr);
            return;
        }
        if (tr == null) {
            if (ev.equals("task.reject")) { // refused at submit: never submitted, final at once
                tr = new Track();
                tasks.put(id, tr);
                decideFinal(id, tr, ev, line);
            } else {
                violation(Kind.NOT_SUBMITTED, line, "task " + id + ": " + ev + " before any task.submit");
            }
            return;
        }
        if (tr.pendingEnd != null) {
            // only a failed attempt is retried or dead-lettered (a timed-out one is retried, and its last
            // attempt ends TIMED_OUT): after a succeeded or cancelled end they come after the final state
            if (ev.equals("task.retry") && RETRIED_OUTCOMES.contains(tr.pendingOutcome)) {
                tr.pendingEnd = null; // one attempt of several, not the end
                return;
            }
            if (ev.equals("task.deadletter") && DEAD_LETTERED_OUTCOMES.contains(tr.pendingOutcome)) {
                tr.pendingEnd = null; // the dead letter is the final state, counted once
                decideFinal(id, tr, ev, line);
                return;
            }
            settlePending(id, tr);
        }
        if (ev.equals("task.reject") && "shed".equals(e.path("reason").asText())) {
            // an accepted task shed from a full queue: its task.end follows and is final; none after the final state
            if (tr.finalEvent != null) {
                afterFinal(id, tr, ev + " shed");
            }
            return;
        }
        switch (ev) {
            case "task.reject", "task.deadletter" -> decideFinal(id, tr, ev, line);
            case "task.end" -> {
                String outcome = e.get("outcome").asText();
                if (!FINAL_OUTCOMES.contains(outcome)) { // preempted, rate_limited: back to the queue
                    if (tr.finalEvent != null) {
                        afterFinal(id, tr, ev + " " + outcome);
                    }
                } else if (tr.finalEvent != null) {
                    decideFinal(id, tr, ev + " " + outcome, line);
                } else {
                    tr.pendingEnd = ev + " " + outcome;
                    tr.pendingOutcome = outcome;
                    tr.pendingLine = line;
                }
            }
            default -> {
                if (tr.finalEvent != null) {
                    afterFinal(id, tr, ev);
                }
            }
        }
    }

    private void settlePending(long id, Track tr) {
        if (tr.pendingEnd != null) {
            String ev = tr.pendingEnd;
            tr.pendingEnd = null;
            decideFinal(id, tr, ev, tr.pendingLine);
        }
    }

    private void decideFinal(long id, Track tr, String ev, long at) {
        if (tr.finalEvent != null) {
            violation(Kind.TWO_FINAL_STATES, at, "task " + id + ": a second final state " + ev + " (the first: "
                    + tr.finalEvent + " at line " + tr.finalLine + ")");
            return;
        }
        tr.finalEvent = ev;
        tr.finalLine = at;
    }

    private void afterFinal(long id, Track tr, String what) {
        violation(Kind.AFTER_FINAL, line, "task " + id + ": " + what + " after its final state " + tr.finalEvent
                + " at line " + tr.finalLine);
    }

    private void violation(Kind kind, long at, String message) {
        violations++;
        byKind.merge(kind, 1L, Long::sum);
        if (kept.size() < options.keep()) {
            kept.add(new Violation(kind, at, message));
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
