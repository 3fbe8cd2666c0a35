package io.trinity.pool.journal.jdbc;

import io.trinity.pool.journal.JournalException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The checks a SQLite journal file passes before anything opens it, and the lock that keeps a
 * second pool away. SQLite's own locks are per transaction, so two pools could otherwise both
 * recover and run the same tasks; an exclusive lock on a sidecar file ({@code <db>.lock}) held
 * for the journal's life prevents that. The lock is the operating system's: a killed process
 * loses it at once, so a restart after {@code kill -9} never finds a stale lock. The sidecar
 * file is left in place on close (deleting it would race with a pool opening it).
 */
final class SqliteFile implements AutoCloseable {

    private static final byte[] MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

    private final FileChannel channel;
    private final FileLock lock;

    private SqliteFile(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Refuses a file that is not a SQLite database; an absent or empty file is a new journal. */
    static void checkHeader(Path file, String name) {
        if (!Files.exists(file)) {
            return;
        }
        if (Files.isDirectory(file)) {
            throw new JournalException("journal " + name + " is a folder, not a file; give the journal's file, such as "
                    + Path.of(name).resolve(journalIn(file)));
        }
        byte[] head = new byte[MAGIC.length];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            throw new JournalException("journal " + name + " cannot be read: " + e.getMessage()
                    + "; check the file's permissions", e);
        }
        if (n == 0) {
            return;
        }
        if (n < MAGIC.length || !Arrays.equals(head, MAGIC)) {
            throw new JournalException("journal " + name + " is not a SQLite database (it starts with "
                    + describe(head, n) + "); it was left untouched: move it away, or point --journal at another file");
        }
    }

    /** The one {@code *.db} file in {@code folder} (most likely the journal meant), else the default name. */
    private static String journalIn(Path folder) {
        try (var files = Files.list(folder)) {
            List<String> dbs = files.filter(Files::isRegularFile).map(f -> f.getFileName().toString())
                    .filter(f -> f.endsWith(".db")).limit(2).toList();
            return dbs.size() == 1 ? dbs.get(0) : "trinity.db";
        } catch (IOException | RuntimeException e) {
            return "trinity.db";
        }
    }

    /** Takes the journal's exclusive lock, or refuses naming who holds it. */
    static SqliteFile lock(Path file, String name) {
        Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
        FileChannel channel = null;
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                channel.close();
                throw new JournalException("journal " + name + " is in use by another journal of this process; close that one"
                        + " first, or point --journal at another file");
            }
            if (lock == null) {
                String holder = holder(channel);
                channel.close();
                throw new JournalException("journal " + name + " is in use by another process" + holder
                        + " (it holds " + lockFile + "); stop that pool first, or point --journal at another file");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + "\n")
                    .getBytes(StandardCharsets.US_ASCII)), 0);
            return new SqliteFile(channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new JournalException("journal " + name + " cannot be locked (" + lockFile + "): " + e
                    + "; check that its folder exists and is writable", e);
        }
    }

    private static String holder(FileChannel channel) {
        try {
            ByteBuffer buf = ByteBuffer.allocate(64);
            int n = channel.read(buf, 0);
            String text = n <= 0 ? "" : new String(buf.array(), 0, n, StandardCharsets.US_ASCII).strip();
            return text.startsWith("pid ") ? " (" + text + ")" : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static String describe(byte[] head, int n) {
        StringBuilder printable = new StringBuilder();
        for (int i = 0; i < n; i++) {
            char c = (char) (head[i] & 0xff);
            printable.append(c >= 32 && c < 127 ? c : '.');
        }
        return "\"" + printable + "\" (hex " + HexFormat.of().formatHex(head, 0, n) + ")";
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Already failing; the first error is the one to report.
            }
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // Closing the channel releases it anyway.
        }
        closeQuietly(channel);
    }
}
