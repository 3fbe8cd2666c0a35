package io.trinity.pool.agents.code;

import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.JavacTask;
import com.sun.source.util.SourcePositions;
import com.sun.source.util.Trees;
import io.trinity.pool.Payload;
import io.trinity.pool.agent.Agent;
import io.trinity.pool.agent.AgentBrokenException;
import io.trinity.pool.agent.AgentInit;
import io.trinity.pool.agent.TaskContext;
import io.trinity.pool.agents.common.Inputs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import javax.lang.model.element.Modifier;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * The built-in {@code code} agent: analyses one Java source file offline.
 *
 * <p>Input: {@code source} (the Java text, required, at most {@value #MAX_SOURCE_CHARS}
 * characters), {@code fileName} (optional, such as {@code Foo.java}; by default the name of the
 * first public top-level type), {@code op} (optional, only {@code analyze}).
 *
 * <p>The source is parsed with the JDK compiler tree API for metrics (types, methods, lines, and
 * cyclomatic complexity per method as defined in {@link MetricsScanner}) and then compiled in
 * memory for diagnostics. Nothing is written to disk and the compiled classes are never loaded.
 * Output fields are documented in {@code docs/agents/code.md}.
 *
 * <p>Needs a JDK: on a runtime without the system Java compiler, {@link #init()} fails and
 * {@link #execute} throws {@link AgentBrokenException} with a message saying so.
 *
 * <p>Create with {@code CodeAgent::new} as an {@link io.trinity.pool.agent.AgentFactory}.
 */
public final class CodeAgent implements Agent {

    public static final int MAX_SOURCE_CHARS = 1_000_000;

    private final AgentInit init;
    private final Supplier<JavaCompiler> compilers;

    public CodeAgent(AgentInit init) {
        this(init, ToolProvider::getSystemJavaCompiler);
    }

    /** For tests that need a runtime without a compiler. */
    CodeAgent(AgentInit init, Supplier<JavaCompiler> compilers) {
        this.init = Objects.requireNonNull(init, "init");
        this.compilers = compilers;
    }

    @Override
    public void init() {
        compiler();
    }

    @Override
    public Payload execute(TaskContext ctx) throws Exception {
        String op = Inputs.optString(ctx, "op").orElse("analyze");
        if (!op.equals("analyze")) {
            throw Inputs.bad("op", "the code agent knows only 'analyze'", op);
        }
        String source = Inputs.requireString(ctx, "source");
        if (source.isBlank()) {
            throw Inputs.bad("source", "is blank; give the Java source text to analyse", source);
        }
        if (source.length() > MAX_SOURCE_CHARS) {
            throw Inputs.bad("source", "is " + source.length() + " characters, more than the limit of "
                    + MAX_SOURCE_CHARS + "; split it into files", source);
        }
        String fileName = Inputs.optString(ctx, "fileName").orElse(null);
        if (fileName != null && !fileName.matches("[\\p{L}\\p{N}_$-]+\\.java")) {
            throw Inputs.bad("fileName", "must be a plain file name ending in .java, without folders", fileName);
        }
        JavaCompiler compiler = compiler();
        return CompilerThread.run(ctx, "code-agent " + init.agentId() + " task " + ctx.taskId(),
                stop -> analyze(compiler, source, fileName, ctx, stop));
    }

    /** Parses, measures and compiles, on the analysis thread ({@link CompilerThread}). */
    private static Payload analyze(JavaCompiler compiler, String source, String fileName, TaskContext ctx,
                                   CompilerThread.Stop stop) throws IOException {
        try {
            ctx.progress(0.05, "parsing");
            Parsed parsed = parse(compiler, source);
            String name = fileName != null ? fileName : parsed.suggestedFileName();
            stop.check();
            if (parsed.folding() != null) {
                throw Inputs.bad("source", parsed.folding(), source);
            }
            ctx.progress(0.3, "parsed " + parsed.scanner().types().size() + " types, "
                    + parsed.scanner().methods().size() + " methods; compiling " + name);

            InMemoryCompiler.Result compiled = InMemoryCompiler.compile(compiler, name, source, ctx, stop);
            stop.check();
            ctx.progress(0.9, "compiled: " + compiled.errors() + " errors, " + compiled.warnings() + " warnings");

            Map<String, Object> out = new LinkedHashMap<>();
            out.put("fileName", name);
            out.put("compiled", compiled.success());
            out.put("errors", compiled.errors());
            out.put("warnings", compiled.warnings());
            out.put("diagnostics", compiled.diagnostics().stream().map(CodeAgent::diagnostic).toList());
            out.put("classFiles", compiled.classFiles());
            out.putAll(metrics(parsed.scanner(), LineCounter.count(source)));
            ctx.progress(1.0, "done");
            return Payload.of(out);
        } catch (StackOverflowError | OutOfMemoryError e) {
            // thrown by the walks over the tree here; javac reports its own through its output
            throw CompilerCrash.of(e, source);
        }
    }

    private JavaCompiler compiler() {
        JavaCompiler compiler = compilers.get();
        if (compiler == null) {
            throw new AgentBrokenException("the code agent needs a JDK, but this Java runtime has no system Java"
                    + " compiler (java.home=" + System.getProperty("java.home") + ", module jdk.compiler missing);"
                    + " run the pool on a JDK 21 or later, not a JRE");
        }
        return compiler;
    }

    /** {@code folding}: why javac must not compile the source ({@link ConstantFolding}), or null. */
    private record Parsed(MetricsScanner scanner, String suggestedFileName, String folding) {
    }

    /**
     * Parses without attributing: the bare tree is what was written (attribution would add
     * implicit constructors), and parsing alone succeeds on code that does not compile.
     */
    private static Parsed parse(JavaCompiler compiler, String source) throws IOException {
        CompilerCrash.Output output = new CompilerCrash.Output();
        try (StandardJavaFileManager fm = compiler.getStandardFileManager(null, Locale.ROOT, StandardCharsets.UTF_8)) {
            JavacTask task = (JavacTask) compiler.getTask(output, fm, diagnostic -> { }, List.of("-proc:none"),
                    null, List.of(InMemoryCompiler.source("Source.java", source)));
            task.setLocale(Locale.ENGLISH);
            CompilationUnitTree unit;
            try {
                unit = task.parse().iterator().next();
            } catch (IllegalStateException e) {
                // how JavacTask.parse reports what went wrong inside javac (a stack overflow on deep nesting)
                throw e.getCause() != null ? CompilerCrash.of(e.getCause(), source) : e;
            }
            SourcePositions positions = Trees.instance(task).getSourcePositions();
            MetricsScanner scanner = MetricsScanner.of(unit, positions);
            return new Parsed(scanner, fileNameFor(unit), ConstantFolding.problem(unit, positions));
        }
    }

    /** The name javac insists on: the public top-level type's, else the first type's. */
    private static String fileNameFor(CompilationUnitTree unit) {
        if (unit.getModule() != null) {
            return "module-info.java";
        }
        String first = null;
        for (Tree t : unit.getTypeDecls()) {
            if (t instanceof ClassTree c && !c.getSimpleName().isEmpty()) {
                if (c.getModifiers().getFlags().contains(Modifier.PUBLIC)) {
                    return c.getSimpleName() + ".java";
                }
                first = first == null ? c.getSimpleName() + ".java" : first;
            }
        }
        return first != null ? first : "Source.java";
    }

    private static Map<String, Object> metrics(MetricsScanner scanner, LineCounter.Lines lines) {
        List<MetricsScanner.MethodMetrics> methods = scanner.methods();
        int total = methods.stream().mapToInt(MetricsScanner.MethodMetrics::complexity).sum();
        int max = methods.stream().mapToInt(MetricsScanner.MethodMetrics::complexity).max().orElse(0);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("classes", scanner.types().size());
        m.put("anonymousClasses", scanner.anonymousClasses());
        m.put("methods", methods.size());
        m.put("lines", ordered("total", lines.total(), "code", lines.code(), "blank", lines.blank(),
                "comment", lines.comment()));
        m.put("complexity", ordered("total", total, "max", max,
                "average", methods.isEmpty() ? 0.0 : Math.round(100.0 * total / methods.size()) / 100.0));
        m.put("types", scanner.types().stream().map(t -> ordered("name", t.name(), "kind", t.kind(),
                "line", t.line())).toList());
        m.put("methodMetrics", methods.stream().map(x -> ordered("type", x.type(), "name", x.name(),
                "constructor", x.constructor(), "line", x.line(), "complexity", x.complexity())).toList());
        return m;
    }

    private static Map<String, Object> diagnostic(InMemoryCompiler.Diag d) {
        return ordered("kind", d.kind(), "line", d.line(), "column", d.column(), "code", d.code(),
                "message", d.message());
    }

    /** Keeps keys in the written order, so results read the same every time. */
    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    @Override
    public String toString() {
        return "CodeAgent[" + init.agentId() + "]";
    }
}
