package io.trinity.pool.balance;

import io.trinity.pool.agent.AgentState;
import io.trinity.pool.agent.AgentView;

/** A mutable agent view for balancer tests: the test moves in-flight and latency itself. */
final class TestAgent implements AgentView {
    private final String id;
    private final String type;
    private final int capacity;
    int inFlight;
    long latencyNanos;
    long completed;
    AgentState state = AgentState.READY;

    TestAgent(String id, String type, int capacity) {
        this.id = id;
        this.type = type;
        this.capacity = capacity;
    }

    static TestAgent of(String id) {
        return new TestAgent(id, "code", 4);
    }

    TestAgent inFlight(int n) {
        this.inFlight = n;
        return this;
    }

    TestAgent latency(long nanos) {
        this.latencyNanos = nanos;
        return this;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public AgentState state() {
        return state;
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public int inFlight() {
        return inFlight;
    }

    @Override
    public long recentLatencyNanos() {
        return latencyNanos;
    }

    @Override
    public long completed() {
        return completed;
    }

    @Override
    public String toString() {
        return id + "(" + inFlight + "/" + capacity + ")";
    }
}
