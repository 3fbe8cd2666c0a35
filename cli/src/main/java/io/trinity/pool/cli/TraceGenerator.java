package io.trinity.pool.cli;

import io.trinity.pool.sim.Distribution;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;

/**
 * Writes example traces ({@code tri simulate --generate KIND --out FILE}): a seeded
 * non-homogeneous Poisson process over five agent types whose work differs per type, with
 * a few priorities, affinity keys for a third of the tasks, and a tenant column.
 * <ul>
 *   <li>{@code diurnal}: a day compressed into 10 minutes, from 1 task/s at night to 10/s at noon;</li>
 *   <li>{@code bursty}: 3 tasks/s with a 5 s burst of 60/s every minute;</li>
 *   <li>{@code fair-admission}: two tenants on the same type mix, {@code quiet} at 3 tasks/s and
 *       {@code loud} at 36/s (12x), steady: about 1.3x what 16 agents can serve, so the queue
 *       stays full and the question is whose tasks it keeps (docs/fairness.md).</li>
 *   <li>{@code cyclic}: a smooth recurring cycle (30 minutes unless {@code --period} says otherwise),
 *       0.2 to 4.2 tasks/s as sin², over four types with the same work (lognormal, 3 s median, sigma
 *       0.5), no priorities, affinity or second tenant: the load predictive spawning is for
 *       (docs/benchmarks.md); 31,680 tasks are about four hours.</li>
 *   <li>{@code cyclic-square}: the same types and work with steep fronts: 4.2 tasks/s for the first
 *       third of each period, 0.2 after (22,080 tasks are about four hours);</li>
 *   <li>{@code cyclic-burst}: the same types and work, 0.2 tasks/s with a burst of 10/s for the
 *       first tenth of each period (about 17,000 tasks in four hours).</li>
 * </ul>
 * The cyclic kinds are the shapes a forecast of a recurring load must handle: a smooth rise the
 * scaler's trend already follows, and fronts that it cannot see coming.
 */
final class TraceGenerator {

    private static final Map<String, DoubleUnaryOperator> RATES = new LinkedHashMap<>();
    private static final List<String> TYPES = List.of("code", "data", "vision", "voice", "generic");
    private static final List<Distribution> WORK = List.of(
            Distribution.lognormal(Duration.ofMillis(300), 0.6),
            Distribution.lognormal(Duration.ofMillis(200), 0.5),
            Distribution.lognormal(Duration.ofMillis(800), 0.6),
            Distribution.lognormal(Duration.ofMillis(1500), 0.4),
            Distribution.lognormal(Duration.ofMillis(100), 0.8));
    private static final double[] TYPE_WEIGHTS = {0.3, 0.25, 0.2, 0.1, 0.15};

    /** The fair-admission kind: the quiet tenant's rate, and the loud one's multiple of it. */
    static final String FAIR_ADMISSION = "fair-admission";
    private static final double QUIET_RATE = 3;
    private static final double LOUD_FACTOR = 12;

    /** The cyclic kind: trough and peak rate (tasks/s), its types and their work. */
    static final String CYCLIC = "cyclic";
    static final Duration CYCLIC_PERIOD = Duration.ofMinutes(30);
    private static final double CYCLIC_MIN = 0.2;
    private static final double CYCLIC_MAX = 4.2;
    private static final List<String> CYCLIC_TYPES = List.of("code", "data", "vision", "voice");
    private static final Distribution CYCLIC_WORK = Distribution.lognormal(Duration.ofSeconds(3), 0.5);
    /** The cyclic kind with steep fronts: {@link #CYCLIC_MAX} for the first third of each period. */
    static final String CYCLIC_SQUARE = "cyclic-square";
    /** The cyclic kind with bursts: {@link #BURST_RATE} for the first tenth of each period. */
    static final String CYCLIC_BURST = "cyclic-burst";
    private static final double BURST_RATE = 10;

    static {
        RATES.put("diurnal", ms -> 1 + 9 * Math.pow(Math.sin(Math.PI * (ms % 600_000) / 600_000.0), 2));
        RATES.put("bursty", ms -> (ms % 60_000) < 5_000 ? 60 : 3);
        RATES.put(FAIR_ADMISSION, ms -> QUIET_RATE * (1 + LOUD_FACTOR));
        RATES.put(CYCLIC, null); // the cyclic kinds' rates depend on the period: see cyclicRate()
        RATES.put(CYCLIC_SQUARE, null);
        RATES.put(CYCLIC_BURST, null);
    }

    private TraceGenerator() {
    }

    static List<String> kinds() {
        return List.copyOf(RATES.keySet());
    }

    /** Writes {@code tasks} lines of the named kind; returns the span in milliseconds. */
    static long write(String kind, int tasks, long seed, Path file) {
        return write(kind, tasks, seed, CYCLIC_PERIOD, file);
    }

    /** As above, with the cycle length of the {@code cyclic} kind (ignored by the others). */
    static long write(String kind, int tasks, long seed, Duration period, Path file) {
        if (!RATES.containsKey(kind)) {
            throw new UserError("--generate: unknown trace kind '" + kind + "'; choose from " + String.join(", ", kinds()));
        }
        boolean cyclic = kind.startsWith(CYCLIC);
        long periodMs = period.toMillis();
        if (cyclic && (periodMs < 1_000 || periodMs > Trace.MAX_ARRIVAL_MS)) {
            throw new UserError("--period must be between 1s and " + DurationConverter.format(Duration.ofMillis(
                    Trace.MAX_ARRIVAL_MS)) + " (got " + DurationConverter.format(period) + "); a trace spans at most that");
        }
        DoubleUnaryOperator rate = cyclic ? cyclicRate(kind, periodMs) : RATES.get(kind);
        // the thinning bound: known for the cyclic kinds (scanning a long period would take as long as the
        // period), sampled over the 10 minutes the others repeat in
        double peak = kind.equals(CYCLIC_BURST) ? BURST_RATE : cyclic ? CYCLIC_MAX : 0;
        for (long t = 0; !cyclic && t < 600_000; t += 100) {
            peak = Math.max(peak, rate.applyAsDouble(t));
        }
        double span = Math.max(600_000, cyclic ? periodMs : 0);
        double mean = 0;
        for (int i = 0; i < 6000; i++) {
            mean += rate.applyAsDouble(span * i / 6000) / 6000;
        }
        if (tasks / mean * 1000 > Trace.MAX_ARRIVAL_MS) {
            throw tooLong(kind, tasks);
        }
        SplittableRandom r = new SplittableRandom(seed ^ kind.hashCode());
        double t = 0;
        try {
            BenchCommand.createParent(file);
            try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                w.write("# " + kind + " example trace: tri simulate --generate " + kind + " --tasks " + tasks
                        + (cyclic ? " --period " + DurationConverter.format(period) : "")
                        + " --seed " + seed + " --out " + file.getFileName() + "\n");
                w.write(Trace.HEADER_WITH_TENANT + "\n");
                int written = 0;
                while (written < tasks) {
                    t += -Math.log(1 - r.nextDouble()) * 1000 / peak;
                    if (t > Trace.MAX_ARRIVAL_MS) {
                        throw tooLong(kind, tasks);
                    }
                    if (r.nextDouble() * peak > rate.applyAsDouble(t)) {
                        continue;
                    }
                    int type = cyclic ? r.nextInt(CYCLIC_TYPES.size()) : pick(r);
                    Distribution work = cyclic ? CYCLIC_WORK : WORK.get(type);
                    long ms = Math.max(1, Math.min(120_000, work.sampleNanos(r) / 1_000_000));
                    String typeName = cyclic ? CYCLIC_TYPES.get(type) : TYPES.get(type);
                    int priority;
                    String affinity;
                    String tenant;
                    if (cyclic) {
                        priority = 0;
                        affinity = "";
                        tenant = "acme";
                    } else if (kind.equals(FAIR_ADMISSION)) {
                        // one superposed Poisson stream: each arrival is the quiet tenant's with its share of the rate
                        priority = 0;
                        affinity = "";
                        tenant = r.nextDouble() * (1 + LOUD_FACTOR) < 1 ? "quiet" : "loud";
                    } else {
                        priority = r.nextInt(100) < 2 ? 100 : r.nextInt(10) == 0 ? 5 : 0;
                        affinity = r.nextInt(3) == 0 ? "user-" + r.nextInt(40) : "";
                        tenant = r.nextInt(4) == 0 ? "globex" : "acme";
                    }
                    w.write((long) t + "," + typeName + "," + ms + "," + priority + "," + affinity + ","
                            + tenant + "\n");
                    written++;
                }
            }
        } catch (IOException e) {
            throw new UserError("--out: cannot write " + file + " (" + UserError.reason(e) + ")", e);
        } catch (UserError e) {
            try {
                Files.deleteIfExists(file); // no half-written trace left behind
            } catch (IOException ignored) {
                e.addSuppressed(ignored);
            }
            throw e;
        }
        return (long) t;
    }

    private static UserError tooLong(String kind, int tasks) {
        return new UserError("--generate " + kind + ": " + tasks + " tasks would arrive over more than "
                + DurationConverter.format(Duration.ofMillis(Trace.MAX_ARRIVAL_MS))
                + ", the longest a trace may span; lower --tasks");
    }

    /** The rate (tasks/s) at a time (ms) of a cyclic kind with this period. */
    private static DoubleUnaryOperator cyclicRate(String kind, long periodMs) {
        return switch (kind) {
            case CYCLIC_SQUARE -> ms -> ms % periodMs < periodMs / 3.0 ? CYCLIC_MAX : CYCLIC_MIN;
            case CYCLIC_BURST -> ms -> ms % periodMs < periodMs / 10.0 ? BURST_RATE : CYCLIC_MIN;
            default -> ms -> CYCLIC_MIN + (CYCLIC_MAX - CYCLIC_MIN) * Math.pow(Math.sin(Math.PI * (ms % periodMs) / periodMs), 2);
        };
    }

    private static int pick(SplittableRandom r) {
        double x = r.nextDouble();
        for (int i = 0; i < TYPE_WEIGHTS.length; i++) {
            x -= TYPE_WEIGHTS[i];
            if (x < 0) {
                return i;
            }
        }
        return TYPE_WEIGHTS.length - 1;
    }
}
