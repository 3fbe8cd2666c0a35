package io.trinity.pool.agents.process;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How to start the external program behind a {@link ProcessAgent}. Immutable; build with
 * {@link #builder(List)} or {@link #builder(String...)}.
 *
 * <p>Security rule: the command given here is the only command a process agent ever starts.
 * A task never chooses a program or an argument; its input reaches the worker as data on stdin.
 *
 * <p>Settings and their defaults:
 * <ul>
 *   <li>{@code command}: program and arguments, no shell involved. The program must exist and be
 *       executable, or be found on {@code PATH}; {@link Builder#build()} checks it.</li>
 *   <li>{@code workingDirectory}: where the program runs; the JVM's directory if unset.</li>
 *   <li>{@code environment}: variables added to the inherited environment.</li>
 *   <li>{@code readyTimeout}: how long {@link ProcessAgent#init()} waits for the ready line
 *       ({@value #DEFAULT_READY_TIMEOUT_SECONDS} s).</li>
 *   <li>{@code stopGrace}: how long a worker may take to stop after a stop or cancel request
 *       before it is killed ({@value #DEFAULT_STOP_GRACE_SECONDS} s).</li>
 *   <li>{@code maxLineBytes}: the longest stdout line accepted
 *       ({@value #DEFAULT_MAX_LINE_BYTES} bytes, 16 MiB); attachments travel base64 inside lines.</li>
 *   <li>{@code stderrTail}: recent stderr lines kept for error messages
 *       ({@value #DEFAULT_STDERR_TAIL}).</li>
 * </ul>
 */
public final class ProcessAgentConfig {

    public static final long DEFAULT_READY_TIMEOUT_SECONDS = 30;
    public static final long DEFAULT_STOP_GRACE_SECONDS = 5;
    public static final int DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;
    public static final int DEFAULT_STDERR_TAIL = 20;

    private final List<String> command;
    private final Path workingDirectory;
    private final Map<String, String> environment;
    private final Duration readyTimeout;
    private final Duration stopGrace;
    private final int maxLineBytes;
    private final int stderrTail;

    private ProcessAgentConfig(Builder b) {
        this.command = List.copyOf(b.command);
        this.workingDirectory = b.workingDirectory;
        this.environment = Collections.unmodifiableMap(new LinkedHashMap<>(b.environment));
        this.readyTimeout = b.readyTimeout;
        this.stopGrace = b.stopGrace;
        this.maxLineBytes = b.maxLineBytes;
        this.stderrTail = b.stderrTail;
    }

    public static Builder builder(List<String> command) {
        return new Builder(command);
    }

    public static Builder builder(String... command) {
        return new Builder(List.of(command));
    }

    /** Program first, then its arguments. */
    public List<String> command() {
        return command;
    }

    public Optional<Path> workingDirectory() {
        return Optional.ofNullable(workingDirectory);
    }

    /** Variables added to the inherited environment. */
    public Map<String, String> environment() {
        return environment;
    }

    public Duration readyTimeout() {
        return readyTimeout;
    }

    public Duration stopGrace() {
        return stopGrace;
    }

    public int maxLineBytes() {
        return maxLineBytes;
    }

    public int stderrTail() {
        return stderrTail;
    }

    /** The command as one readable string, for messages. */
    public String commandLine() {
        return String.join(" ", command);
    }

    @Override
    public String toString() {
        return "ProcessAgentConfig[command=" + command + ", dir=" + workingDirectory + ", readyTimeout="
                + readyTimeout + ", stopGrace=" + stopGrace + "]";
    }

    /** Builds a {@link ProcessAgentConfig}; every setter refuses a bad value naming it. */
    public static final class Builder {
        private final List<String> command;
        private Path workingDirectory;
        private final Map<String, String> environment = new LinkedHashMap<>();
        private Duration readyTimeout = Duration.ofSeconds(DEFAULT_READY_TIMEOUT_SECONDS);
        private Duration stopGrace = Duration.ofSeconds(DEFAULT_STOP_GRACE_SECONDS);
        private int maxLineBytes = DEFAULT_MAX_LINE_BYTES;
        private int stderrTail = DEFAULT_STDERR_TAIL;

        private Builder(List<String> command) {
            if (command == null || command.isEmpty()) {
                throw new IllegalArgumentException("command must name a program (got "
                        + (command == null ? "null" : "an empty list") + ")");
            }
            for (int i = 0; i < command.size(); i++) {
                if (command.get(i) == null) {
                    throw new IllegalArgumentException("command[" + i + "] is null (command " + command + ")");
                }
            }
            if (command.get(0).isBlank()) {
                throw new IllegalArgumentException("command[0] must be the program, not blank (command " + command + ")");
            }
            this.command = new ArrayList<>(command);
        }

        public Builder workingDirectory(Path dir) {
            if (dir != null && !Files.isDirectory(dir)) {
                throw new IllegalArgumentException("workingDirectory is not a directory (got " + dir.toAbsolutePath() + ")");
            }
            this.workingDirectory = dir;
            return this;
        }

        public Builder environment(String name, String value) {
            if (name == null || name.isEmpty() || name.contains("=")) {
                throw new IllegalArgumentException("environment name must be non-empty without '=' (got "
                        + (name == null ? "null" : "'" + name + "'") + ")");
            }
            environment.put(name, Objects.requireNonNull(value, () -> "environment value of " + name));
            return this;
        }

        public Builder environment(Map<String, String> variables) {
            variables.forEach(this::environment);
            return this;
        }

        public Builder readyTimeout(Duration timeout) {
            this.readyTimeout = positive("readyTimeout", timeout);
            return this;
        }

        public Builder stopGrace(Duration grace) {
            this.stopGrace = positive("stopGrace", grace);
            return this;
        }

        public Builder maxLineBytes(int bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("maxLineBytes must be >= 1024 (got " + bytes + ")");
            }
            this.maxLineBytes = bytes;
            return this;
        }

        public Builder stderrTail(int lines) {
            if (lines < 1 || lines > 10_000) {
                throw new IllegalArgumentException("stderrTail must be between 1 and 10000 (got " + lines + ")");
            }
            this.stderrTail = lines;
            return this;
        }

        /** Checks the program can be started, then builds. */
        public ProcessAgentConfig build() {
            checkProgram();
            return new ProcessAgentConfig(this);
        }

        private void checkProgram() {
            String program = command.get(0);
            if (program.contains("/") || program.contains(File.separator)) {
                Path p = Path.of(program);
                if (!p.isAbsolute() && workingDirectory != null) {
                    p = workingDirectory.resolve(p);
                }
                if (!Files.isRegularFile(p)) {
                    throw new IllegalArgumentException("command[0]: program '" + program + "' does not exist (looked at "
                            + p.toAbsolutePath() + "); give the path of an executable file");
                }
                if (!Files.isExecutable(p)) {
                    throw new IllegalArgumentException("command[0]: program '" + program + "' is not executable ("
                            + p.toAbsolutePath() + "); chmod +x it or start it through its interpreter");
                }
                return;
            }
            String path = environment.getOrDefault("PATH", System.getenv("PATH"));
            if (path != null) {
                for (String dir : path.split(File.pathSeparator)) {
                    if (dir.isEmpty()) {
                        continue;
                    }
                    Path candidate = Path.of(dir, program);
                    if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                        return;
                    }
                }
            }
            throw new IllegalArgumentException("command[0]: program '" + program + "' is not on PATH (searched "
                    + path + "); install it or give its absolute path");
        }

        private static Duration positive(String name, Duration d) {
            if (d == null || d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(name + " must be > 0 (got " + d + ")");
            }
            return d;
        }
    }
}
