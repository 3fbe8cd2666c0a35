package io.trinity.pool.agents.system;

import io.trinity.pool.Payload;
import io.trinity.pool.agent.Agent;
import io.trinity.pool.agent.AgentInit;
import io.trinity.pool.agent.TaskContext;
import io.trinity.pool.agents.common.Inputs;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.software.os.OSProcess;
import oshi.software.os.OperatingSystem;

/**
 * The {@code system} agent: observations of the host (through OSHI) and of this JVM (through
 * the JDK's management beans). The operation is chosen by the {@code op} field.
 *
 * <ul>
 *   <li>{@code snapshot}: CPU load (system and this process), cores, memory, disks, JVM threads,
 *       garbage collectors, heap and uptime.</li>
 *   <li>{@code top}: the top {@code n} processes (default 10) by {@code by} = {@code cpu}
 *       (default) or {@code memory}, each with pid, name, cpu% and resident set size.</li>
 * </ul>
 *
 * <p>CPU load is a rate, so both operations read the counters twice, {@code sampleMs} apart
 * (default {@value #DEFAULT_SAMPLE_MS} ms, 10..10000): the wait happens inside the task, in
 * short slices that report progress and stop at once when the task is cancelled.
 * See docs/agents/system.md.
 */
public final class SystemAgent implements Agent {

    static final long DEFAULT_SAMPLE_MS = 200;
    static final List<String> OPS = List.of("snapshot", "top");
    /** Longest sleep between heartbeats and cancellation checks during the measurement window. */
    private static final long SLICE_MS = 50;

    private final AgentInit init;
    private volatile SystemInfo systemInfo;

    public SystemAgent(AgentInit init) {
        this.init = Objects.requireNonNull(init, "init");
    }

    @Override
    public void init() {
        // OSHI probes the platform on first use; doing it here keeps that cost in the cold start.
        SystemInfo si = new SystemInfo();
        si.getHardware().getProcessor().getLogicalProcessorCount();
        systemInfo = si;
    }

    private SystemInfo systemInfo() {
        SystemInfo si = systemInfo;
        if (si == null) {
            init();
            si = systemInfo;
        }
        return si;
    }

    @Override
    public Payload execute(TaskContext ctx) throws Exception {
        String op = Inputs.requireString(ctx, "op");
        if (!OPS.contains(op)) {
            throw Inputs.bad("op", "unknown operation for agent " + init.agentId() + "; valid ops: "
                    + String.join(", ", OPS), op);
        }
        long sampleMs = Inputs.optLong(ctx, "sampleMs", DEFAULT_SAMPLE_MS, 10, 10_000);
        Map<String, Object> out = switch (op) {
            case "snapshot" -> snapshot(ctx, sampleMs);
            default -> top(ctx, sampleMs);
        };
        ctx.progress(1.0, "done");
        return Payload.of(out);
    }

    private Map<String, Object> snapshot(TaskContext ctx, long sampleMs) throws InterruptedException {
        SystemInfo si = systemInfo();
        CentralProcessor cpu = si.getHardware().getProcessor();
        OperatingSystem os = si.getOperatingSystem();
        long[] ticks = cpu.getSystemCpuLoadTicks();
        OSProcess self = os.getCurrentProcess();
        window(ctx, sampleMs);
        double systemLoad = cpu.getSystemCpuLoadBetweenTicks(ticks);
        OSProcess selfAfter = os.getCurrentProcess();
        int logical = cpu.getLogicalProcessorCount();

        Map<String, Object> cpuOut = new LinkedHashMap<>();
        cpuOut.put("systemLoad", systemLoad);
        // OSHI gives the process load in cores (up to the logical count); divide so both loads
        // share the 0..1 scale of the whole machine.
        cpuOut.put("processLoad", self == null || selfAfter == null ? null
                : selfAfter.getProcessCpuLoadBetweenTicks(self) / Math.max(1, logical));
        cpuOut.put("logicalCores", (long) logical);
        cpuOut.put("physicalCores", (long) cpu.getPhysicalProcessorCount());
        double[] loadAverage = cpu.getSystemLoadAverage(1);
        cpuOut.put("loadAverage1m", loadAverage[0] < 0 ? null : loadAverage[0]);

        Map<String, Object> memory = new LinkedHashMap<>();
        long total = si.getHardware().getMemory().getTotal();
        long available = si.getHardware().getMemory().getAvailable();
        memory.put("totalBytes", total);
        memory.put("availableBytes", available);
        memory.put("usedBytes", total - available);

        Map<String, Object> host = new LinkedHashMap<>();
        host.put("os", os.toString());
        host.put("uptimeSeconds", os.getSystemUptime());
        host.put("processes", (long) os.getProcessCount());

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("sampleMs", sampleMs);
        out.put("cpu", cpuOut);
        out.put("memory", memory);
        out.put("disks", Disks.of(os));
        out.put("host", host);
        out.put("jvm", JvmStats.now());
        return out;
    }

    private Map<String, Object> top(TaskContext ctx, long sampleMs) throws InterruptedException {
        int n = (int) Inputs.optLong(ctx, "n", 10, 1, 1_000);
        String by = Inputs.optString(ctx, "by").orElse("cpu");
        if (!by.equals("cpu") && !by.equals("memory")) {
            throw Inputs.bad("by", "must be 'cpu' or 'memory'", by);
        }
        OperatingSystem os = systemInfo().getOperatingSystem();
        Map<Integer, OSProcess> before = os.getProcesses().stream()
                .collect(Collectors.toMap(OSProcess::getProcessID, Function.identity(), (a, b) -> a));
        window(ctx, sampleMs);
        record Row(OSProcess p, double cpuPercent) {
        }
        Comparator<Row> order = by.equals("cpu")
                ? Comparator.comparingDouble(Row::cpuPercent).reversed()
                        .thenComparing(Comparator.comparingLong((Row r) -> r.p().getResidentSetSize()).reversed())
                : Comparator.comparingLong((Row r) -> r.p().getResidentSetSize()).reversed()
                        .thenComparing(Comparator.comparingDouble(Row::cpuPercent).reversed());
        List<Map<String, Object>> processes = os.getProcesses().stream()
                .map(p -> {
                    OSProcess prior = before.get(p.getProcessID());
                    // A process born inside the window has no prior tick: its whole life is the window.
                    double load = prior == null ? p.getProcessCpuLoadCumulative() : p.getProcessCpuLoadBetweenTicks(prior);
                    return new Row(p, 100.0 * load);
                })
                .sorted(order.thenComparingInt(r -> r.p().getProcessID()))
                .limit(n)
                .map(r -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("pid", (long) r.p().getProcessID());
                    m.put("name", r.p().getName());
                    m.put("cpuPercent", r.cpuPercent());
                    m.put("rssBytes", r.p().getResidentSetSize());
                    return m;
                })
                .toList();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("by", by);
        out.put("sampleMs", sampleMs);
        out.put("processes", processes);
        return out;
    }

    /** The measurement window between the two ticks: sliced so it heartbeats and can be cancelled. */
    private static void window(TaskContext ctx, long sampleMs) throws InterruptedException {
        long deadline = System.nanoTime() + sampleMs * 1_000_000;
        long remaining;
        while ((remaining = deadline - System.nanoTime()) > 0) {
            ctx.checkCancelled();
            long elapsed = sampleMs - remaining / 1_000_000;
            ctx.progress(0.9 * elapsed / sampleMs, "sampling " + elapsed + "/" + sampleMs + " ms");
            Thread.sleep(Math.min(SLICE_MS, Math.max(1, remaining / 1_000_000)));
        }
        ctx.checkCancelled();
    }
}
