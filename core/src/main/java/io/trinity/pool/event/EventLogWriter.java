package io.trinity.pool.event;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes events as JSON Lines in the format of DESIGN.md: one object a line, UTF-8, with
 * {@code t} (milliseconds since the pool started, on the pool's clock) and {@code ev} first.
 */
public final class EventLogWriter implements PoolListener, Closeable {

    private final Writer out;
    private final long startNanos;
    private final StringBuilder line = new StringBuilder(160);

    /**
     * @param out        where lines go; buffered here
     * @param startNanos the pool clock's reading when the pool started
     */
    public EventLogWriter(Writer out, long startNanos) {
        this.out = out instanceof BufferedWriter ? out : new BufferedWriter(out, 1 << 16);
        this.startNanos = startNanos;
    }

    public static EventLogWriter toFile(Path file, long startNanos) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        return new EventLogWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8), startNanos);
    }

    /** One event as a log line, without the newline. */
    public static String toLine(PoolEvent event, long startNanos) {
        StringBuilder sb = new StringBuilder(160);
        appendLine(sb, event, startNanos);
        return sb.toString();
    }

    private static void appendLine(StringBuilder sb, PoolEvent event, long startNanos) {
        sb.append("{\"t\":").append(Math.max(0, (event.nanos() - startNanos) / 1_000_000))
                .append(",\"ev\":");
        Json.write(sb, event.name());
        for (Map.Entry<String, Object> e : event.fields().entrySet()) {
            sb.append(',');
            Json.write(sb, e.getKey());
            sb.append(':');
            Json.write(sb, e.getValue());
        }
        sb.append('}');
    }

    @Override
    public synchronized void onEvent(PoolEvent event) {
        line.setLength(0);
        appendLine(line, event, startNanos);
        line.append('\n');
        try {
            out.append(line);
        } catch (IOException e) {
            throw new UncheckedIOException("event log: write failed", e);
        }
    }

    public synchronized void flush() throws IOException {
        out.flush();
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
