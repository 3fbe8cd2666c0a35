package io.trinity.pool.agents.process;

import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains a worker's stderr on its own virtual thread, so a chatty worker never blocks on a full
 * pipe, logs every line under the agent id, and keeps the last few lines for error messages.
 */
final class StderrTail {

    private static final Logger LOG = LoggerFactory.getLogger("io.trinity.pool.agents.process.stderr");
    /** Stderr is a log, not protocol: a line past this is cut for the ring and the log. */
    private static final int MAX_LINE_BYTES = 64 * 1024;
    private static final int MAX_KEPT_CHARS = 500;

    private final String agentId;
    private final int capacity;
    private final ArrayDeque<String> recent;
    private final Thread drainer;

    private StderrTail(String agentId, int capacity, InputStream stderr) {
        this.agentId = agentId;
        this.capacity = capacity;
        this.recent = new ArrayDeque<>(capacity);
        this.drainer = Thread.ofVirtual().name("stderr-" + agentId).unstarted(() -> drain(stderr));
    }

    static StderrTail start(String agentId, int capacity, InputStream stderr) {
        StderrTail tail = new StderrTail(agentId, capacity, stderr);
        tail.drainer.start();
        return tail;
    }

    private void drain(InputStream stderr) {
        LineReader reader = new LineReader(stderr, MAX_LINE_BYTES);
        while (true) {
            switch (reader.next()) {
                case LineReader.Line(String text) -> keep(text);
                case LineReader.TooLong(long bytes) -> keep("[a stderr line of " + bytes + " bytes was cut]");
                case LineReader.End end -> {
                    return;
                }
            }
        }
    }

    private void keep(String line) {
        LOG.info("[{}] {}", agentId, line);
        String kept = line.length() <= MAX_KEPT_CHARS ? line : line.substring(0, MAX_KEPT_CHARS) + "...";
        synchronized (recent) {
            if (recent.size() == capacity) {
                recent.removeFirst();
            }
            recent.addLast(kept);
        }
    }

    /**
     * The recent lines, oldest first, after waiting up to {@code wait} for stderr to reach its end:
     * a worker that just died usually still has its last words in the pipe, and they are the
     * most useful part of an error message.
     */
    List<String> recent(Duration wait) {
        if (wait.isPositive()) {
            try {
                drainer.join(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (recent) {
            return List.copyOf(recent);
        }
    }

    /** The recent lines as one clause for a message. */
    String describe(Duration wait) {
        List<String> lines = recent(wait);
        return lines.isEmpty() ? "stderr was empty" : "last stderr lines: " + String.join(" | ", lines);
    }
}
