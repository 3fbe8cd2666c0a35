package io.trinity.pool.agents.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trinity.pool.agent.AgentInit;
import io.trinity.pool.agent.NonRetryableException;
import io.trinity.pool.agents.testing.FakeTaskContext;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SystemAgentTest {

    private static final SystemAgent AGENT = new SystemAgent(new AgentInit("system-1", "system", Optional.empty()));

    @BeforeAll
    static void init() {
        AGENT.init();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @Test
    void snapshotHasSaneRealValues() throws Exception {
        FakeTaskContext ctx = FakeTaskContext.of("system", Map.of("op", "snapshot", "sampleMs", 60L));
        Map<String, Object> out = AGENT.execute(ctx).data();

        Map<String, Object> cpu = map(out.get("cpu"));
        assertThat((long) cpu.get("logicalCores")).isGreaterThanOrEqualTo(1L);
        assertThat((long) cpu.get("physicalCores")).isBetween(1L, (long) cpu.get("logicalCores"));
        assertThat((double) cpu.get("systemLoad")).isBetween(0.0, 1.0);
        if (cpu.get("processLoad") != null) {
            assertThat((double) cpu.get("processLoad")).isBetween(0.0, 1.0);
        }

        Map<String, Object> memory = map(out.get("memory"));
        assertThat((long) memory.get("totalBytes")).isPositive();
        assertThat((long) memory.get("availableBytes")).isBetween(0L, (long) memory.get("totalBytes"));

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> disks = (List<Map<String, Object>>) out.get("disks");
        for (Map<String, Object> disk : disks) {
            assertThat((long) disk.get("usableBytes")).isBetween(0L, (long) disk.get("totalBytes"));
        }

        Map<String, Object> jvm = map(out.get("jvm"));
        Map<String, Object> threads = map(jvm.get("threads"));
        assertThat((long) threads.get("count")).isPositive().isLessThanOrEqualTo((long) threads.get("peak"));
        assertThat((long) threads.get("daemon")).isLessThanOrEqualTo((long) threads.get("count"));
        Map<String, Object> heap = map(jvm.get("heap"));
        assertThat((long) heap.get("usedBytes")).isPositive().isLessThanOrEqualTo((long) heap.get("committedBytes"));
        if (heap.get("maxBytes") != null) {
            assertThat((long) heap.get("usedBytes")).isLessThanOrEqualTo((long) heap.get("maxBytes"));
        }
        assertThat((List<?>) jvm.get("gc")).isNotEmpty();
        assertThat((long) jvm.get("uptimeMs")).isPositive();
        assertThat((long) jvm.get("availableProcessors")).isEqualTo(Runtime.getRuntime().availableProcessors());

        // The measurement window heartbeats and the last report is completion.
        assertThat(ctx.notes).anyMatch(n -> n.startsWith("sampling "));
        assertThat(ctx.progress).last().isEqualTo(1.0);
    }

    @Test
    void topReturnsAtMostNSortedByCpu() throws Exception {
        FakeTaskContext ctx = FakeTaskContext.of("system", Map.of("op", "top", "n", 5L, "sampleMs", 50L));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rows = (List<Map<String, Object>>) AGENT.execute(ctx).data().get("processes");
        assertThat(rows).isNotEmpty().hasSizeLessThanOrEqualTo(5);
        List<Double> cpu = rows.stream().map(r -> (Double) r.get("cpuPercent")).toList();
        assertThat(cpu).isSortedAccordingTo((a, b) -> Double.compare(b, a));
        assertThat(cpu).allMatch(c -> c >= 0);
        assertThat(rows).allMatch(r -> (long) r.get("pid") >= 0 && r.get("name") != null);
    }

    @Test
    void topByMemoryIsSortedByResidentSetSize() throws Exception {
        FakeTaskContext ctx = FakeTaskContext.of("system", Map.of("op", "top", "by", "memory", "n", 3L, "sampleMs", 10L));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rows = (List<Map<String, Object>>) AGENT.execute(ctx).data().get("processes");
        assertThat(rows).hasSizeBetween(1, 3);
        List<Long> rss = rows.stream().map(r -> (Long) r.get("rssBytes")).toList();
        assertThat(rss).isSortedAccordingTo((a, b) -> Long.compare(b, a));
        assertThat(rss.get(0)).isPositive();
    }

    @Test
    void cancellationDuringTheWindowStopsTheTask() {
        FakeTaskContext fake = FakeTaskContext.of("system", Map.of("op", "snapshot", "sampleMs", 10_000L));
        // Cancel on the first heartbeat of the measurement window: the agent must notice before
        // the window ends rather than wait out 10 s.
        fake.onProgress = note -> {
            if (note != null && note.startsWith("sampling")) {
                fake.cancel();
            }
        };
        assertThatThrownBy(() -> AGENT.execute(fake)).isInstanceOf(CancellationException.class);
        assertThat(fake.notes).hasSize(1);
    }

    @Test
    void badInputIsNonRetryableAndSaysWhy() {
        assertThatThrownBy(() -> AGENT.execute(FakeTaskContext.of("system", Map.of("op", "reboot"))))
                .isInstanceOf(NonRetryableException.class)
                .hasMessage("input.op: unknown operation for agent system-1; valid ops: snapshot, top (got 'reboot')");
        assertThatThrownBy(() -> AGENT.execute(FakeTaskContext.of("system", Map.of("op", "top", "by", "disk"))))
                .isInstanceOf(NonRetryableException.class)
                .hasMessage("input.by: must be 'cpu' or 'memory' (got 'disk')");
        assertThatThrownBy(() -> AGENT.execute(FakeTaskContext.of("system", Map.of("op", "snapshot", "sampleMs", 0L))))
                .isInstanceOf(NonRetryableException.class)
                .hasMessage("input.sampleMs: must be between 10 and 10000 (got 0)");
    }
}
