package io.trinity.pool.cli;

import io.trinity.pool.Task;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A workload trace: CSV with the header {@code arrival_ms,type,duration_ms,priority,affinity}
 * and an optional trailing {@code tenant} column (empty: the default tenant), one task a
 * line, arrivals in non-decreasing order. Empty lines and lines starting with {@code #} are
 * skipped. Any other deviation is a {@link UserError} naming the file, the line and the value.
 */
final class Trace {

    static final String HEADER = "arrival_ms,type,duration_ms,priority,affinity";
    static final String HEADER_WITH_TENANT = HEADER + ",tenant";

    private Trace() {
    }

    static List<Arrival> read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserError("trace file not found: " + file + " (give a CSV with the header " + HEADER
                    + "; examples are in traces/)");
        }
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(file.toString(), in);
        } catch (NoSuchFileException e) {
            throw new UserError("trace file not found: " + file);
        } catch (IOException e) {
            throw new UserError("cannot read trace " + file + " (" + e.getMessage() + ")", e);
        }
    }

    static List<Arrival> parse(String name, BufferedReader in) throws IOException {
        List<Arrival> out = new ArrayList<>();
        String line;
        int number = 0;
        boolean header = false;
        int columns = 0;
        long last = 0;
        while ((line = in.readLine()) != null) {
            number++;
            String l = number == 1 ? line.replace("\uFEFF", "").strip() : line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            if (!header) {
                String h = l.replace(" ", "");
                if (!h.equals(HEADER) && !h.equals(HEADER_WITH_TENANT)) {
                    throw error(name, number, "expected the header " + HEADER + " (optionally ,tenant), got '" + l + "'");
                }
                columns = h.split(",").length;
                header = true;
                continue;
            }
            String[] f = l.split(",", -1);
            if (f.length != columns) {
                throw error(name, number, "expected " + columns + " comma-separated fields (" + (columns == 5 ? HEADER
                        : HEADER_WITH_TENANT) + "), got " + f.length + " in '" + l + "'");
            }
            long at = number(name, number, "arrival_ms", f[0], 0, Long.MAX_VALUE / 1_000_000);
            if (at < last) {
                throw error(name, number, "arrival_ms " + at + " is before the previous line's " + last
                        + "; arrivals must be in non-decreasing order (sort the file by its first column)");
            }
            last = at;
            String type = f[1].strip();
            if (type.isEmpty()) {
                throw error(name, number, "type is empty; name the agent type, such as code or vision");
            }
            long duration = number(name, number, "duration_ms", f[2], 1, 86_400_000);
            int priority = (int) number(name, number, "priority", f[3], Task.MIN_PRIORITY, Task.MAX_PRIORITY);
            String affinity = f[4].strip();
            String tenant = columns > 5 ? f[5].strip() : "";
            out.add(new Arrival(at, type, duration, priority, affinity.isEmpty() ? null : affinity,
                    tenant.isEmpty() ? null : tenant));
        }
        if (!header) {
            throw error(name, Math.max(1, number), "the file is empty; expected the header " + HEADER);
        }
        return Collections.unmodifiableList(out);
    }

    private static long number(String name, int line, String field, String raw, long min, long max) {
        String v = raw.strip();
        long n;
        try {
            n = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw error(name, line, field + " must be a whole number, got '" + raw + "'");
        }
        if (n < min || n > max) {
            throw error(name, line, field + " must be between " + min + " and " + max + ", got " + n);
        }
        return n;
    }

    private static UserError error(String name, int line, String message) {
        return new UserError(name + ":" + line + ": " + message);
    }
}
