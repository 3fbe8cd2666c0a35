package io.trinity.pool.cli;

import io.trinity.pool.Task;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * A workload trace: CSV with the header {@code arrival_ms,type,duration_ms,priority,affinity}
 * and an optional trailing {@code tenant} column (empty: the default tenant), one task a
 * line, arrivals in non-decreasing order. Empty lines and lines starting with {@code #} are
 * skipped. Any other deviation is a {@link UserError} naming the file, the line and the value.
 *
 * <p>A trace can be much larger than the heap (a million tasks is 30 MB of CSV but about
 * 170 MB as objects), so the simulator never holds one: {@link #scan} checks the whole file
 * and counts it, then {@link #open} reads it again line by line while virtual time reaches
 * each arrival. {@link #read} is for small traces and tests.
 */
final class Trace {

    static final String HEADER = "arrival_ms,type,duration_ms,priority,affinity";
    static final String HEADER_WITH_TENANT = HEADER + ",tenant";
    /**
     * The latest arrival a trace may hold: a year (366 days). Replaying a stretch of virtual time
     * costs real time even when it is idle (the pool's timers tick through it: about a minute per
     * 1,000 days), so a trace of centuries would run for hours.
     */
    static final long MAX_ARRIVAL_MS = Duration.ofDays(366).toMillis();
    /** The longest task a trace may hold: a day. */
    static final long MAX_DURATION_MS = Duration.ofDays(1).toMillis();

    /** What a whole trace holds: its tasks per type (in order of first appearance) and its last arrival. */
    record Stats(long tasks, Map<String, Long> tasksByType, long lastArrivalMs) {
    }

    private Trace() {
    }

    /** Reads a whole (small) trace into memory. */
    static List<Arrival> read(Path file) {
        try (Reader r = open(file)) {
            List<Arrival> out = new ArrayList<>();
            r.forEachRemaining(out::add);
            return Collections.unmodifiableList(out);
        }
    }

    /** Checks every line of a trace and counts it, holding one line at a time. */
    static Stats scan(Path file) {
        try (Reader r = open(file)) {
            Map<String, Long> byType = new LinkedHashMap<>();
            long n = 0;
            long last = 0;
            while (r.hasNext()) {
                Arrival a = r.next();
                n++;
                last = a.atMs();
                byType.merge(a.type(), 1L, Long::sum);
            }
            return new Stats(n, Collections.unmodifiableMap(byType), last);
        }
    }

    /** Opens a trace to read it lazily; the caller closes it. */
    static Reader open(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserError("trace file not found: " + file + " (give a CSV with the header " + HEADER
                    + "; examples are in traces/)");
        }
        try {
            return new Reader(file.toString(), Files.newBufferedReader(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new UserError("trace file not found: " + file);
        } catch (IOException e) {
            throw new UserError("cannot read trace " + file + " (" + UserError.reason(e) + ")", e);
        }
    }

    static List<Arrival> parse(String name, BufferedReader in) throws IOException {
        List<Arrival> out = new ArrayList<>();
        new Reader(name, in).forEachRemaining(out::add);
        return Collections.unmodifiableList(out);
    }

    /**
     * The arrivals of a trace, one line parsed per {@link #next}. A malformed line throws its
     * {@link UserError} when reached; a missing header when the first arrival is asked for.
     */
    static final class Reader implements Iterator<Arrival>, Closeable {

        /** Distinct names kept for sharing: types, tenants and affinity keys repeat on every line. */
        private static final int NAMES_KEPT = 4096;

        private final String name;
        private final BufferedReader in;
        private final Map<String, String> names = new HashMap<>();
        private Arrival next;
        private int number;
        private boolean header;
        private int columns;
        private long last;
        private boolean done;

        Reader(String name, BufferedReader in) {
            this.name = name;
            this.in = in;
        }

        @Override
        public boolean hasNext() {
            if (next == null && !done) {
                next = parseNext();
                done = next == null;
            }
            return next != null;
        }

        @Override
        public Arrival next() {
            if (!hasNext()) {
                throw new NoSuchElementException("no more arrivals in " + name);
            }
            Arrival a = next;
            next = null;
            return a;
        }

        @Override
        public void close() {
            try {
                in.close();
            } catch (IOException e) {
                throw new UserError("cannot read trace " + name + " (" + UserError.reason(e) + ")", e);
            }
        }

        private Arrival parseNext() {
            String line;
            while ((line = readLine()) != null) {
                number++;
                String l = number == 1 ? line.replace("\uFEFF", "").strip() : line.strip();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                if (!header) {
                    String h = l.replace(" ", "");
                    if (!h.equals(HEADER) && !h.equals(HEADER_WITH_TENANT)) {
                        throw error(number, "expected the header " + HEADER + " (optionally ,tenant), got '" + l + "'");
                    }
                    columns = h.split(",").length;
                    header = true;
                    continue;
                }
                return arrival(l);
            }
            if (!header) {
                throw error(Math.max(1, number), "the file is empty; expected the header " + HEADER);
            }
            return null;
        }

        private String readLine() {
            try {
                return in.readLine();
            } catch (IOException e) {
                throw new UserError("cannot read trace " + name + " (" + UserError.reason(e) + ")", e);
            }
        }

        private Arrival arrival(String l) {
            String[] f = l.split(",", -1);
            if (f.length != columns) {
                throw error(number, "expected " + columns + " comma-separated fields (" + (columns == 5 ? HEADER
                        : HEADER_WITH_TENANT) + "), got " + f.length + " in '" + l + "'");
            }
            long at = number("arrival_ms", f[0], 0, MAX_ARRIVAL_MS);
            if (at < last) {
                throw error(number, "arrival_ms " + at + " is before the previous line's " + last
                        + "; arrivals must be in non-decreasing order (sort the file by its first column)");
            }
            last = at;
            String type = f[1].strip();
            if (type.isEmpty()) {
                throw error(number, "type is empty; name the agent type, such as code or vision");
            }
            long duration = number("duration_ms", f[2], 1, MAX_DURATION_MS);
            int priority = (int) number("priority", f[3], Task.MIN_PRIORITY, Task.MAX_PRIORITY);
            String affinity = f[4].strip();
            String tenant = columns > 5 ? f[5].strip() : "";
            return new Arrival(at, shared(type), duration, priority, affinity.isEmpty() ? null : shared(affinity),
                    tenant.isEmpty() ? null : shared(tenant));
        }

        /** One instance per distinct name (up to a bound), so queued tasks do not each carry a copy. */
        private String shared(String s) {
            String kept = names.get(s);
            if (kept != null) {
                return kept;
            }
            if (names.size() < NAMES_KEPT) {
                names.put(s, s);
            }
            return s;
        }

        private long number(String field, String raw, long min, long max) {
            String v = raw.strip();
            long n;
            try {
                n = Long.parseLong(v);
            } catch (NumberFormatException e) {
                if (v.matches("[+-]?\\d+")) { // whole, but past a long
                    throw error(number, field + " " + v + " is out of range; it must be between " + min + " and "
                            + max + range(field, max));
                }
                throw error(number, field + " must be a whole number, got '" + raw + "'");
            }
            if (n < min || n > max) {
                throw error(number, field + " must be between " + min + " and " + max + range(field, max) + ", got " + n);
            }
            return n;
        }

        /** The bound of a millisecond field in days, which a reader takes in at a glance. */
        private static String range(String field, long max) {
            return field.endsWith("_ms") ? " (" + DurationConverter.format(Duration.ofMillis(max)) + ")" : "";
        }

        private UserError error(int line, String message) {
            return new UserError(name + ":" + line + ": " + message);
        }
    }
}
