package io.trinity.pool.cluster;

import io.trinity.pool.Payload;
import io.trinity.pool.agent.AgentBrokenException;
import io.trinity.pool.agent.AsyncAgent;
import io.trinity.pool.agent.TaskContext;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * An agent the scheduler placed on another node: the pool drives it like any agent, and every
 * call travels as an assignment row to that node, which runs it on the real agent.
 */
final class RemoteAgent implements AsyncAgent {

    private final String id;
    private final String type;
    private final String node;
    private final long incarnation;
    private final RemoteCalls calls;
    private final Runnable released;
    private volatile int capacity = 1;
    private volatile boolean dead;

    RemoteAgent(String id, String type, String node, long incarnation, RemoteCalls calls, Runnable released) {
        this.id = id;
        this.type = type;
        this.node = node;
        this.incarnation = incarnation;
        this.calls = calls;
        this.released = released;
    }

    String id() {
        return id;
    }

    @Override
    public String node() {
        return node;
    }

    long incarnation() {
        return incarnation;
    }

    void markDead() {
        dead = true;
    }

    @Override
    public CompletionStage<Void> initAsync() {
        calls.track(this);
        return calls.spawn(id, type, node, incarnation).thenAccept(c -> capacity = Math.max(1, c));
    }

    @Override
    public CompletionStage<Payload> executeAsync(TaskContext context) {
        if (dead) {
            return CompletableFuture.failedFuture(new AgentBrokenException("node " + node + " is gone"));
        }
        return calls.call(this, context);
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public boolean alive() {
        return !dead;
    }

    @Override
    public void close() {
        calls.close(this); // a dead node's row is dropped by the node when it comes back, or by the next epoch
        released.run();
    }

    @Override
    public String toString() {
        return "RemoteAgent[" + id + " " + type + " on " + node + "]";
    }
}
