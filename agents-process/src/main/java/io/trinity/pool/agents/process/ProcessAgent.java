package io.trinity.pool.agents.process;

import io.trinity.pool.Payload;
import io.trinity.pool.agent.Agent;
import io.trinity.pool.agent.AgentBrokenException;
import io.trinity.pool.agent.AgentFactory;
import io.trinity.pool.agent.AgentInit;
import io.trinity.pool.agent.NonRetryableException;
import io.trinity.pool.agent.TaskContext;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agent backed by an external program in any language: one OS process per agent, speaking
 * JSON Lines over stdin/stdout (protocol in {@code docs/process-agents.md}).
 *
 * <p>Lifecycle: {@link #init()} starts the configured command and waits for its
 * {@code {"type":"ready"}} line; {@link #execute} sends one {@code task} line and reads
 * {@code progress} lines (forwarded as the heartbeat) until a {@code result}, {@code error} or
 * {@code cancelled} line; {@link #close()} asks the worker to stop, then terminates and finally
 * kills it.
 *
 * <p>Failures: a worker {@code error} line fails the task (non-retryable unless the worker says
 * {@code "retryable":true}). A worker that exits or closes stdout mid-task makes
 * {@code execute} throw {@link AgentBrokenException} naming the exit code and last stderr
 * lines, so the pool replaces the agent and retries the task. A cancelled task (through the
 * context or an interrupt) gets a {@code cancel} line; if the worker does not answer within
 * {@link ProcessAgentConfig#stopGrace()}, it is killed and the agent reports itself dead.
 *
 * <p>Security: only {@link ProcessAgentConfig#command()} is ever started; task input reaches the
 * worker only as data on stdin.
 *
 * <p>Capacity is one task at a time; run more agents for more parallelism.
 */
public final class ProcessAgent implements Agent {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessAgent.class);
    /** How often a waiting reader looks at whether the worker still lives. */
    private static final Duration POLL = Duration.ofMillis(100);

    private final ProcessAgentConfig config;
    private final String agentId;
    private final String type;
    private final Protocol protocol;
    private final AtomicLong requestIds = new AtomicLong();
    /** The request now running, 0 when none: a late cancel callback must not hit the next task. */
    private final AtomicLong current = new AtomicLong();
    private volatile WorkerProcess worker;
    /** Why this agent may no longer run tasks; null while it is usable. */
    private volatile String unusable;

    public ProcessAgent(ProcessAgentConfig config, AgentInit init) {
        this.config = Objects.requireNonNull(config, "config");
        this.agentId = init.agentId();
        this.type = init.type();
        this.protocol = new Protocol(config.maxLineBytes());
    }

    /** A factory that creates one process agent, hence one worker process, per call. */
    public static AgentFactory factory(ProcessAgentConfig config) {
        Objects.requireNonNull(config, "config");
        return init -> new ProcessAgent(config, init);
    }

    @Override
    public void init() throws Exception {
        if (worker != null) {
            throw new IllegalStateException("agent " + agentId + ": init() was already called");
        }
        WorkerProcess w = WorkerProcess.start(config, agentId, type);
        worker = w;
        long deadline = System.nanoTime() + config.readyTimeout().toNanos();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    w.kill();
                    throw initFailed(w.describe() + " sent no ready line within " + config.readyTimeout()
                            + " and was killed; " + w.lastStderr()
                            + ". Make the worker print {\"type\":\"ready\"} on stdout once loaded, or raise readyTimeout");
                }
                LineReader.Item item = w.poll(Duration.ofNanos(Math.min(left, POLL.toNanos())));
                switch (item) {
                    case null -> {
                        if (!w.isAlive()) {
                            throw initFailed(w.describeEnd() + " before it was ready");
                        }
                    }
                    case LineReader.End end -> throw initFailed(w.describeEnd() + " before it was ready");
                    case LineReader.TooLong tooLong -> LOG.warn("[{}] ignored a {}-byte stdout line before ready", agentId, tooLong.bytes());
                    case LineReader.Line(String text) -> {
                        if (isReady(text)) {
                            LOG.debug("[{}] worker ready: {}", agentId, text);
                            return;
                        }
                    }
                }
            }
        } catch (InterruptedException e) {
            w.kill();
            unusable = "interrupted during init";
            throw e;
        }
    }

    private boolean isReady(String text) {
        try {
            if (protocol.parse(text) instanceof Protocol.Ready) {
                return true;
            }
            LOG.warn("[{}] ignored a line before the ready line: {}", agentId, Protocol.abbreviate(text));
        } catch (Protocol.ProtocolException | Protocol.NotJsonException e) {
            LOG.warn("[{}] ignored a stdout line before ready ({}): {}", agentId, e.getMessage(), Protocol.abbreviate(text));
        }
        return false;
    }

    private AgentBrokenException initFailed(String why) {
        unusable = why;
        worker.kill();
        return new AgentBrokenException("agent " + agentId + " (type " + type + "): " + why);
    }

    @Override
    public Payload execute(TaskContext ctx) {
        WorkerProcess w = usableWorker(ctx);
        long id = requestIds.incrementAndGet();
        current.set(id);
        TaskRun run = new TaskRun(w, id, ctx);
        boolean interrupted = false;
        try {
            w.send(protocol.taskLine(id, ctx));
            ctx.onCancel(run::requestCancel);
            while (true) {
                LineReader.Item item;
                try {
                    item = w.poll(POLL);
                } catch (InterruptedException e) {
                    // An interrupt is how the pool cancels a running task.
                    interrupted = true;
                    run.requestCancel();
                    continue;
                }
                run.killIfCancelIgnored();
                Payload result = switch (item) {
                    case null -> {
                        run.checkAlive();
                        yield null;
                    }
                    case LineReader.End end -> throw run.broken();
                    case LineReader.TooLong t -> throw new NonRetryableException("agent " + agentId
                            + ": the worker wrote a stdout line of " + t.bytes() + " bytes, over the limit of "
                            + config.maxLineBytes() + " (maxLineBytes); make the result smaller or raise the limit");
                    case LineReader.Line(String text) -> run.handle(text);
                };
                if (result != null) {
                    return result;
                }
            }
        } finally {
            current.compareAndSet(id, 0);
            if (!run.answered && unusable == null && w.isAlive()) {
                // The worker may still be busy with a task we gave up on; ask it to drop it.
                w.send(protocol.cancelLine(id));
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private WorkerProcess usableWorker(TaskContext ctx) {
        WorkerProcess w = worker;
        if (w == null) {
            throw new IllegalStateException("agent " + agentId + ": execute() before init()");
        }
        if (unusable != null) {
            throw new AgentBrokenException("agent " + agentId + " cannot run task " + ctx.taskId() + ": " + unusable);
        }
        // Lines left from an abandoned task belong to no one now.
        for (LineReader.Item stale = w.pollNow(); stale != null; stale = w.pollNow()) {
            if (stale instanceof LineReader.End) {
                throw brokenBefore(w, ctx);
            }
            LOG.debug("[{}] dropped a stale stdout item: {}", agentId, stale);
        }
        if (!w.isAlive()) {
            throw brokenBefore(w, ctx);
        }
        return w;
    }

    private AgentBrokenException brokenBefore(WorkerProcess w, TaskContext ctx) {
        unusable = w.describeEnd();
        w.kill();
        return new AgentBrokenException("agent " + agentId + " cannot run task " + ctx.taskId() + ": " + unusable);
    }

    /** The state of one execute call; only the task thread touches it, except requestCancel. */
    private final class TaskRun {
        private final WorkerProcess w;
        private final long id;
        private final TaskContext ctx;
        private volatile long cancelRequestedAt;
        private long deadSince;
        boolean answered;

        TaskRun(WorkerProcess w, long id, TaskContext ctx) {
            this.w = w;
            this.id = id;
            this.ctx = ctx;
        }

        /** Safe from any thread; sends the cancel line once, and only while this task runs. */
        void requestCancel() {
            synchronized (this) {
                if (cancelRequestedAt != 0 || current.get() != id) {
                    return;
                }
                cancelRequestedAt = System.nanoTime();
            }
            LOG.debug("[{}] cancelling request {} (task {})", agentId, id, ctx.taskId());
            w.send(protocol.cancelLine(id));
        }

        void killIfCancelIgnored() {
            long at = cancelRequestedAt;
            if (at != 0 && System.nanoTime() - at > config.stopGrace().toNanos()) {
                w.kill();
                unusable = "the worker ignored the cancel of task " + ctx.taskId() + " for " + config.stopGrace()
                        + " and was killed; " + w.lastStderr();
                LOG.warn("[{}] {}", agentId, unusable);
                throw new CancellationException("task " + ctx.taskId() + " was cancelled; agent " + agentId + ": "
                        + unusable);
            }
        }

        /** Called when no line came: a dead worker may still have lines in the pipe, so allow a moment. */
        void checkAlive() {
            if (w.isAlive()) {
                return;
            }
            long now = System.nanoTime();
            if (deadSince == 0) {
                deadSince = now;
            } else if (now - deadSince > WorkerProcess.LAST_WORDS.toNanos()) {
                throw broken();
            }
        }

        AgentBrokenException broken() {
            unusable = w.describeEnd();
            w.kill();
            return new AgentBrokenException("agent " + agentId + " (type " + type + "): " + unusable
                    + ", during task " + ctx.taskId() + "; the agent is replaced and the task retried");
        }

        /** Returns the result, null to keep reading, or throws how the task ended. */
        Payload handle(String text) {
            Protocol.Message m;
            try {
                m = protocol.parse(text);
            } catch (Protocol.NotJsonException e) {
                LOG.warn("[{}] ignored a stdout line that is not protocol JSON ({}): {}", agentId, e.getMessage(),
                        Protocol.abbreviate(text));
                return null;
            } catch (Protocol.ProtocolException e) {
                throw new NonRetryableException("agent " + agentId + ": the worker broke the protocol: "
                        + e.getMessage() + " (line: " + Protocol.abbreviate(text) + ")");
            }
            Long lineId = switch (m) {
                case Protocol.Progress p -> p.id();
                case Protocol.Result r -> r.id();
                case Protocol.Error e -> e.id();
                case Protocol.Cancelled c -> c.id();
                default -> null;
            };
            if (lineId != null && lineId != id) {
                LOG.debug("[{}] dropped a line for request {} while running {}: {}", agentId, lineId, id,
                        Protocol.abbreviate(text));
                return null;
            }
            return switch (m) {
                case Protocol.Progress p -> {
                    ctx.progress(p.fraction(), p.note());
                    yield null;
                }
                case Protocol.Result r -> {
                    answered = true;
                    yield r.output();
                }
                case Protocol.Error e -> {
                    answered = true;
                    throw e.retryable() ? new WorkerTaskException(e.message()) : new NonRetryableException(e.message());
                }
                case Protocol.Cancelled c -> {
                    answered = true;
                    throw new CancellationException("task " + ctx.taskId() + " was cancelled; the worker stopped it");
                }
                case Protocol.Ready r -> {
                    LOG.warn("[{}] ignored a second ready line", agentId);
                    yield null;
                }
                case Protocol.Unknown u -> {
                    LOG.debug("[{}] ignored a line of unknown type '{}'", agentId, u.type());
                    yield null;
                }
            };
        }
    }

    @Override
    public boolean alive() {
        WorkerProcess w = worker;
        return w != null && unusable == null && w.isAlive();
    }

    /** Stops the worker: stop line, end of stdin, SIGTERM, SIGKILL, each after the stop grace. */
    @Override
    public void close() {
        WorkerProcess w = worker;
        if (w == null) {
            return;
        }
        if (unusable == null) {
            unusable = "the agent was closed";
        }
        String how = w.stop(protocol.stopLine(), config.stopGrace());
        LOG.debug("[{}] worker {}", agentId, how);
    }

    /** The worker's process, for tests that kill it from outside. */
    ProcessHandle processHandle() {
        WorkerProcess w = worker;
        if (w == null) {
            throw new IllegalStateException("agent " + agentId + " has no process before init()");
        }
        return w.handle();
    }

    @Override
    public String toString() {
        return "ProcessAgent[" + agentId + ", " + config.commandLine() + "]";
    }
}
