package io.trinity.pool.agents.system;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** This JVM as its management beans see it: threads, collectors, heap and uptime. */
final class JvmStats {

    private JvmStats() {
    }

    static Map<String, Object> now() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Object> threadOut = new LinkedHashMap<>();
        threadOut.put("count", (long) threads.getThreadCount());
        threadOut.put("daemon", (long) threads.getDaemonThreadCount());
        threadOut.put("peak", (long) threads.getPeakThreadCount());

        List<Map<String, Object>> gc = new ArrayList<>();
        for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", bean.getName());
            // -1 means the collector does not report it: null says "unknown", 0 would lie.
            m.put("count", bean.getCollectionCount() < 0 ? null : bean.getCollectionCount());
            m.put("timeMs", bean.getCollectionTime() < 0 ? null : bean.getCollectionTime());
            gc.add(m);
        }

        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        Map<String, Object> heapOut = new LinkedHashMap<>();
        heapOut.put("usedBytes", heap.getUsed());
        heapOut.put("committedBytes", heap.getCommitted());
        heapOut.put("maxBytes", heap.getMax() < 0 ? null : heap.getMax());

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("version", Runtime.version().toString());
        out.put("availableProcessors", (long) Runtime.getRuntime().availableProcessors());
        out.put("uptimeMs", ManagementFactory.getRuntimeMXBean().getUptime());
        out.put("threads", threadOut);
        out.put("gc", gc);
        out.put("heap", heapOut);
        return out;
    }
}
