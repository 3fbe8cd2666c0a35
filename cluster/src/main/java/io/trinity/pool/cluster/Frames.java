package io.trinity.pool.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The framing of a direct link between the scheduler and a node: a 4-byte length, then that many
 * bytes of one JSON object whose {@code k} names its kind. Our own and this small because a link
 * carries one kind of traffic between two processes of the same version, and the point of the link
 * is to cost one blocking read and one write per message, with no server's selector or worker pool
 * in between (see {@link LinkServer}).
 */
final class Frames {

    /** A frame longer than this is refused: a task and its output travel here, never a bulk transfer. */
    static final int MAX_FRAME = 64 * 1024 * 1024;

    private Frames() {
    }

    static ObjectNode frame(String kind) {
        return Wire.JSON.createObjectNode().put("k", kind);
    }

    /** The first frame of a link, before the other side has shown the secret. */
    static final int MAX_HELLO = 4 * 1024;

    /** Reads one frame; {@link EOFException} when the other side closed the link. */
    static JsonNode read(DataInputStream in) throws IOException {
        return read(in, MAX_FRAME);
    }

    /** Reads one frame of at most {@code max} bytes. */
    static JsonNode read(DataInputStream in, int max) throws IOException {
        int n = in.readInt();
        if (n < 2 || n > max) {
            throw new IOException("a link frame of " + n + " bytes (at most " + max
                    + "): the other side is not a Trinity node of this version");
        }
        byte[] bytes = new byte[n];
        in.readFully(bytes);
        return Wire.JSON.readTree(bytes);
    }

    /** One writer at a time per link; each frame goes out at once (the socket has no delay). */
    static final class Writer {
        private final DataOutputStream out;
        private final ReentrantLock lock = new ReentrantLock();

        Writer(OutputStream out) {
            this.out = new DataOutputStream(new java.io.BufferedOutputStream(out, 8192));
        }

        void write(ObjectNode frame) throws IOException {
            byte[] bytes = Wire.JSON.writeValueAsBytes(frame);
            if (bytes.length > MAX_FRAME) {
                throw new IOException("a link frame of " + bytes.length + " bytes is over the limit of " + MAX_FRAME);
            }
            lock.lock();
            try {
                out.writeInt(bytes.length);
                out.write(bytes);
                out.flush();
            } finally {
                lock.unlock();
            }
        }
    }
}
