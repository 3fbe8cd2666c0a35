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
 * </ul>
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

    static {
        RATES.put("diurnal", ms -> 1 + 9 * Math.pow(Math.sin(Math.PI * (ms % 600_000) / 600_000.0), 2));
        RATES.put("bursty", ms -> (ms % 60_000) < 5_000 ? 60 : 3);
        RATES.put(FAIR_ADMISSION, ms -> QUIET_RATE * (1 + LOUD_FACTOR));
    }

    private TraceGenerator() {
    }

    static List<String> kinds() {
        return List.copyOf(RATES.keySet());
    }

    /** Writes {@code tasks} lines of the named kind; returns the span in milliseconds. */
    static long write(String kind, int tasks, long seed, Path file) {
        DoubleUnaryOperator rate = RATES.get(kind);
        if (rate == null) {
            throw new UserError("--generate: unknown trace kind '" + kind + "'; choose from " + String.join(", ", kinds()));
        }
        double peak = 0;
        for (long t = 0; t < 600_000; t += 100) {
            peak = Math.max(peak, rate.applyAsDouble(t));
        }
        SplittableRandom r = new SplittableRandom(seed ^ kind.hashCode());
        double t = 0;
        try {
            BenchCommand.createParent(file);
            try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                w.write("# " + kind + " example trace: tri simulate --generate " + kind + " --tasks " + tasks
                        + " --seed " + seed + " --out " + file.getFileName() + "\n");
                w.write(Trace.HEADER_WITH_TENANT + "\n");
                int written = 0;
                while (written < tasks) {
                    t += -Math.log(1 - r.nextDouble()) * 1000 / peak;
                    if (r.nextDouble() * peak > rate.applyAsDouble(t)) {
                        continue;
                    }
                    int type = pick(r);
                    long ms = Math.max(1, Math.min(120_000, WORK.get(type).sampleNanos(r) / 1_000_000));
                    int priority;
                    String affinity;
                    String tenant;
                    if (kind.equals(FAIR_ADMISSION)) {
                        // one superposed Poisson stream: each arrival is the quiet tenant's with its share of the rate
                        priority = 0;
                        affinity = "";
                        tenant = r.nextDouble() * (1 + LOUD_FACTOR) < 1 ? "quiet" : "loud";
                    } else {
                        priority = r.nextInt(100) < 2 ? 100 : r.nextInt(10) == 0 ? 5 : 0;
                        affinity = r.nextInt(3) == 0 ? "user-" + r.nextInt(40) : "";
                        tenant = r.nextInt(4) == 0 ? "globex" : "acme";
                    }
                    w.write((long) t + "," + TYPES.get(type) + "," + ms + "," + priority + "," + affinity + ","
                            + tenant + "\n");
                    written++;
                }
            }
        } catch (IOException e) {
            throw new UserError("--out: cannot write " + file + " (" + e.getMessage() + ")", e);
        }
        return (long) t;
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
