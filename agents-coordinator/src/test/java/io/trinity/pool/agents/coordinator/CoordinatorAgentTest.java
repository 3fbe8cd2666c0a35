package io.trinity.pool.agents.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trinity.pool.Payload;
import io.trinity.pool.Task;
import io.trinity.pool.TaskHandle;
import io.trinity.pool.agent.Agent;
import io.trinity.pool.agent.AgentInit;
import io.trinity.pool.agent.NonRetryableException;
import io.trinity.pool.agent.TaskContext;
import io.trinity.pool.agents.common.Inputs;
import io.trinity.pool.agents.testing.FakeTaskContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CoordinatorAgentTest {

    private static final long WAIT_S = 20;

    /** data: sums a list of numbers. */
    private static final Agent SUM = ctx -> {
        List<Object> numbers = Inputs.requireList(ctx, "numbers");
        double sum = 0;
        for (Object n : numbers) {
            sum += ((Number) n).doubleValue();
        }
        return Payload.of(Map.of("sum", sum, "count", numbers.size()));
    };

    /** text: upper-cases text, also as an attachment. */
    private static final Agent UPPER = ctx -> {
        String upper = Inputs.requireString(ctx, "text").toUpperCase(Locale.ROOT);
        return Payload.of(Map.of("upper", upper, "length", upper.length()))
                .withAttachment("upper.txt", io.trinity.pool.Attachment.of("text/plain", upper.getBytes(StandardCharsets.UTF_8)));
    };

    /** generic: multiplies a by b. */
    private static final Agent MULTIPLY = ctx -> {
        double a = Inputs.optDouble(ctx, "a", Double.NaN, -1e12, 1e12);
        double b = Inputs.optDouble(ctx, "b", Double.NaN, -1e12, 1e12);
        return Payload.of(Map.of("product", a * b));
    };

    /** A subtask that runs until the test opens it, or until it is cancelled. */
    private static final class Gate implements Agent {
        final CompletableFuture<Void> entered = new CompletableFuture<>();
        final CompletableFuture<Void> open = new CompletableFuture<>();

        @Override
        public Payload execute(TaskContext ctx) throws Exception {
            CompletableFuture<Void> cancelled = new CompletableFuture<>();
            ctx.onCancel(() -> cancelled.complete(null));
            entered.complete(null);
            CompletableFuture.anyOf(open, cancelled).get(WAIT_S, TimeUnit.SECONDS);
            ctx.checkCancelled();
            return Payload.of(Map.of("opened", true, "value", ctx.data().getOrDefault("value", "none")));
        }
    }

    private static Map<String, Object> node(String id, String type, Map<String, ?> input, String... after) {
        return Map.of("id", id, "type", type, "input", input, "after", List.of(after));
    }

    private static FakeTaskContext coordinatorTask(TestPool pool, Map<String, ?> input) {
        FakeTaskContext ctx = FakeTaskContext.of("coordinator", input);
        ctx.submitter = pool::submit;
        return ctx;
    }

    private static CoordinatorAgent coordinator() {
        return (CoordinatorAgent) new CoordinatorAgent.Factory().create(new AgentInit("coordinator-1", "coordinator", Optional.empty()));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> sub(Payload out, String id) {
        return (Map<String, Object>) ((Map<String, Object>) out.data().get("subtasks")).get(id);
    }

    @Test
    void fansOutAcrossThreeTypesAndReportsTheFailedSubtask() throws Exception {
        TestPool pool = new TestPool(Map.of("data", SUM, "text", UPPER, "generic", MULTIPLY));
        FakeTaskContext ctx = coordinatorTask(pool, Map.of("graph", List.of(
                node("a", "data", Map.of("numbers", List.of(1, 2, 3, 4))),
                node("b", "text", Map.of("text", "hello")),
                node("c", "generic", Map.of("a", 6, "b", 7)),
                node("d", "generic", Map.of("a", "six", "b", 7)),
                node("e", "text", Map.of("text", "never"), "d"),
                Map.of("id", "f", "type", "generic", "after", List.of("a"),
                        "inputFrom", Map.of("a", "a.sum", "b", "c.product")))));

        Payload out = coordinator().execute(ctx);

        assertThat(out.data()).containsEntry("total", 6L).containsEntry("succeeded", 4L)
                .containsEntry("failed", 1L).containsEntry("skipped", 1L);
        assertThat(sub(out, "a")).containsEntry("state", "succeeded").containsEntry("type", "data")
                .containsEntry("output", Map.of("sum", 10.0, "count", 4L));
        assertThat(sub(out, "c").get("output")).isEqualTo(Map.of("product", 42.0));
        assertThat(sub(out, "f").get("output")).isEqualTo(Map.of("product", 420.0));
        assertThat(sub(out, "b")).containsEntry("output", Map.of("upper", "HELLO", "length", 5L))
                .containsEntry("attachments", List.of(Map.of("name", "upper.txt", "mediaType", "text/plain", "size", 5L)));
        assertThat(new String(out.attachment("b/upper.txt").orElseThrow().bytes(), StandardCharsets.UTF_8)).isEqualTo("HELLO");
        assertThat(sub(out, "d")).containsEntry("state", "failed")
                .containsEntry("reason", "input.a: must be a number (got 'six')")
                .containsEntry("taskId", pool.submitted.stream().filter(h -> "six".equals(h.task.input().data().get("a")))
                        .findFirst().orElseThrow().id);
        assertThat(sub(out, "e")).containsEntry("state", "skipped").containsEntry("reason", "dependency 'd' did not succeed")
                .doesNotContainKey("taskId");
        assertThat(pool.submitted).hasSize(5);
        assertThat(ctx.progress.getLast()).isEqualTo(1.0);
        // Completion order varies; the failure is announced, and the last note counts everything.
        assertThat(ctx.notes).anyMatch(n -> n.startsWith("subtask 'd' failed ("));
        assertThat(ctx.notes.getLast()).endsWith(" (6/6)");
    }

    @Test
    void aSubtaskStartsOnlyAfterItsDependenciesAndGetsTheirOutput() throws Exception {
        Gate gate = new Gate();
        TestPool pool = new TestPool(Map.of("gate", gate, "data", SUM, "generic", MULTIPLY));
        FakeTaskContext ctx = coordinatorTask(pool, Map.of("graph", List.of(
                Map.of("id", "total", "type", "generic", "input", Map.of("b", 3), "after", List.of("gate"),
                        "inputFrom", Map.of("a", "sum.sum")),
                node("sum", "data", Map.of("numbers", List.of(2.5, 2.5))),
                node("gate", "gate", Map.of("value", "v")))));
        CompletableFuture<Payload> result = CompletableFuture.supplyAsync(() -> {
            try {
                return coordinator().execute(ctx);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        gate.entered.get(WAIT_S, TimeUnit.SECONDS);

        // While the gate runs, "total" must not have been submitted.
        assertThat(pool.submitted).extracting(h -> h.task.type()).doesNotContain("generic");
        gate.open.complete(null);
        Payload out = result.get(WAIT_S, TimeUnit.SECONDS);

        TestPool.Handle total = pool.byType("generic");
        assertThat(total.startedAt).isGreaterThan(pool.byType("gate").endedAt).isGreaterThan(pool.byType("data").endedAt);
        assertThat(total.task.input().data()).containsEntry("a", 5.0).containsEntry("b", 3L);
        assertThat(sub(out, "total").get("output")).isEqualTo(Map.of("product", 15.0));
        assertThat((List<?>) out.data().get("finishOrder")).last().isEqualTo("total");
    }

    @Test
    void aCycleIsRefusedNamingItsSubtasks() {
        TestPool pool = new TestPool(Map.of("data", SUM));
        FakeTaskContext ctx = coordinatorTask(pool, Map.of("graph", List.of(
                node("a", "data", Map.of(), "c"),
                node("b", "data", Map.of(), "a"),
                node("c", "data", Map.of(), "b"),
                node("d", "data", Map.of()))));

        assertThatThrownBy(() -> coordinator().execute(ctx)).isInstanceOf(NonRetryableException.class)
                .hasMessage("input.graph: subtasks wait on each other in a cycle a -> b -> c -> a"
                        + " (subtask 'a' waits on itself through it); remove one of these dependencies");
        assertThat(pool.submitted).isEmpty();
    }

    @Test
    void badGraphsAreRefusedWithTheOffendingEntry() {
        TestPool pool = new TestPool(Map.of("data", SUM));
        record Case(Object graph, String message) {
        }
        List<Case> cases = List.of(
                new Case(null, "input.graph: a non-empty list of subtasks {id, type, input, after, inputFrom, attach}"
                        + " is required (got nothing)"),
                new Case(List.of(node("a", "data", Map.of()), node("a", "data", Map.of())),
                        "input.graph[1].id: two subtasks have this id; ids must be unique (got 'a')"),
                new Case(List.of(node("a", "data", Map.of(), "zz")),
                        "input.graph[0].after: no subtask has this id (ids are a) (got 'zz')"),
                new Case(List.of(node("a", "data", Map.of(), "a")),
                        "input.graph[0].after: subtask 'a' cannot depend on itself (got 'a')"),
                new Case(List.of(Map.of("id", "a.b", "type", "data")),
                        "input.graph[0].id: must be 1 to 64 letters, digits, '_' or '-' (got 'a.b')"),
                new Case(List.of(Map.of("id", "a")),
                        "input.graph[0].type: the agent type of subtask 'a' is required (got nothing)"),
                new Case(List.of(Map.of("id", "a", "type", "coordinator")),
                        "input.graph[0].type: a coordinator cannot submit coordinator subtasks; flatten the graph (got 'coordinator')"),
                new Case(List.of(node("a", "data", Map.of()), Map.of("id", "b", "type", "data", "inputFrom", Map.of("x", "q.sum"))),
                        "input.graph[1].inputFrom.x: no subtask has this id (ids are a, b) (got 'q')"),
                new Case(List.of(Map.of("id", "a", "type", "data", "attach", List.of("photo"))),
                        "input.graph[0].attach[0]: the coordinator task has no such attachment (it has []) (got 'photo')"));
        for (Case c : cases) {
            java.util.HashMap<String, Object> input = new java.util.HashMap<>();
            input.put("graph", c.graph());
            assertThatThrownBy(() -> coordinator().execute(coordinatorTask(pool, input)))
                    .isInstanceOf(NonRetryableException.class).hasMessage(c.message());
        }
        assertThatThrownBy(() -> coordinator().execute(coordinatorTask(pool,
                Map.of("graph", List.of(node("a", "data", Map.of())), "failFast", "yes"))))
                .isInstanceOf(NonRetryableException.class).hasMessage("input.failFast: must be true or false (got 'yes')");
        assertThat(pool.submitted).isEmpty();
    }

    @Test
    void missingInputFromFieldFailsThatSubtaskAndSkipsItsDependants() throws Exception {
        TestPool pool = new TestPool(Map.of("data", SUM, "generic", MULTIPLY));
        FakeTaskContext ctx = coordinatorTask(pool, Map.of("graph", List.of(
                node("a", "data", Map.of("numbers", List.of(1))),
                Map.of("id", "b", "type", "generic", "inputFrom", Map.of("a", "a.total")),
                node("c", "generic", Map.of("a", 1, "b", 1), "b"))));

        Payload out = coordinator().execute(ctx);

        assertThat(sub(out, "b")).containsEntry("state", "input_error").containsEntry("reason",
                "graph[1].inputFrom.a: subtask 'a' output has no field 'total' (its output fields are [count, sum])");
        assertThat(sub(out, "c")).containsEntry("state", "skipped");
        assertThat(out.data()).containsEntry("succeeded", 1L).containsEntry("failed", 1L).containsEntry("skipped", 1L);
        assertThat(pool.submitted).hasSize(1);
    }

    @Test
    void failFastCancelsRunningSubtasksAndFailsTheTask() throws Exception {
        Gate gate = new Gate();
        TestPool pool = new TestPool(Map.of("gate", gate, "generic", MULTIPLY));
        FakeTaskContext ctx = coordinatorTask(pool, Map.of("failFast", true, "graph", List.of(
                node("slow", "gate", Map.of()),
                node("bad", "generic", Map.of("a", "x")))));

        assertThatThrownBy(() -> coordinator().execute(ctx)).isInstanceOf(NonRetryableException.class)
                .hasMessage("input.failFast: subtask 'bad' (type generic) ended failed: input.a: must be a number (got 'x');"
                        + " 1 running subtask(s) cancelled");
        TestPool.Handle slow = pool.byType("gate");
        assertThat(slow.cancelRequested).isTrue();
        assertThat(slow.result.handle((p, e) -> e).get(WAIT_S, TimeUnit.SECONDS)).hasMessageContaining("CANCELLED");
    }

    @Test
    void cancellingTheCoordinatorCancelsItsSubtasks() throws Exception {
        Gate gate = new Gate();
        TestPool pool = new TestPool(Map.of("gate", gate, "data", SUM));
        FakeTaskContext ctx = coordinatorTask(pool, Map.of("graph", List.of(
                node("a", "data", Map.of("numbers", List.of(1, 1))),
                node("slow", "gate", Map.of(), "a"),
                node("later", "data", Map.of("numbers", List.of()), "slow"))));
        CompletableFuture<Throwable> failure = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                coordinator().execute(ctx);
                failure.complete(null);
            } catch (Throwable t) {
                failure.complete(t);
            }
        });
        gate.entered.get(WAIT_S, TimeUnit.SECONDS);

        ctx.cancel();

        assertThat(failure.get(WAIT_S, TimeUnit.SECONDS)).isInstanceOf(CancellationException.class)
                .hasMessage("task 1 was cancelled; 1 running subtask(s) cancelled: 1 succeeded, 0 failed before");
        assertThat(pool.byType("gate").cancelRequested).isTrue();
        assertThat(pool.submitted).hasSize(2);
    }

    @Test
    void heartbeatsWhileWaitingOnALongSubtask() throws Exception {
        Gate gate = new Gate();
        TestPool pool = new TestPool(Map.of("gate", gate));
        FakeTaskContext fake = coordinatorTask(pool, Map.of("graph", List.of(node("slow", "gate", Map.of()))));
        CompletableFuture<String> waitingNote = new CompletableFuture<>();
        TaskContext ctx = new TaskContext() {
            @Override public long taskId() { return fake.taskId(); }
            @Override public String type() { return fake.type(); }
            @Override public String agentId() { return fake.agentId(); }
            @Override public int attempt() { return 1; }
            @Override public Task task() { return fake.task(); }
            @Override public boolean isCancelled() { return fake.isCancelled(); }
            @Override public void onCancel(Runnable action) { fake.onCancel(action); }
            @Override public void reportQuality(double score) { }
            @Override public void reportUsage(String resource, long units) { }
            @Override public TaskHandle submit(Task subtask) { return fake.submit(subtask); }

            @Override
            public void progress(double fraction, String note) {
                fake.progress(fraction, note);
                if (note != null && note.startsWith("waiting for")) {
                    waitingNote.complete(note);
                }
            }
        };
        CompletableFuture<Payload> result = CompletableFuture.supplyAsync(() -> {
            try {
                return new CoordinatorAgent(Duration.ofMillis(10)).execute(ctx);
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
        });

        assertThat(waitingNote.get(WAIT_S, TimeUnit.SECONDS)).isEqualTo("waiting for 1 subtask(s): slow");
        gate.open.complete(null);
        assertThat(result.get(WAIT_S, TimeUnit.SECONDS).data()).containsEntry("succeeded", 1L);
    }
}
