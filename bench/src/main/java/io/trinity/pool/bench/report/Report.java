package io.trinity.pool.bench.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Where a run writes: Markdown fragments under {@code bench/results/} and charts under
 * {@code docs/img/}, both relative to the repository root (found by walking up from the
 * working directory to the folder holding {@code bench/pom.xml}), so {@code ./tri bench}
 * works from any folder of the checkout.
 */
public final class Report {

    private final Path root;

    public Report(Path root) {
        this.root = root;
    }

    public static Report locate() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("bench/pom.xml"))) {
                return new Report(p);
            }
        }
        return new Report(dir);
    }

    public Path results() {
        return mkdirs(root.resolve("bench/results"));
    }

    public Path images() {
        return mkdirs(root.resolve("docs/img"));
    }

    /** Writes a part's Markdown and echoes it to stdout. */
    public void write(String part, String markdown) {
        Path file = results().resolve(part + ".md");
        String text = "<!-- written by ./tri bench " + part + " at " + Instant.now() + " -->\n" + markdown;
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
        System.out.println(markdown);
        System.out.println("(written to " + file + ")");
    }

    private static Path mkdirs(Path p) {
        try {
            return Files.createDirectories(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + p + ": " + e.getMessage(), e);
        }
    }
}
