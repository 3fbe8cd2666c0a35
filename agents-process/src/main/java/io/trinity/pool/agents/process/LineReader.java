package io.trinity.pool.agents.process;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Splits a byte stream into UTF-8 lines, refusing any line longer than a limit without ever
 * holding more than the limit in memory: the rest of an over-long line is skipped and reported
 * as {@link TooLong}, so one bad line cannot exhaust the heap or desynchronise the stream.
 */
final class LineReader {

    sealed interface Item permits Line, TooLong, End {
    }

    /** One complete line, without its line terminator. */
    record Line(String text) implements Item {
    }

    /** A line that was skipped because it had {@code bytes} bytes, more than the limit. */
    record TooLong(long bytes) implements Item {
    }

    /** The stream ended; {@code error} is null for a clean end of file. */
    record End(IOException error) implements Item {
    }

    private final InputStream in;
    private final int maxBytes;
    private final byte[] buf = new byte[8192];
    private int pos;
    private int limit;
    private boolean eof;

    LineReader(InputStream in, int maxBytes) {
        this.in = in;
        this.maxBytes = maxBytes;
    }

    /** Blocks until a line, an over-long line or the end of the stream. */
    Item next() {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        long length = 0;
        boolean tooLong = false;
        while (true) {
            if (pos == limit) {
                if (eof) {
                    return length == 0 ? new End(null) : finish(line, length, tooLong);
                }
                try {
                    int n = in.read(buf);
                    if (n < 0) {
                        eof = true;
                        continue;
                    }
                    pos = 0;
                    limit = n;
                } catch (IOException e) {
                    eof = true;
                    return new End(e);
                }
            }
            int start = pos;
            while (pos < limit && buf[pos] != '\n') {
                pos++;
            }
            int n = pos - start;
            length += n;
            if (!tooLong) {
                if (length > maxBytes) {
                    tooLong = true;
                    line = null;
                } else {
                    line.write(buf, start, n);
                }
            }
            if (pos < limit) {
                pos++; // the newline
                return finish(line, length, tooLong);
            }
        }
    }

    private static Item finish(ByteArrayOutputStream line, long length, boolean tooLong) {
        if (tooLong) {
            return new TooLong(length);
        }
        String s = line.toString(StandardCharsets.UTF_8);
        return new Line(s.endsWith("\r") ? s.substring(0, s.length() - 1) : s);
    }
}
