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
 * Writes events as JSON Lines (docs/events.md): one object a line, UTF-8, with {@code t} (milliseconds since
 * the pool started, on the pool's clock) and {@code ev} first, then the event's {@link PoolEvent#fields()}.
 * Output is buffered: call {@link #flush()} to see lines at once, and {@link #close()} when the pool is
 * closed. Thread-safe: writes are synchronized.
 */
public final class EventLogWriter implements PoolListener, Closeable {

    private final Writer out;
    private final long startNanos;
    private final StringBuilder line = new StringBuilder(160);

    /**
     * Writes to a writer, buffering it unless it is a {@link BufferedWriter} already.
     *
     * @param out where lines go; closed by {@link #close()}
     * @param startNanos the pool clock's reading when the pool started, so {@code t} counts from 0
     */
    public EventLogWriter(Writer out, long startNanos) {
        this.out = out instanceof BufferedWriter ? out : new BufferedWriter(out, 1 << 16);
        this.startNanos = startNanos;
    }

    /**
     * Writes to a file in UTF-8, creating its folders and replacing an existing file.
     *
     * @param file the log file
     * @param startNanos the pool clock's reading when the pool started
     * @return the writer
     * @throws IOException if the file or its folders cannot be created
     */
    public static EventLogWriter toFile(Path file, long startNanos) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        return new EventLogWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8), startNanos);
    }

    /**
     * One event as a log line, without the newline.
     *
     * @param event the event
     * @param startNanos the pool clock's reading when the pool started
     * @return the JSON object, {@code t} and {@code ev} first
     */
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

    /**
     * Appends the event's line.
     *
     * @param event the event
     * @throws UncheckedIOException if the writer fails
     */
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

    /**
     * Writes buffered lines through to the underlying writer.
     *
     * @throws IOException if the writer fails
     */
    public synchronized void flush() throws IOException {
        out.flush();
    }

    /**
     * Flushes and closes the underlying writer; events after this fail.
     *
     * @throws IOException if the writer fails
     */
    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
