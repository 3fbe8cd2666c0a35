package io.trinity.pool.cli;

import io.trinity.pool.AgentPool;
import io.trinity.pool.PoolSnapshot;
import io.trinity.pool.agent.AgentState;
import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.event.PoolListener;
import io.trinity.pool.report.Table;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The demo's view of the pool. On a terminal it redraws one block in place four times a second
 * (ANSI cursor-up and clear-line): agents by type and state, queue, counters, the latest scale
 * decisions and health events. Elsewhere (a pipe, a file, a test) it prints plain lines: scene
 * headers, scale and health events as they happen, and a status line every second.
 */
final class LiveView implements PoolListener, AutoCloseable {

    private static final String UP = "\u001b[%dA";
    private static final String CLEAR = "\u001b[2K";
    private static final List<AgentState> STATES = List.of(AgentState.SPAWNING, AgentState.READY, AgentState.BUSY,
            AgentState.IDLE, AgentState.DESTROYING);

    private final PrintWriter out;
    private final boolean interactive;
    private final RunMetrics metrics;
    private final long startNanos;
    private final double totalSeconds;
    private final ConcurrentLinkedQueue<String> pending = new ConcurrentLinkedQueue<>();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tri-live-view");
        t.setDaemon(true);
        return t;
    });
    private volatile AgentPool pool;
    private volatile String scene = "starting";
    private int drawn;
    private long ticks;

    LiveView(PrintWriter out, boolean interactive, RunMetrics metrics, long startNanos, double totalSeconds) {
        this.out = out;
        this.interactive = interactive;
        this.metrics = metrics;
        this.startNanos = startNanos;
        this.totalSeconds = totalSeconds;
    }

    void start(AgentPool pool) {
        this.pool = pool;
        ticker.scheduleAtFixedRate(this::tick, 0, interactive ? 250 : 1000, TimeUnit.MILLISECONDS);
    }

    /** A new scene: the header on the live view, a line of its own in plain output. */
    void scene(String title) {
        scene = title;
        if (!interactive) {
            print(String.format(Locale.ROOT, "%6.1fs  == %s", elapsed(), title));
        }
    }

    /** A remark worth a line of its own (what a scene showed). */
    void note(String text) {
        pending.add(String.format(Locale.ROOT, "%6.1fs  %s", elapsed(), text));
        if (!interactive) {
            flushPending();
        }
    }

    @Override
    public void onEvent(PoolEvent event) {
        String line = switch (event) {
            case PoolEvent.ScaleDecision s -> "scale " + s.type() + " " + s.from() + " -> " + s.to() + " (" + s.reason() + ")";
            case PoolEvent.HealthStuck s -> "health: " + s.agent() + " stuck, silent " + s.silentMs() + " ms on task " + s.task();
            case PoolEvent.HealthRestart r -> "health: " + r.agent() + " replaced by " + r.replacement()
                    + (r.reason() == null ? "" : " (" + r.reason() + ")");
            case PoolEvent.TaskEnded e when e.outcome() == PoolEvent.TaskOutcome.PREEMPTED ->
                    "preempted: task " + e.task() + " on " + e.agent() + " (" + e.reason() + ")";
            case PoolEvent.AgentDestroyed d when d.reason() == PoolEvent.DestroyReason.IDLE_TIMEOUT ->
                    "reclaimed: " + d.agent() + " (idle timeout)";
            case PoolEvent.AgentDestroyed d when d.reason() == PoolEvent.DestroyReason.SCALE_DOWN ->
                    "reclaimed: " + d.agent() + " (idle, scaled down)";
            default -> null;
        };
        if (line != null && !interactive) {
            pending.add(String.format(Locale.ROOT, "%6.1fs  %s", (event.nanos() - startNanos) / 1e9, line));
        }
    }

    private void tick() {
        try {
            if (interactive) {
                redraw();
            } else {
                flushPending();
                if (ticks++ % 2 == 0) {
                    print(String.format(Locale.ROOT, "%6.1fs  %s", elapsed(), status(pool.snapshot())));
                }
            }
        } catch (RuntimeException e) {
            // A view must never stop the demo; the summary still reports everything.
        }
    }

    private synchronized void flushPending() {
        String line;
        while ((line = pending.poll()) != null) {
            out.println(line);
        }
        out.flush();
    }

    private synchronized void print(String line) {
        flushPending();
        out.println(line);
        out.flush();
    }

    private String status(PoolSnapshot s) {
        Map<AgentState, Long> by = new EnumMap<>(AgentState.class);
        s.agents().forEach(a -> by.merge(a.state(), 1L, Long::sum));
        StringBuilder b = new StringBuilder("agents ").append(s.agents().size()).append(" (");
        List<String> parts = new ArrayList<>();
        by.forEach((k, v) -> parts.add(k.name().toLowerCase(Locale.ROOT) + " " + v));
        b.append(parts.isEmpty() ? "none" : String.join(", ", parts)).append(")");
        b.append("  queue ").append(s.queued()).append("  running ").append(s.running())
                .append("  final ").append(metrics.completed()).append('/').append(metrics.submitted())
                .append("  spawns ").append(s.spawns()).append("  destroys ").append(s.destroys());
        return b.toString();
    }

    private synchronized void redraw() {
        PoolSnapshot s = pool.snapshot();
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "tri spawn  %5.1f s / %.0f s   %s", elapsed(), totalSeconds, scene));
        lines.add("");
        Map<String, long[]> byType = new TreeMap<>();
        for (PoolSnapshot.AgentInfo a : s.agents()) {
            long[] row = byType.computeIfAbsent(a.type(), k -> new long[STATES.size() + 1]);
            int i = STATES.indexOf(a.state());
            row[i < 0 ? STATES.size() : i]++;
        }
        Table t = new Table("type", "spawning", "ready", "busy", "idle", "destroying", "failed", "total");
        long[] sum = new long[STATES.size() + 1];
        byType.forEach((type, row) -> {
            List<String> cells = new ArrayList<>(List.of(type));
            long total = 0;
            for (int i = 0; i < row.length; i++) {
                cells.add(String.valueOf(row[i]));
                sum[i] += row[i];
                total += row[i];
            }
            cells.add(String.valueOf(total));
            t.row(cells);
        });
        List<String> totals = new ArrayList<>(List.of("all"));
        for (long v : sum) {
            totals.add(String.valueOf(v));
        }
        totals.add(String.valueOf(s.agents().size()));
        t.row(totals);
        lines.addAll(List.of(t.render().split("\n")));
        lines.add("");
        lines.add("queue " + s.queued() + "   running " + s.running() + "   waiting retry " + s.waitingRetry()
                + "   tasks final " + metrics.completed() + "/" + metrics.submitted()
                + "   spawns " + s.spawns() + "   destroys " + s.destroys());
        lines.add("");
        lines.add("latest scale decisions:");
        pad(lines, metrics.recentScale(), 4);
        lines.add("latest health events:");
        pad(lines, metrics.recentHealth(), 4);
        lines.add("notes:");
        List<String> notes = new ArrayList<>(pending);
        pad(lines, notes.subList(Math.max(0, notes.size() - 4), notes.size()), 4);
        StringBuilder b = new StringBuilder();
        if (drawn > 0) {
            b.append(String.format(UP, drawn));
        }
        for (String l : lines) {
            b.append(CLEAR).append(l).append('\n');
        }
        for (int i = lines.size(); i < drawn; i++) {
            b.append(CLEAR).append('\n');
        }
        drawn = Math.max(drawn, lines.size());
        out.print(b);
        out.flush();
    }

    private static void pad(List<String> lines, List<String> items, int n) {
        for (int i = 0; i < n; i++) {
            lines.add(i < items.size() ? "  " + items.get(i) : "");
        }
    }

    private double elapsed() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        try {
            ticker.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (interactive && pool != null) {
            redraw();
        } else {
            flushPending();
        }
    }
}
