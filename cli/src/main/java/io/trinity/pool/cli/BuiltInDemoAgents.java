package io.trinity.pool.cli;

import io.trinity.pool.AgentType;
import io.trinity.pool.PoolBuilder;
import io.trinity.pool.Task;
import io.trinity.pool.agent.AgentFactory;
import io.trinity.pool.agent.AgentTypes;
import io.trinity.pool.agents.BuiltInAgents;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The demo on the built-in agents doing real work on inputs made here ({@link DemoInputs}):
 * vision on drawn PNGs, voice on synthesised WAVs, data on a sales CSV and on documents, code
 * on generated Java sources, system on this host, generic on text, and the coordinator fanning
 * a small graph out to data and generic subtasks. Each type cycles through
 * its operations so the run exercises all of them.
 */
final class BuiltInDemoAgents implements DemoAgents {

    private static final List<String> TYPES = List.of(AgentTypes.CODE, AgentTypes.DATA, AgentTypes.VISION,
            AgentTypes.VOICE, AgentTypes.SYSTEM, AgentTypes.GENERIC, AgentTypes.COORDINATOR);
    private static final List<String> VISION_OPS = List.of("info", "thumbnail", "grayscale", "histogram", "edges",
            "dominant-colors");
    private static final List<String> TEXT_OPS = List.of("count", "keywords", "summarize");
    private static final int[][] SIZES = {{320, 240}, {640, 480}, {800, 600}, {1024, 768}};

    /** The built-ins do one long blocking step at first use (javac's first compile, OSHI's first probe). */
    static final Duration MIN_STUCK_AFTER = Duration.ofSeconds(15);

    private final long seed;
    private final Duration stuckAfter;
    private final Map<Integer, byte[]> images = new ConcurrentHashMap<>();
    private final Map<Integer, byte[]> sounds = new ConcurrentHashMap<>();
    private final String csv;
    private final String text;

    BuiltInDemoAgents(long seed, Duration poolStuckAfter) {
        this.seed = seed;
        this.stuckAfter = poolStuckAfter.compareTo(MIN_STUCK_AFTER) > 0 ? poolStuckAfter : MIN_STUCK_AFTER;
        this.csv = DemoInputs.csv(2_000, seed);
        this.text = DemoInputs.documents().stream().map(d -> (String) d.get("text")).collect(Collectors.joining(" "));
    }

    @Override
    public String description() {
        return "built-in agents doing real work (" + String.join(", ", TYPES) + "; their stuck threshold is "
                + DurationConverter.format(stuckAfter) + " because a first javac compile is silent for seconds)"
                + " plus the demo's flaky agent (--stuck-after applies to it)";
    }

    @Override
    public void register(PoolBuilder builder) {
        Map<String, AgentFactory> factories = BuiltInAgents.factories();
        for (String type : TYPES) {
            // As BuiltInAgents.registerAll: preempting a coordinator would cancel the subtasks it waits for.
            builder.register(AgentType.of(type, factories.get(type)).withStuckAfter(stuckAfter)
                    .withPreemptible(!type.equals(AgentTypes.COORDINATOR)));
        }
    }

    @Override
    public List<String> types() {
        return TYPES;
    }

    @Override
    public Task.Builder task(String type, int i) {
        Task.Builder t = Task.builder(type);
        return switch (type) {
            case AgentTypes.VISION -> {
                String op = VISION_OPS.get(i % VISION_OPS.size());
                int size = i % SIZES.length;
                byte[] png = images.computeIfAbsent(size, s -> DemoInputs.png(SIZES[s][0], SIZES[s][1], seed + s));
                yield t.input(Map.of("op", op, "width", 64, "k", 4)).attach("image", "image/png", png);
            }
            case AgentTypes.VOICE -> {
                int k = i % 4;
                byte[] wav = sounds.computeIfAbsent(k, n -> DemoInputs.wav(110 * (n + 1), 1.0 + 0.25 * n, 16_000));
                yield t.input(Map.of("op", "analyze")).attach("audio", "audio/wav", wav);
            }
            case AgentTypes.DATA -> switch (i % 3) {
                case 0 -> t.input(Map.of("op", "stats", "csv", csv));
                case 1 -> t.input(Map.of("op", "group-by", "csv", csv, "by", "region", "aggregates", List.of(
                        Map.of("column", "units", "fn", "sum", "as", "units"),
                        Map.of("column", "price", "fn", "avg", "as", "avgPrice"))));
                default -> t.input(Map.of("op", "retrieve", "documents", DemoInputs.documents(),
                        "query", "idle agents and the warm pool", "k", 2));
            };
            case AgentTypes.CODE -> t.input(Map.of("op", "analyze", "source", DemoInputs.javaSource(i, 3 + i % 8),
                    "fileName", "Demo" + i + ".java"));
            case AgentTypes.SYSTEM -> t.input(i % 2 == 0 ? Map.of("op", "snapshot", "sampleMs", 100)
                    : Map.of("op", "top", "n", 5, "sampleMs", 100));
            case AgentTypes.GENERIC -> t.input(Map.of("op", TEXT_OPS.get(i % TEXT_OPS.size()), "text", text));
            case AgentTypes.COORDINATOR -> t.input(Map.of("graph", List.of(
                    Map.of("id", "stats", "type", AgentTypes.DATA, "input", Map.of("op", "stats", "csv", csv)),
                    Map.of("id", "keywords", "type", AgentTypes.GENERIC, "input", Map.of("op", "keywords", "text", text)),
                    Map.of("id", "summary", "type", AgentTypes.GENERIC, "after", List.of("stats", "keywords"),
                            "input", Map.of("op", "summarize", "text", text, "sentences", 2)))));
            default -> throw new IllegalArgumentException("no demo input for type '" + type + "'");
        };
    }

    @Override
    public Task.Builder sessionTask(int i) {
        return task(AgentTypes.DATA, 3 * i);
    }
}
