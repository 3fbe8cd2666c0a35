package io.trinity.pool.agents.process;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running worker program: its stdin for requests, a queue fed by a virtual thread that
 * reads stdout lines, and its drained stderr. The protocol itself lives in {@link ProcessAgent};
 * this class only moves lines and ends the process.
 *
 * <p>Why threads and queues: a write to a worker that stopped reading blocks once the pipe is
 * full, and cannot be interrupted; so requests go through an outbox drained by a writer thread.
 * Likewise a blocking read on stdout cannot be timed out, and a
 * process that dies may leave its stdout open (a grandchild holding the pipe). Callers poll the
 * queue with a timeout and look at {@link #isAlive()} in between, so nobody waits forever on a
 * dead process. The queue is bounded, so a worker that floods stdout is slowed, not buffered
 * without limit.
 */
final class WorkerProcess {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerProcess.class);
    private static final int QUEUE_LINES = 64;
    /** How long to wait for the last stderr words of a worker that just died. */
    static final Duration LAST_WORDS = Duration.ofSeconds(2);

    private final String agentId;
    private final ProcessAgentConfig config;
    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<Optional<String>> outbox = new LinkedBlockingQueue<>();
    private final BlockingQueue<LineReader.Item> stdout = new ArrayBlockingQueue<>(QUEUE_LINES);
    private final StderrTail stderr;

    private WorkerProcess(String agentId, ProcessAgentConfig config, Process process) {
        this.agentId = agentId;
        this.config = config;
        this.process = process;
        this.stdin = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        this.stderr = StderrTail.start(agentId, config.stderrTail(), process.getErrorStream());
        Thread.ofVirtual().name("stdout-" + agentId).start(this::pumpStdout);
        Thread.ofVirtual().name("stdin-" + agentId).start(this::pumpStdin);
    }

    /** Starts the configured command; the task never contributes to it. */
    static WorkerProcess start(ProcessAgentConfig config, String agentId, String type) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(config.command());
        config.workingDirectory().ifPresent(dir -> pb.directory(dir.toFile()));
        pb.environment().putAll(config.environment());
        pb.environment().put("TRINITY_AGENT_ID", agentId);
        pb.environment().put("TRINITY_AGENT_TYPE", type);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IOException("agent " + agentId + ": cannot start worker '" + config.commandLine() + "': "
                    + e.getMessage(), e);
        }
        LOG.debug("[{}] started worker pid {}: {}", agentId, p.pid(), config.commandLine());
        return new WorkerProcess(agentId, config, p);
    }

    private void pumpStdout() {
        LineReader reader = new LineReader(process.getInputStream(), config.maxLineBytes());
        try {
            while (true) {
                LineReader.Item item = reader.next();
                stdout.put(item);
                if (item instanceof LineReader.End) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Queues one line for the worker's stdin. Never blocks: a worker that stops reading its stdin
     * must not freeze the task thread or whoever cancels the task.
     */
    void send(String line) {
        outbox.add(Optional.of(line));
    }

    private void pumpStdin() {
        try {
            while (true) {
                Optional<String> next = outbox.take();
                if (next.isEmpty()) {
                    stdin.close();
                    return;
                }
                stdin.write(next.get());
                stdin.write('\n');
                if (outbox.isEmpty()) {
                    stdin.flush();
                }
            }
        } catch (IOException e) {
            // The pipe broke: tell whoever waits on stdout, so a task does not wait for an answer
            // to a request the worker never got.
            LOG.debug("[{}] writing to the worker failed: {}", agentId, e.toString());
            stdout.offer(new LineReader.End(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The next stdout item, or null if none came within {@code timeout}. */
    LineReader.Item poll(Duration timeout) throws InterruptedException {
        return stdout.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Stdout items already waiting, without blocking; null when there are none. */
    LineReader.Item pollNow() {
        return stdout.poll();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    String describe() {
        return "worker pid " + process.pid() + " ('" + config.commandLine() + "')";
    }

    /**
     * Why the worker is gone: its exit code (or that it still runs) and its last stderr lines.
     * Waits a moment for the exit and the last stderr output, as a crash is usually reported
     * just before it.
     */
    String describeEnd() {
        String exit;
        try {
            if (process.waitFor(LAST_WORDS.toMillis(), TimeUnit.MILLISECONDS)) {
                int code = process.exitValue();
                exit = "exited with code " + code + (code > 128 && code < 160 ? " (killed by signal " + (code - 128) + ")" : "");
            } else {
                exit = "is still running but closed its stdout";
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exit = "state unknown (interrupted while waiting for it)";
        }
        return describe() + " " + exit + "; " + stderr.describe(LAST_WORDS);
    }

    /** The last stderr lines; call after {@link #kill()}, it waits a moment for the pipe to drain. */
    String lastStderr() {
        return stderr.describe(LAST_WORDS);
    }

    /** Kills the worker and any children it started, at once. */
    void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(LAST_WORDS.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops politely: the stop line, then end of input, then SIGTERM, then SIGKILL, waiting up to
     * {@code grace} after each step. Returns how it ended, for the log.
     */
    String stop(String stopLine, Duration grace) {
        try {
            if (process.isAlive()) {
                send(stopLine);
            }
            closeStdin();
            if (process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                return "stopped, exit code " + process.exitValue();
            }
            process.destroy();
            if (process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                return "terminated after ignoring the stop request for " + grace;
            }
            kill();
            return "killed after ignoring stop and SIGTERM";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
            return "killed (interrupted while stopping)";
        }
    }

    private void closeStdin() {
        outbox.add(Optional.empty());
    }
}
