package io.trinity.pool.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's end of the scheduler's direct links: the scheduler connects, says its epoch and the
 * link secret it wrote to {@code cluster_leader}, and then sends calls, which start here at once;
 * their ends go back on the same link. The assignment rows are still written (off the path) for
 * cancelling, recovery and the fallback when a link is down.
 *
 * <p>The node, not the database, checks the fence here: a call starts only while its epoch is the
 * one this node last read from {@code cluster_leader} and that epoch's lease, as read, has not run
 * out ({@link Gate}). A successor takes over only once that lease is over, so a deposed scheduler's
 * call cannot start after another scheduler exists.
 *
 * <p>The other way, a link carries the {@code POST /v1/tasks} and {@code GET /v1/tasks/{id}} this
 * node's front takes to the scheduler ({@link Link#submit}, {@link Link#read}) and their answers
 * back, so they cross no second HTTP server.
 *
 * <p>Our own socket and not HTTP or WebSocket on the API's server: a remote call's latency is its
 * thread hand-overs, and a blocking reader per link is one wake-up where a server's selector and
 * worker pool are two or three.
 */
final class LinkServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LinkServer.class);
    /** Links open at once: one scheduler needs one; the rest guards against a flood of strangers. */
    static final int MAX_LINKS = 16;
    /** A connection that has not said a valid hello by then is closed. */
    private static final int HELLO_TIMEOUT_MILLIS = 5_000;

    /** Whether a call of this epoch may start here now: null if so, else why not. */
    interface Gate {
        String refusal(long epoch, String secret);
    }

    /** Runs a call that came on a link, on the calling thread, and sends its end on the link. */
    interface Starter {
        void run(long id, String agentId, long taskId, int attempt, String taskJson, Link link);
    }

    private final String node;
    private final String host;
    private final ServerSocket server;
    private final Gate gate;
    private final Starter starter;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean closed;

    LinkServer(String node, String bind, int port, Gate gate, Starter starter) {
        this.node = node;
        this.host = bind.contains(":") ? "[" + bind + "]" : bind;
        this.gate = gate;
        this.starter = starter;
        try {
            server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(bind, port), 64);
        } catch (IOException e) {
            throw new IllegalStateException("node " + node + ": cannot listen for the scheduler's link on " + bind + ":"
                    + port + " (" + e.getMessage() + "); choose another --link-port, or 0 for any free port", e);
        }
        acceptor = Thread.ofPlatform().daemon().name("trinity-link-" + node + "-accept").unstarted(this::accept);
    }

    void start() {
        acceptor.start();
    }

    /** host:port the scheduler connects to. */
    String address() {
        return host + ":" + server.getLocalPort();
    }

    int open() {
        return links.size();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket s = server.accept();
                if (links.size() >= MAX_LINKS) {
                    LOG.warn("node {}: refused a link from {}: {} are open already", node, s.getRemoteSocketAddress(),
                            MAX_LINKS);
                    s.close();
                    continue;
                }
                s.setTcpNoDelay(true);
                s.setSoTimeout(HELLO_TIMEOUT_MILLIS);
                Link l = new Link(s);
                links.add(l);
                Thread.ofPlatform().daemon().name("trinity-link-" + node + "-in").start(l::read);
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("node {}: accepting a scheduler link failed ({})", node, e.getMessage());
                }
            }
        }
    }

    /** An open link of the scheduler of {@code epoch}, or null: where this node's front relays submits. */
    Link current(long epoch) {
        if (epoch < 0) {
            return null;
        }
        for (Link l : links) {
            if (l.open && l.epoch == epoch) {
                return l;
            }
        }
        return null;
    }

    /** Closes every link of an older scheduler (a newer epoch was read): they cannot start calls anyway. */
    void closeBefore(long epoch) {
        for (Link l : links) {
            if (l.epoch >= 0 && l.epoch < epoch) {
                l.close();
            }
        }
    }

    /** Closes every link: this node was declared dead and comes back new. */
    void closeAll() {
        links.forEach(Link::close);
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("closing the link server: {}", e.toString());
        }
        closeAll();
    }

    /**
     * One scheduler's link to this node. Its threads take turns reading (leader/follower): the
     * one that reads a call runs it itself, after making sure another stands by to read the next
     * frame, so a call starts with no hand-over to another thread. Platform threads, because a
     * blocked read then wakes with one signal; there are at most as many as calls run at once,
     * plus a spare.
     */
    final class Link {
        private final Socket socket;
        private final Frames.Writer out;
        private final java.util.concurrent.locks.ReentrantLock reading = new java.util.concurrent.locks.ReentrantLock();
        private final java.util.concurrent.atomic.AtomicInteger waiting = new java.util.concurrent.atomic.AtomicInteger();
        private DataInputStream in;
        private volatile long epoch = -1;
        private volatile String secret = "";
        private volatile boolean open = true;
        /** Submits relayed to the scheduler on this link, by request id, until their answers come. */
        private final Map<Long, CompletableFuture<JsonNode>> asked = new ConcurrentHashMap<>();
        private final AtomicLong asks = new AtomicLong();

        private Link(Socket socket) throws IOException {
            this.socket = socket;
            this.out = new Frames.Writer(socket.getOutputStream());
        }

        private void read() {
            try {
                in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 16 * 1024));
                JsonNode hello = Frames.read(in, Frames.MAX_HELLO);
                if (!"hello".equals(hello.path("k").asText())) {
                    throw new IOException("the first frame was '" + hello.path("k").asText() + "', not hello");
                }
                long e = hello.path("epoch").asLong(-1);
                String s = hello.path("secret").asText("");
                String why = gate.refusal(e, s);
                if (why != null) {
                    out.write(Frames.frame("refused").put("why", why));
                    close();
                    return;
                }
                epoch = e;
                secret = s;
                socket.setSoTimeout(0);
                out.write(Frames.frame("ok").put("node", node));
            } catch (IOException | RuntimeException e) {
                ended(e);
                return;
            }
            serve();
        }

        /** One thread's turns: read a frame, run the call it carries, and again; ends when spare. */
        private void serve() {
            try {
                while (open) {
                    JsonNode f;
                    waiting.incrementAndGet();
                    reading.lock();
                    try {
                        waiting.decrementAndGet();
                        if (!open) {
                            return;
                        }
                        f = Frames.read(in);
                    } finally {
                        reading.unlock();
                    }
                    String kind = f.path("k").asText();
                    if (kind.equals("answer")) {
                        CompletableFuture<JsonNode> a = asked.remove(f.path("rid").asLong());
                        if (a != null) {
                            a.complete(f);
                        }
                        continue;
                    }
                    if (!kind.equals("call")) {
                        throw new IOException("a frame of unknown kind '" + kind + "'");
                    }
                    long id = f.path("id").asLong();
                    String refused = gate.refusal(epoch, secret);
                    if (refused != null) {
                        out.write(Frames.frame("refuse").put("id", id).put("why", refused));
                        continue;
                    }
                    if (waiting.get() == 0) {
                        Thread.ofPlatform().daemon().name("trinity-link-" + node + "-in").start(this::serve);
                    }
                    starter.run(id, f.path("agent").asText(), f.path("task").asLong(), f.path("attempt").asInt(),
                            f.path("json").asText(), this);
                    Thread.interrupted(); // a cancelled call's interrupt is not carried into the next read
                    if (waiting.get() > 1) {
                        return; // enough others stand by to read
                    }
                }
            } catch (IOException | RuntimeException e) {
                ended(e);
            }
        }

        private void ended(Exception e) {
            if (open && !closed && !(e instanceof EOFException)) {
                LOG.info("node {}: a scheduler link ended ({}); calls come by the assignment rows until it is back",
                        node, e.getMessage());
            }
            close();
        }

        /**
         * The largest submit body that goes on the link; a larger one goes by HTTP. Submits are
         * small (a task's input); a task with large attachments would take the link's socket for
         * the whole transfer, and the calls and ends behind it would wait (and a scheduler that
         * stops reading would hold the writer as long as the socket's buffers take).
         */
        static final int MAX_SUBMIT_BODY = 64 * 1024;

        /**
         * Relays a submit this node's front took to the scheduler at the other end, which answers
         * on the link what its {@code POST /v1/tasks} would have. Null when the link was closed before
         * anything was sent, or the body is over {@link #MAX_SUBMIT_BODY} (the front may then relay
         * it another way); otherwise the answer frame,
         * or an {@link IOException} when the link ends first: the scheduler may or may not have
         * accepted the task then. Cancelling the future forgets the request.
         */
        CompletableFuture<JsonNode> submit(String authorization, String idempotencyKey, String origin, byte[] body) {
            if (body.length > MAX_SUBMIT_BODY) {
                return null; // one large frame would hold up the calls behind it on the link
            }
            ObjectNode f = Frames.frame("submit").put("origin", origin).put("body", body);
            if (authorization != null) {
                f.put("auth", authorization);
            }
            if (idempotencyKey != null) {
                f.put("key", idempotencyKey);
            }
            return ask(f);
        }

        /**
         * Relays a {@code GET /v1/tasks/{task}} (with {@code ?wait=} unless {@code wait} is null)
         * to the scheduler, as {@link #submit} does; the answer frame, null when the link was
         * closed before anything was sent, or an {@link IOException} when it ends first (a read
         * may simply be made again).
         */
        CompletableFuture<JsonNode> read(String authorization, String task, String wait) {
            ObjectNode f = Frames.frame("read").put("task", task);
            if (authorization != null) {
                f.put("auth", authorization);
            }
            if (wait != null) {
                f.put("wait", wait);
            }
            return ask(f);
        }

        private CompletableFuture<JsonNode> ask(ObjectNode f) {
            long rid = asks.incrementAndGet();
            f.put("rid", rid);
            CompletableFuture<JsonNode> answer = new CompletableFuture<>();
            answer.whenComplete((a, e) -> asked.remove(rid)); // also when the caller gives up (cancels)
            asked.put(rid, answer);
            if (!open) {
                return asked.remove(rid) != null ? null : answer; // else close() has failed it already
            }
            try {
                out.write(f);
            } catch (IOException e) {
                close(); // part of it may have gone out: the answer is unknown, not "not sent"
            }
            return answer;
        }

        /** Sends a call's end back; false when the link is gone (the end then goes by its row). */
        boolean sendEnd(long id, String state, String result) {
            if (!open) {
                return false;
            }
            try {
                out.write(Frames.frame("end").put("id", id).put("state", state).put("result", result));
                return true;
            } catch (IOException e) {
                close();
                return false;
            }
        }

        void close() {
            open = false;
            links.remove(this);
            for (Long rid : asked.keySet()) {
                CompletableFuture<JsonNode> a = asked.remove(rid);
                if (a != null) {
                    a.completeExceptionally(new IOException("the link to the scheduler (epoch " + epoch
                            + ") closed before it answered"));
                }
            }
            try {
                socket.close();
            } catch (IOException e) {
                LOG.debug("closing a link: {}", e.toString());
            }
        }
    }
}
