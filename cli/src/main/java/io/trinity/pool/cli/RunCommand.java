package io.trinity.pool.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trinity.pool.AgentPool;
import io.trinity.pool.Attachment;
import io.trinity.pool.Payload;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.Task;
import io.trinity.pool.TaskFailedException;
import io.trinity.pool.TaskHandle;
import io.trinity.pool.agent.AgentFactory;
import io.trinity.pool.agent.AgentTypes;
import io.trinity.pool.agents.BuiltInAgents;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tri run TYPE}: one task on one built-in agent, the result printed as JSON. The input
 * file goes where the type expects it (vision: attachment {@code image}; voice: attachment
 * {@code audio}; data: attachment {@code file}; code: field {@code source}; generic: attachment
 * {@code file}); {@code --json} adds fields, {@code --op}, {@code --width}, {@code --height} and
 * {@code -p key=value} set fields. Attachments in the result are summarised, and saved with
 * {@code --save DIR}.
 */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Runs one task on a built-in agent and prints its result as JSON.",
        description = {"Runs one task on a built-in agent and prints its result as JSON."},
        footerHeading = "%nExamples:%n",
        footer = {
                "  tri run vision --input photo.png --op thumbnail --width 64 --save out/",
                "  tri run data --input table.csv",
                "  tri run data --input table.csv --op group-by -p by=region \\",
                "      --json '{\"aggregates\":[{\"column\":\"units\",\"fn\":\"sum\"}]}'",
                "  tri run code --input Hello.java",
                "  tri run voice --input clip.wav",
                "  tri run system --op top -p n=5",
                "  tri run generic --json '{\"op\":\"keywords\",\"text\":\"Pools grow, shrink.\"}'",
                "  tri run coordinator --json '{\"graph\":[{\"id\":\"a\",\"type\":\"system\",",
                "      \"input\":{\"op\":\"snapshot\"}}]}'"})
final class RunCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** One task: no warm agents to start, no retries; a --config file may change either. */
    static final PoolConfig RUN_DEFAULTS = PoolConfig.custom().warmPoolMin(0).warmPoolMax(0).warmPool(0).maxAgents(4)
            .maxAttempts(1).build();
    private static final Map<String, String> DEFAULT_OPS = Map.of(AgentTypes.VISION, "info", AgentTypes.VOICE,
            "analyze", AgentTypes.DATA, "stats", AgentTypes.CODE, "analyze", AgentTypes.SYSTEM, "snapshot",
            AgentTypes.GENERIC, "summarize");

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TYPE", description = "Agent type: coordinator, code, data, vision, voice, system or generic.")
    String type;

    @Option(names = "--input", paramLabel = "FILE", description = "Input file (image, WAV, CSV/JSON, Java source, text).")
    Path input;

    @Option(names = "--json", paramLabel = "JSON", description = "Input fields as a JSON object, e.g. '{\"op\":\"stats\"}'.")
    String json;

    @Option(names = "--op", paramLabel = "OP", description = "The agent's operation (default per type: vision info,"
            + " voice analyze, data stats, code analyze, system snapshot, generic summarize).")
    String op;

    @Option(names = "--width", paramLabel = "N", description = "Field width (vision thumbnail/resize).")
    Integer width;

    @Option(names = "--height", paramLabel = "N", description = "Field height (vision thumbnail/resize).")
    Integer height;

    @Option(names = {"-p", "--param"}, paramLabel = "KEY=VALUE",
            description = "Any input field; VALUE is read as JSON when it parses (5, true, [1,2]), else as text.")
    Map<String, String> params = new LinkedHashMap<>();

    @Option(names = "--save", paramLabel = "DIR", description = "Save the result's attachments into this folder.")
    Path save;

    @Option(names = "--timeout", defaultValue = "2m", paramLabel = "DURATION", description = "Give up after (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        Map<String, AgentFactory> factories = BuiltInAgents.factories();
        AgentFactory factory = factories.get(type);
        if (factory == null) {
            throw new UserError("unknown agent type '" + type + "'; choose one of " + String.join(", ", factories.keySet()));
        }
        PoolOptions.positive("--timeout", timeout);
        Task task = task();
        // Every built-in type is registered so a coordinator's subtasks have agents too.
        PoolConfig config = new PoolOptions().toConfig(RUN_DEFAULTS, Tri.configFile(spec));
        try (AgentPool pool = BuiltInAgents.registerAll(AgentPool.builder().config(config)).build()) {
            TaskHandle h = pool.submit(task);
            Payload result;
            try {
                result = h.result().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                h.cancel();
                throw new UserError("no result within " + DurationConverter.format(timeout) + "; raise --timeout");
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TaskFailedException f) {
                    spec.commandLine().getErr().println("tri run " + type + ": task " + f.state().name().toLowerCase(Locale.ROOT)
                            + ": " + String.join("; ", f.reasons()));
                    spec.commandLine().getErr().flush();
                    return f.getCause() instanceof io.trinity.pool.agent.NonRetryableException ? 2 : 1;
                }
                throw e;
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println(SummaryReport.json(render(result)));
            out.flush();
            return 0;
        }
    }

    private Task task() throws IOException {
        Task.Builder t = Task.builder(type);
        Map<String, Object> fields = new LinkedHashMap<>();
        Map<String, Attachment> attachments = new LinkedHashMap<>();
        if (input != null) {
            if (!Files.isRegularFile(input)) {
                throw new UserError("--input: file not found: " + input);
            }
            fromFile(Files.readAllBytes(input), fields, attachments);
        }
        if (json != null) {
            fields.putAll(parseObject(json));
        }
        String chosen = op != null ? op : (String) fields.getOrDefault("op", DEFAULT_OPS.get(type));
        if (chosen != null) {
            fields.put("op", chosen);
        }
        if (width != null) {
            fields.put("width", width);
        }
        if (height != null) {
            fields.put("height", height);
        }
        params.forEach((k, v) -> fields.put(k, value(v)));
        try {
            return t.input(Payload.of(fields, attachments)).build();
        } catch (IllegalArgumentException e) {
            throw new UserError("input: " + e.getMessage(), e);
        }
    }

    private void fromFile(byte[] bytes, Map<String, Object> fields, Map<String, Attachment> attachments) {
        String name = input.getFileName().toString();
        String lower = name.toLowerCase(Locale.ROOT);
        switch (type) {
            case AgentTypes.VISION -> attachments.put("image", Attachment.of(imageType(bytes), bytes));
            case AgentTypes.VOICE -> attachments.put("audio", Attachment.of("audio/wav", bytes));
            case AgentTypes.DATA -> attachments.put("file", Attachment.of(lower.endsWith(".json")
                    ? "application/json" : "text/csv", bytes));
            case AgentTypes.CODE -> {
                fields.put("source", new String(bytes, StandardCharsets.UTF_8));
                fields.put("fileName", name);
            }
            case AgentTypes.GENERIC -> attachments.put("file", Attachment.of("text/plain", bytes));
            default -> attachments.put("file", Attachment.of("application/octet-stream", bytes));
        }
    }

    private static String imageType(byte[] b) {
        if (b.length > 3 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
            return "image/png";
        }
        if (b.length > 2 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8) {
            return "image/jpeg";
        }
        if (b.length > 2 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F') {
            return "image/gif";
        }
        if (b.length > 1 && b[0] == 'B' && b[1] == 'M') {
            return "image/bmp";
        }
        return "application/octet-stream"; // the agent names the bytes it got
    }

    private static Map<String, Object> parseObject(String text) {
        try {
            return JSON.readValue(text, new TypeReference<LinkedHashMap<String, Object>>() { });
        } catch (JsonProcessingException e) {
            throw new UserError("--json: not a JSON object (" + e.getOriginalMessage() + "): " + text);
        }
    }

    private static Object value(String v) {
        try {
            return JSON.readValue(v, Object.class);
        } catch (JsonProcessingException e) {
            return v;
        }
    }

    private Map<String, Object> render(Payload result) throws IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("type", type);
        doc.put("result", result.data());
        if (!result.attachments().isEmpty()) {
            Map<String, Object> atts = new LinkedHashMap<>();
            for (var e : result.attachments().entrySet()) {
                Map<String, Object> a = new LinkedHashMap<>();
                a.put("mediaType", e.getValue().mediaType());
                a.put("bytes", e.getValue().size());
                if (save != null) {
                    Files.createDirectories(save);
                    Path file = save.resolve(e.getKey() + extension(e.getValue().mediaType()));
                    Files.write(file, e.getValue().bytes());
                    a.put("savedTo", file.toString());
                }
                atts.put(e.getKey(), a);
            }
            doc.put("attachments", atts);
        }
        return doc;
    }

    private static String extension(String mediaType) {
        return switch (mediaType) {
            case "image/png" -> ".png";
            case "image/jpeg" -> ".jpg";
            case "audio/wav", "audio/x-wav" -> ".wav";
            case "application/json" -> ".json";
            case "text/csv" -> ".csv";
            default -> mediaType.startsWith("text/") ? ".txt" : ".bin";
        };
    }

}
