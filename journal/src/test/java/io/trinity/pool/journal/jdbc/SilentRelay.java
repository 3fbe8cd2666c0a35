package io.trinity.pool.journal.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP relay to PostgreSQL that a test can silence: while silent it drops every byte
 * either way and keeps the connections open, as a database host that vanished without a reset
 * (or a network partition) looks to a client, whose reads then wait for ever.
 */
final class SilentRelay implements AutoCloseable {

    private final ServerSocket server;
    private final String host;
    private final int port;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean silent;

    SilentRelay(String host, int port) throws IOException {
        this.host = host;
        this.port = port;
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("silent-relay-" + server.getLocalPort()).start(this::accept);
    }

    /** {@code url} (a jdbc:postgresql://host:port/... URL) through this relay. */
    String through(String url) {
        return url.replaceFirst("//[^/]+/", "//127.0.0.1:" + server.getLocalPort() + "/");
    }

    void silent(boolean silent) {
        this.silent = silent;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket in = server.accept();
                Socket out = new Socket(host, port);
                open.add(in);
                open.add(out);
                Thread.ofVirtual().start(() -> pump(in, out));
                Thread.ofVirtual().start(() -> pump(out, in));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buf = new byte[16 * 1024];
        try (InputStream i = from.getInputStream(); OutputStream o = to.getOutputStream()) {
            int n;
            while ((n = i.read(buf)) >= 0) {
                if (!silent) {
                    o.write(buf, 0, n);
                }
            }
        } catch (IOException e) {
            // one side closed: close both
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
        // not open any more
    }

    @Override
    public void close() throws IOException {
        server.close();
        open.forEach(SilentRelay::closeQuietly);
    }
}
