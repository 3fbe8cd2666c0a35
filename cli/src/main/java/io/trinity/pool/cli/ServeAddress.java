package io.trinity.pool.cli;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The address a child {@code tri serve --port 0} bound, read from the line it prints. Picking a
 * free port first and handing it over races with every other socket on the machine (a database
 * client's ephemeral port took one in CI); letting the child bind port 0 and say where it is
 * cannot collide.
 */
final class ServeAddress {

    /** What {@code tri serve} prints once it listens, with and without {@code --node-id}. */
    static final Pattern LISTENING = Pattern.compile("tri serve: listening on (http://\\S+/)");

    private ServeAddress() {
    }

    /**
     * Waits until {@code process} prints where it listens into {@code log} after byte {@code from}
     * (the log may hold earlier runs), and returns that base URL.
     *
     * @throws IllegalStateException if the process exits first or says nothing within {@code within}
     */
    static String await(Process process, Path log, long from, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            String text = readFrom(log, from);
            Matcher m = LISTENING.matcher(text);
            if (m.find()) {
                return m.group(1);
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("tri serve exited (" + process.exitValue()
                        + ") before it listened; its output (" + log + "): " + text.strip());
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("tri serve did not print its address within " + within.toSeconds()
                        + " s; see " + log);
            }
            Thread.sleep(50);
        }
    }

    /** The size of {@code log} now (0 when absent), to pass as {@code from} before starting a process. */
    static long size(Path log) {
        return log.toFile().length();
    }

    /** What {@code log} holds after byte {@code from} (at most 1 MiB); empty when it does not exist yet. */
    static String readFrom(Path log, long from) {
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long n = Math.max(0, f.length() - from);
            byte[] b = new byte[(int) Math.min(n, 1 << 20)];
            f.seek(from);
            f.readFully(b);
            return new String(b, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return ""; // not created yet
        }
    }
}
