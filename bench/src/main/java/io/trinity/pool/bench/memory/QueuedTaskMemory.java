package io.trinity.pool.bench.memory;

import static io.trinity.pool.report.Table.f;

import io.trinity.pool.AgentPool;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.Task;
import io.trinity.pool.TaskHandle;
import io.trinity.pool.TaskState;
import io.trinity.pool.bench.report.Report;
import io.trinity.pool.report.Table;
import io.trinity.pool.sim.Distribution;
import io.trinity.pool.sim.SimProfile;
import io.trinity.pool.sim.SimulatedAgent;
import io.trinity.pool.time.VirtualClock;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.management.ObjectName;

/**
 * What a queued task costs in heap beyond its input ({@code ./tri bench memory [--tasks N]}).
 *
 * <p>Method: build N tasks (each with a small input) and hold them, take a class histogram of
 * the live heap (the JVM's {@code GC.class_histogram}: a full GC, then every live object
 * counted by class), submit them all to a deterministic pool whose one agent never finishes
 * spawning (the virtual clock never moves), so every task stays QUEUED, and take a second
 * histogram. The difference, divided by N, is what the pool holds per queued task; the task
 * and its input existed before the first histogram, so they are not in it. The per-class
 * difference says where the bytes go. No listener, no journal: the pool's own cost.
 *
 * <p>Issue 16's target: at most 512 bytes per queued task.
 */
public final class QueuedTaskMemory {

    static final int TARGET_BYTES = 512;
    private static final int DEFAULT_TASKS = 200_000;

    private final Report report;
    private final int tasks;

    public QueuedTaskMemory(Report report, int tasks) {
        this.report = report;
        this.tasks = tasks > 0 ? tasks : DEFAULT_TASKS;
    }

    /** The value after {@code --tasks}, or 0. */
    public static int tasksOption(List<String> args) {
        int i = args.indexOf("--tasks");
        if (i < 0) {
            return 0;
        }
        if (i + 1 >= args.size() || !args.get(i + 1).matches("[1-9][0-9]{0,8}")) {
            throw new IllegalArgumentException("--tasks needs a whole number from 1 to 999999999 (got "
                    + (i + 1 < args.size() ? "'" + args.get(i + 1) + "'" : "nothing") + ")");
        }
        return Integer.parseInt(args.get(i + 1));
    }

    public void run() throws Exception {
        VirtualClock clock = new VirtualClock();
        PoolConfig config = PoolConfig.custom().maxAgents(1).warmPool(0).warmPoolMin(0).warmPoolMax(0)
                .queueCapacity(tasks).build();
        // the only agent takes a virtual day to spawn and the clock stays put: nothing ever runs
        SimProfile never = SimProfile.of(Distribution.fixed(Duration.ofMillis(100))).withSpawnDelay(Duration.ofDays(1));
        AgentPool pool = AgentPool.builder().config(config).deterministic(clock)
                .register("work", SimulatedAgent.factory(clock, never, 1)).build();

        Task[] input = new Task[tasks];
        for (int i = 0; i < tasks; i++) {
            input[i] = Task.of("work", Map.of("n", (long) i));
        }
        TaskHandle[] handles = new TaskHandle[tasks];
        Map<String, long[]> before = histogram();
        for (int i = 0; i < tasks; i++) {
            handles[i] = pool.submit(input[i]);
        }
        Map<String, long[]> after = histogram();
        for (TaskHandle h : handles) {
            if (h.state() != TaskState.QUEUED) {
                throw new IllegalStateException("every task should still be queued, but " + h + " is " + h.state());
            }
        }
        // G1 fills the unused tail of a region with filler arrays: dead space, not objects
        long filler = after.getOrDefault(FILLER, new long[2])[1] - before.getOrDefault(FILLER, new long[2])[1];
        long total = after.get(TOTAL)[1] - before.get(TOTAL)[1] - filler;
        double perTask = (double) total / tasks;

        List<Map.Entry<String, long[]>> rows = new ArrayList<>();
        for (Map.Entry<String, long[]> e : after.entrySet()) {
            long[] b = before.getOrDefault(e.getKey(), new long[2]);
            long[] d = {e.getValue()[0] - b[0], e.getValue()[1] - b[1]};
            if (!e.getKey().equals(TOTAL) && !e.getKey().equals(FILLER) && d[1] > tasks / 10) { // ignore what is not per task
                rows.add(Map.entry(e.getKey(), d));
            }
        }
        rows.sort(Comparator.comparingLong((Map.Entry<String, long[]> e) -> e.getValue()[1]).reversed());
        Table t = new Table("class", "objects per task", "bytes per task");
        for (Map.Entry<String, long[]> e : rows) {
            t.row(e.getKey(), f("%.2f", (double) e.getValue()[0] / tasks), f("%.1f", (double) e.getValue()[1] / tasks));
        }
        t.row("total (all classes, without G1's filler arrays)", "", f("%.1f", perTask));

        StringBuilder md = new StringBuilder();
        md.append(f("%,d tasks queued (input: a one-entry map each, built before the first histogram), deterministic"
                + " pool, no listener, no journal; JDK %s, %s, compressed oops %s. Live heap from the JVM's class"
                + " histogram (full GC first) before and after the submits.%n%n", tasks,
                Runtime.version(), gcName(), compressedOops()));
        md.append(t.render()).append('\n');
        md.append(f("**Heap per queued task beyond its input: %.0f bytes** (target <= %d: %s).%n", perTask,
                TARGET_BYTES, perTask <= TARGET_BYTES ? "met" : "missed by " + Math.round(perTask - TARGET_BYTES) + " B"));
        pool.shutdown(Duration.ZERO);
        clock.advance(Duration.ofMinutes(1));
        report.write("memory", md.toString());
        java.lang.ref.Reference.reachabilityFence(input);
        java.lang.ref.Reference.reachabilityFence(handles);
    }

    private static final String TOTAL = "<total>";
    private static final String FILLER = "[Ljdk.internal.vm.FillerElement;";

    /** Live objects by class: [instances, bytes]; the total under {@link #TOTAL}. Runs a full GC first. */
    static Map<String, long[]> histogram() throws Exception {
        String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        Map<String, long[]> out = new HashMap<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && f[0].endsWith(":")) {
                out.put(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
            } else if (f.length >= 3 && f[0].equals("Total")) {
                out.put(TOTAL, new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
            }
        }
        if (!out.containsKey(TOTAL)) {
            throw new IllegalStateException("the class histogram had no Total line: " + text.lines().limit(5).toList());
        }
        return out;
    }

    private static String gcName() {
        return ManagementFactory.getGarbageCollectorMXBeans().getFirst().getName();
    }

    private static String compressedOops() {
        try {
            var bean = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            return bean.getVMOption("UseCompressedOops").getValue();
        } catch (RuntimeException e) {
            return "unknown";
        }
    }
}
