package io.trinity.pool.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler's direct link to one node ({@link LinkServer} is the other end): calls go out as
 * frames from the thread that makes them, and one reader thread hands their ends to the pool. The
 * node sends the submits and task reads its front takes the same way ({@link Sink#asked}), and
 * gets their answers back on the link.
 * The calls still sent and not ended are kept, so when the link breaks they can go by their
 * assignment rows instead.
 */
final class NodeLink {

    private static final Logger LOG = LoggerFactory.getLogger(NodeLink.class);
    private static final int CONNECT_TIMEOUT_MILLIS = 1_000;
    private static final int HELLO_TIMEOUT_MILLIS = 2_000;

    /** Where a link's traffic goes. */
    interface Sink {
        void ended(NodeLink link, long id, String state, String result);

        void refused(NodeLink link, long id, String why);

        void lost(NodeLink link);

        /**
         * The node relayed a call its front took: a {@code submit} frame ({@code POST /v1/tasks})
         * or a {@code read} frame ({@code GET /v1/tasks/{id}}). Called on the link's reader thread,
         * so it must not block: answer with {@link #answer} from another.
         */
        void asked(NodeLink link, JsonNode frame);
    }

    private final String node;
    private final Socket socket;
    private final Frames.Writer out;
    private final DataInputStream in;
    private final Sink sink;
    private final Set<Long> pending = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean open = new AtomicBoolean(true);

    private NodeLink(String node, Socket socket, DataInputStream in, Sink sink) throws IOException {
        this.node = node;
        this.socket = socket;
        this.out = new Frames.Writer(socket.getOutputStream());
        this.in = in;
        this.sink = sink;
    }

    /**
     * Connects and says hello; the node answers ok only while it knows {@code epoch} as the
     * scheduler's and {@code secret} as its link secret.
     *
     * @throws IOException when the node cannot be reached or refuses (the message says why)
     */
    static NodeLink connect(String node, String address, long epoch, String secret, Sink sink) throws IOException {
        URI u;
        try {
            u = URI.create("tcp://" + address);
        } catch (IllegalArgumentException e) {
            throw new IOException("node " + node + " registered the link address '" + address + "', which is not host:port");
        }
        if (u.getHost() == null || u.getPort() < 0) {
            throw new IOException("node " + node + " registered the link address '" + address + "', which is not host:port");
        }
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(u.getHost(), u.getPort()), CONNECT_TIMEOUT_MILLIS);
            s.setSoTimeout(HELLO_TIMEOUT_MILLIS);
            DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream(), 16 * 1024));
            NodeLink link = new NodeLink(node, s, in, sink);
            link.out.write(Frames.frame("hello").put("epoch", epoch).put("secret", secret));
            JsonNode answer = Frames.read(in);
            if (!"ok".equals(answer.path("k").asText())) {
                throw new IOException("node " + node + " refused the link: " + answer.path("why").asText("no reason given"));
            }
            s.setSoTimeout(0);
            Thread.ofPlatform().daemon().name("trinity-link-to-" + node).start(link::read);
            return link;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    String node() {
        return node;
    }

    boolean isOpen() {
        return open.get();
    }

    /** Calls sent on this link whose end has not come back on it. */
    Set<Long> pending() {
        return pending;
    }

    /** Sends a call; false when the link is gone (the call then goes by its row). */
    boolean send(long id, String agentId, long taskId, int attempt, String taskJson) {
        if (!open.get()) {
            return false;
        }
        pending.add(id);
        try {
            out.write(Frames.frame("call").put("id", id).put("agent", agentId).put("task", taskId)
                    .put("attempt", attempt).put("json", taskJson));
            return true;
        } catch (IOException e) {
            pending.remove(id);
            close();
            return false;
        }
    }

    /** Answers a relayed submit (request {@code rid}); false when the link is gone (the node tells its caller). */
    boolean answer(long rid, int status, java.util.Map<String, String> headers, byte[] body) {
        if (!open.get()) {
            return false;
        }
        if (body.length > MAX_ANSWER_BODY) {
            return send(Frames.frame("answer").put("rid", rid).put("byHttp", true));
        }
        var f = Frames.frame("answer").put("rid", rid).put("status", status).put("body", body);
        var h = f.putObject("headers");
        headers.forEach(h::put);
        return send(f);
    }

    /**
     * The largest answer body sent on the link; a larger one (a task read whose result carries
     * large attachments) is answered "go by HTTP" instead, and the node's front reads it again
     * that way: one large frame would hold up the calls and ends behind it on the link.
     */
    static final int MAX_ANSWER_BODY = 256 * 1024;

    private boolean send(com.fasterxml.jackson.databind.node.ObjectNode f) {
        try {
            out.write(f);
            return true;
        } catch (IOException e) {
            close();
            return false;
        }
    }

    private void read() {
        try {
            while (open.get()) {
                JsonNode f = Frames.read(in);
                long id = f.path("id").asLong();
                switch (f.path("k").asText()) {
                    case "end" -> {
                        pending.remove(id);
                        sink.ended(this, id, f.path("state").asText(), f.path("result").asText());
                    }
                    case "submit", "read" -> sink.asked(this, f);
                    case "refuse" -> {
                        pending.remove(id);
                        sink.refused(this, id, f.path("why").asText());
                    }
                    default -> throw new IOException("a frame of unknown kind '" + f.path("k").asText() + "'");
                }
            }
        } catch (EOFException e) {
            // the node closed it (it stopped, or it learned of a newer scheduler)
        } catch (IOException | RuntimeException e) {
            if (open.get()) {
                LOG.info("the link to node {} ended ({}); its calls go by the assignment rows", node, e.getMessage());
            }
        } finally {
            close();
        }
    }

    void close() {
        boolean was = open.getAndSet(false);
        try {
            socket.close();
        } catch (IOException e) {
            LOG.debug("closing the link to {}: {}", node, e.toString());
        }
        if (was) {
            sink.lost(this);
        }
    }
}
