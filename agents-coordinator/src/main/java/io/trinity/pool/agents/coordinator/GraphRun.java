package io.trinity.pool.agents.coordinator;

import io.trinity.pool.Attachment;
import io.trinity.pool.Payload;
import io.trinity.pool.Task;
import io.trinity.pool.TaskFailedException;
import io.trinity.pool.TaskHandle;
import io.trinity.pool.agent.NonRetryableException;
import io.trinity.pool.agent.TaskContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One run of a {@link TaskGraph}: submits every subtask whose dependencies have succeeded,
 * waits for completions, and builds the combined result.
 *
 * <p>Only the coordinator's task thread changes the run's state. Subtask completions and the
 * cancel request arrive as events on a queue, so the state needs no locks and every decision
 * (submit, skip, cancel) is taken in one place, in completion order.
 */
final class GraphRun {

    enum Status { WAITING, RUNNING, SUCCEEDED, FAILED, SKIPPED, CANCELLED }

    private sealed interface Event permits Done, CancelRequested {
    }

    private record Done(String id, Payload output, Throwable failure) implements Event {
    }

    private record CancelRequested() implements Event {
    }

    private static final class State {
        Status status = Status.WAITING;
        TaskHandle handle;
        Payload output;
        String taskState;
        String reason;
    }

    private final TaskGraph graph;
    private final TaskContext ctx;
    private final boolean failFast;
    private final Duration heartbeat;
    private final Map<String, State> states = new LinkedHashMap<>();
    private final List<String> finishOrder = new ArrayList<>();
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private int running;

    GraphRun(TaskGraph graph, TaskContext ctx, boolean failFast, Duration heartbeat) {
        this.graph = graph;
        this.ctx = ctx;
        this.failFast = failFast;
        this.heartbeat = heartbeat;
        graph.nodes().keySet().forEach(id -> states.put(id, new State()));
    }

    Payload run() throws InterruptedException {
        ctx.onCancel(() -> events.add(new CancelRequested()));
        try {
            submitReady();
            while (running > 0) {
                Event e = events.poll(heartbeat.toNanos(), TimeUnit.NANOSECONDS);
                switch (e) {
                    case null -> ctx.progress(fraction(), "waiting for " + running + " subtask(s): " + runningIds());
                    case CancelRequested c -> {
                        int n = cancelOutstanding("the coordinator task was cancelled");
                        throw new CancellationException("task " + ctx.taskId() + " was cancelled; " + n
                                + " running subtask(s) cancelled: " + finishedSummary());
                    }
                    case Done d -> finish(d);
                }
            }
        } catch (InterruptedException e) {
            cancelOutstanding("the coordinator was interrupted");
            throw e;
        }
        return result();
    }

    private void finish(Done d) {
        State s = states.get(d.id());
        running--;
        finishOrder.add(d.id());
        if (d.failure() == null) {
            s.status = Status.SUCCEEDED;
            s.taskState = "succeeded";
            s.output = d.output();
            ctx.progress(fraction(), "subtask '" + d.id() + "' succeeded (" + done() + "/" + states.size() + ")");
            submitReady();
            return;
        }
        describeFailure(s, d.failure());
        s.status = Status.FAILED;
        failed(d.id());
        // After the skips, so the count includes what will never run.
        ctx.progress(fraction(), "subtask '" + d.id() + "' " + s.taskState + " (" + done() + "/" + states.size() + ")");
    }

    /** Marks what waits on a failed subtask as skipped, or ends the run when failFast. */
    private void failed(String id) {
        State s = states.get(id);
        if (failFast) {
            int n = cancelOutstanding("failFast: subtask '" + id + "' failed");
            throw new NonRetryableException("input.failFast: subtask '" + id + "' (type "
                    + graph.nodes().get(id).type() + ") ended " + s.taskState + ": " + s.reason + "; "
                    + n + " running subtask(s) cancelled");
        }
        skipDependants(id, id);
    }

    private void skipDependants(String id, String rootCause) {
        for (String dep : graph.dependantsOf(id)) {
            State s = states.get(dep);
            if (s.status == Status.WAITING) {
                s.status = Status.SKIPPED;
                s.taskState = "skipped";
                s.reason = "dependency '" + rootCause + "' did not succeed";
                finishOrder.add(dep);
                skipDependants(dep, rootCause);
            }
        }
    }

    private void submitReady() {
        for (TaskGraph.Node node : graph.nodes().values()) {
            State s = states.get(node.id());
            if (s.status != Status.WAITING
                    || !node.after().stream().allMatch(a -> states.get(a).status == Status.SUCCEEDED)) {
                continue;
            }
            Task task;
            try {
                task = subtask(node);
            } catch (IllegalArgumentException e) {
                notSubmitted(node.id(), "input_error", e.getMessage());
                continue;
            }
            try {
                s.handle = ctx.submit(task);
            } catch (RuntimeException e) {
                notSubmitted(node.id(), "rejected", "the pool refused the subtask: " + e.getMessage());
                continue;
            }
            s.status = Status.RUNNING;
            running++;
            String id = node.id();
            s.handle.result().whenComplete((out, err) -> events.add(new Done(id, out, err)));
        }
    }

    private void notSubmitted(String id, String taskState, String reason) {
        State s = states.get(id);
        s.status = Status.FAILED;
        s.taskState = taskState;
        s.reason = reason;
        finishOrder.add(id);
        failed(id);
    }

    private Task subtask(TaskGraph.Node node) {
        Map<String, Object> input = new LinkedHashMap<>(node.input());
        for (Map.Entry<String, TaskGraph.Ref> f : node.inputFrom().entrySet()) {
            input.put(f.getKey(), resolve(node, f.getKey(), f.getValue()));
        }
        Payload payload = Payload.of(input);
        for (String name : node.attach()) {
            payload = payload.withAttachment(name, ctx.attachment(name).orElseThrow());
        }
        Task parent = ctx.task();
        return Task.builder(node.type()).input(payload).priority(parent.priority()).tenant(parent.tenant()).build();
    }

    private Object resolve(TaskGraph.Node node, String field, TaskGraph.Ref ref) {
        Object value = states.get(ref.from()).output.data();
        for (String key : ref.path()) {
            if (!(value instanceof Map<?, ?> m) || !m.containsKey(key)) {
                throw new IllegalArgumentException("graph[" + node.index() + "].inputFrom." + field + ": subtask '"
                        + ref.from() + "' output has no field '" + ref.text().substring(ref.from().length() + 1)
                        + "' (its output fields are " + new TreeSet<>(states.get(ref.from()).output.data().keySet()) + ")");
            }
            value = m.get(key);
        }
        return value;
    }

    private static void describeFailure(State s, Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof TaskFailedException f) {
            s.taskState = f.state().name().toLowerCase(Locale.ROOT);
            s.reason = f.reasons().isEmpty() ? f.getMessage() : String.join("; ", f.reasons());
        } else if (t instanceof CancellationException) {
            s.taskState = "cancelled";
            s.reason = t.getMessage() == null ? "cancelled" : t.getMessage();
        } else {
            s.taskState = "failed";
            s.reason = t.getClass().getSimpleName() + ": " + t.getMessage();
        }
    }

    private int cancelOutstanding(String why) {
        int n = 0;
        for (Map.Entry<String, State> e : states.entrySet()) {
            State s = e.getValue();
            if (s.status == Status.RUNNING) {
                s.handle.cancel();
                s.status = Status.CANCELLED;
                s.taskState = "cancelled";
                s.reason = why;
                n++;
            }
        }
        running = 0;
        return n;
    }

    private int done() {
        return (int) states.values().stream().filter(s -> s.status != Status.WAITING && s.status != Status.RUNNING).count();
    }

    private double fraction() {
        return (double) done() / states.size();
    }

    private String runningIds() {
        return String.join(", ", states.entrySet().stream().filter(e -> e.getValue().status == Status.RUNNING)
                .map(Map.Entry::getKey).toList());
    }

    private String finishedSummary() {
        return count(Status.SUCCEEDED) + " succeeded, " + count(Status.FAILED) + " failed before";
    }

    private long count(Status status) {
        return states.values().stream().filter(s -> s.status == status).count();
    }

    private Payload result() {
        Map<String, Object> subtasks = new LinkedHashMap<>();
        Map<String, Attachment> attachments = new LinkedHashMap<>();
        states.forEach((id, s) -> {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("type", graph.nodes().get(id).type());
            r.put("state", s.taskState);
            if (s.handle != null) {
                r.put("taskId", s.handle.id());
                r.put("attempts", s.handle.attempts());
            }
            if (s.output != null) {
                r.put("output", s.output.data());
                List<Map<String, Object>> listed = new ArrayList<>();
                // By name, and insertion-ordered keys: neither the payload's attachment map nor
                // Map.of promises an order that holds from one run to the next.
                new TreeMap<>(s.output.attachments()).forEach((name, a) -> {
                    Map<String, Object> entry = new LinkedHashMap<>();
                    entry.put("name", name);
                    entry.put("mediaType", a.mediaType());
                    entry.put("size", a.size());
                    listed.add(entry);
                    attachments.put(id + "/" + name, a);
                });
                r.put("attachments", listed);
            }
            if (s.reason != null) {
                r.put("reason", s.reason);
            }
            subtasks.put(id, r);
        });
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("total", states.size());
        data.put("succeeded", count(Status.SUCCEEDED));
        data.put("failed", count(Status.FAILED));
        data.put("skipped", count(Status.SKIPPED));
        data.put("finishOrder", finishOrder);
        data.put("subtasks", subtasks);
        return Payload.of(data, attachments);
    }
}
