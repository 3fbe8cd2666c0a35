package io.trinity.pool.agents.voice;

import io.trinity.pool.agent.NonRetryableException;
import io.trinity.pool.agent.TaskContext;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Text to speech with the {@code espeak-ng} program. The text goes to the program as one
 * argument after {@code --} (never through a shell, and never read as an option), the WAV goes
 * to a temporary file that is always deleted, and a cancel kills the process.
 */
final class Espeak {

    static final String PROGRAM = "espeak-ng";
    static final Duration TIMEOUT = Duration.ofSeconds(120);
    /** How often the running program's output file is measured: espeak-ng writes about 11 MB/s. */
    static final long WATCH_MILLIS = 100;

    private Espeak() {
    }

    /** Finds the program on the PATH, as a shell would, without running one. */
    static Optional<Path> onPath(String path) {
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, PROGRAM);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    static NonRetryableException missing() {
        return new NonRetryableException("op 'tts' needs the " + PROGRAM + " program, which is not installed on"
                + " this host (not found on PATH); install the Debian package espeak-ng"
                + " (apt-get install -y espeak-ng) and retry the task");
    }

    /**
     * Runs espeak-ng and returns the WAV it wrote. The file is watched while the program runs:
     * once it is over {@code maxBytes} the program is stopped and {@code tooLong} is thrown, so a
     * text that speaks for too long never fills the disk or the heap.
     */
    static byte[] synthesize(Path program, String text, String voice, Long wordsPerMinute, long maxBytes,
            Supplier<? extends RuntimeException> tooLong, TaskContext ctx) throws IOException, InterruptedException {
        Path wav = Files.createTempFile("trinity-tts-", ".wav");
        try {
            List<String> command = new ArrayList<>(List.of(program.toString(), "-w", wav.toString()));
            if (voice != null) {
                command.addAll(List.of("-v", voice));
            }
            if (wordsPerMinute != null) {
                command.addAll(List.of("-s", Long.toString(wordsPerMinute)));
            }
            command.addAll(List.of("--", text));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            ctx.onCancel(process::destroyForcibly);
            CompletableFuture<String> output = drain(process.getInputStream());
            try {
                long started = System.nanoTime();
                long deadline = started + TIMEOUT.toNanos();
                long beats = 0;
                while (!process.waitFor(WATCH_MILLIS, TimeUnit.MILLISECONDS)) {
                    ctx.checkCancelled();
                    if (Files.size(wav) > maxBytes) {
                        throw tooLong.get(); // the finally stops the program
                    }
                    long now = System.nanoTime();
                    if ((now - started) / 1_000_000_000L > beats) { // a heartbeat a second
                        beats = (now - started) / 1_000_000_000L;
                        ctx.heartbeat();
                    }
                    if (now > deadline) {
                        throw new IOException(PROGRAM + " did not finish within " + TIMEOUT.toSeconds()
                                + " s for " + text.length() + " characters of text; it was stopped");
                    }
                }
            } finally {
                process.destroyForcibly();
            }
            ctx.checkCancelled();
            String said = output.join().strip();
            if (process.exitValue() != 0) {
                if (voice != null && said.toLowerCase(Locale.ROOT).contains("voice")) {
                    throw new NonRetryableException("input.voice: " + PROGRAM + " does not know it (" + said
                            + ") (got '" + voice + "'); list the voices with: espeak-ng --voices");
                }
                throw new IOException(PROGRAM + " failed with exit code " + process.exitValue()
                        + (said.isEmpty() ? "" : ": " + said));
            }
            if (Files.size(wav) > maxBytes) {
                throw tooLong.get(); // it finished between two looks
            }
            byte[] bytes = Files.readAllBytes(wav);
            if (bytes.length == 0) {
                throw new IOException(PROGRAM + " exited normally but wrote no audio" + (said.isEmpty() ? "" : ": " + said));
            }
            return bytes;
        } finally {
            Files.deleteIfExists(wav);
        }
    }

    /** Reads the program's messages off the pipe so it can never block on a full one. */
    private static CompletableFuture<String> drain(InputStream in) {
        CompletableFuture<String> text = new CompletableFuture<>();
        Thread.ofVirtual().name("espeak-output").start(() -> {
            try (in) {
                text.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                text.complete("(could not read its output: " + e.getMessage() + ")");
            }
        });
        return text;
    }
}
