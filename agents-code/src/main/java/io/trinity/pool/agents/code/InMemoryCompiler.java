package io.trinity.pool.agents.code;

import com.sun.source.util.JavacTask;
import com.sun.source.util.TaskEvent;
import com.sun.source.util.TaskListener;
import io.trinity.pool.agent.TaskContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;

/**
 * Compiles one source file entirely in memory and returns its diagnostics. The class files it
 * produces are kept as byte arrays only to report their names and sizes: they are never
 * written, defined or loaded, so compiling untrusted source runs none of it. Annotation
 * processing is off and the class and source paths are empty, so the compiler reads nothing but
 * the JDK and the given source.
 */
final class InMemoryCompiler {

    /** Diagnostics beyond this many are counted but not listed. */
    static final int MAX_LISTED_DIAGNOSTICS = 200;

    record Diag(String kind, Long line, Long column, String code, String message) {
    }

    record Result(boolean success, List<Diag> diagnostics, int errors, int warnings, Map<String, Integer> classFiles) {
    }

    /** The options of every compilation; {@code -proc:none}: no annotation processor runs. */
    static final List<String> OPTIONS = List.of("-proc:none", "-Xlint:all", "-implicit:none");

    private InMemoryCompiler() {
    }

    static SimpleJavaFileObject source(String fileName, String source) {
        return new SimpleJavaFileObject(URI.create("string:///" + fileName), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source;
            }
        };
    }

    /**
     * Compiles {@code source}; javac's own output goes to {@code output}, never to stderr.
     *
     * @throws java.util.concurrent.CancellationException when {@code stop} was requested during the compile
     * @throws io.trinity.pool.agent.NonRetryableException when the compiler crashed on the source
     */
    static Result compile(JavaCompiler compiler, String fileName, String source, TaskContext ctx,
                          CompilerThread.Stop stop) throws IOException {
        DiagnosticCollector<JavaFileObject> collector = new DiagnosticCollector<>();
        Map<String, ByteArrayOutputStream> outputs = new LinkedHashMap<>();
        CompilerCrash.Output output = new CompilerCrash.Output();
        try (StandardJavaFileManager standard = compiler.getStandardFileManager(null, Locale.ROOT,
                StandardCharsets.UTF_8)) {
            standard.setLocation(StandardLocation.CLASS_PATH, List.of());
            standard.setLocation(StandardLocation.SOURCE_PATH, List.of());
            standard.setLocation(StandardLocation.ANNOTATION_PROCESSOR_PATH, List.of());
            JavaFileManager memory = new MemoryFileManager(standard, outputs, stop);
            JavacTask task = (JavacTask) compiler.getTask(output, memory, collector, OPTIONS, null,
                    List.of(source(fileName, source)));
            task.setLocale(Locale.ENGLISH);
            task.addTaskListener(new Heartbeat(ctx, stop));
            boolean success;
            try {
                success = task.call();
            } catch (RuntimeException e) {
                // javac wraps what a listener or the file manager throws; a stop must surface as a cancellation
                if (stop.requested()) {
                    throw new CancellationException("task " + ctx.taskId() + " was cancelled while compiling");
                }
                throw e;
            }
            Result result = result(success, collector.getDiagnostics(), outputs);
            // javac swallows what goes wrong inside it (out of stack or memory, its own bugs), prints a
            // report to its output and ends the compilation as failed; with no error reported that is a crash.
            if (output.reportsCrash() || (!success && result.errors() == 0)) {
                if (stop.requested()) {
                    throw new CancellationException("task " + ctx.taskId() + " was cancelled while compiling");
                }
                if (result.errors() == 0) {
                    throw CompilerCrash.fromOutput(output.toString(), source);
                }
            }
            return result;
        }
    }

    private static Result result(boolean success, List<Diagnostic<? extends JavaFileObject>> all,
                                 Map<String, ByteArrayOutputStream> outputs) {
        List<Diag> listed = new ArrayList<>();
        int errors = 0;
        int warnings = 0;
        for (Diagnostic<? extends JavaFileObject> d : all) {
            switch (d.getKind()) {
                case ERROR -> errors++;
                case WARNING, MANDATORY_WARNING -> warnings++;
                default -> { }
            }
            if (listed.size() < MAX_LISTED_DIAGNOSTICS) {
                listed.add(new Diag(d.getKind().name().toLowerCase(Locale.ROOT),
                        d.getLineNumber() == Diagnostic.NOPOS ? null : d.getLineNumber(),
                        d.getColumnNumber() == Diagnostic.NOPOS ? null : d.getColumnNumber(),
                        d.getCode(), d.getMessage(Locale.ENGLISH)));
            }
        }
        Map<String, Integer> classFiles = new LinkedHashMap<>();
        outputs.forEach((name, bytes) -> classFiles.put(name, bytes.size()));
        return new Result(success, listed, errors, warnings, classFiles);
    }

    /** Turns compiler phases into heartbeats and lets a cancel stop the compiler between them. */
    private record Heartbeat(TaskContext ctx, CompilerThread.Stop stop) implements TaskListener {
        @Override
        public void started(TaskEvent e) {
            stop.check();
            ctx.progress(-1, "compiling: " + e.getKind().name().toLowerCase(Locale.ROOT));
        }

        @Override
        public void finished(TaskEvent e) {
            if (e.getKind() != TaskEvent.Kind.COMPILATION) { // javac closes its files after this one
                stop.check();
            }
        }
    }

    /** Keeps class output in byte arrays instead of files. */
    private static final class MemoryFileManager extends ForwardingJavaFileManager<StandardJavaFileManager> {
        private final Map<String, ByteArrayOutputStream> outputs;
        private final CompilerThread.Stop stop;

        MemoryFileManager(StandardJavaFileManager delegate, Map<String, ByteArrayOutputStream> outputs,
                          CompilerThread.Stop stop) {
            super(delegate);
            this.outputs = outputs;
            this.stop = stop;
        }

        /** Looking classes up is frequent in every phase: a cancel stops the compiler here too. */
        @Override
        public Iterable<JavaFileObject> list(Location location, String packageName, Set<JavaFileObject.Kind> kinds,
                                             boolean recurse) throws IOException {
            stop.check();
            return super.list(location, packageName, kinds, recurse);
        }

        @Override
        public JavaFileObject getJavaFileForInput(Location location, String className, JavaFileObject.Kind kind)
                throws IOException {
            stop.check();
            return super.getJavaFileForInput(location, className, kind);
        }

        @Override
        public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind,
                                                   FileObject sibling) {
            stop.check();
            URI uri = URI.create("memory:///" + className.replace('.', '/') + kind.extension);
            return new SimpleJavaFileObject(uri, kind) {
                @Override
                public OutputStream openOutputStream() {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    outputs.put(className, out);
                    return out;
                }
            };
        }

        @Override
        public FileObject getFileForOutput(Location location, String packageName, String relativeName,
                                           FileObject sibling) throws IOException {
            throw new IOException("this in-memory compilation writes class files only (asked for "
                    + packageName + "/" + relativeName + ")");
        }
    }
}
