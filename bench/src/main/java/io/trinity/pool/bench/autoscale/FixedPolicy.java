package io.trinity.pool.bench.autoscale;

/** No scaling: a fixed number of agents (every agent the cap allows, unless a size is given), from the start. */
final class FixedPolicy implements Policy {

    private final int size;

    /** Every agent the cap allows. */
    FixedPolicy() {
        this(0);
    }

    /** {@code size} agents; 0 for the cap. */
    FixedPolicy(int size) {
        this.size = size;
    }

    @Override
    public String name() {
        return size == 0 ? "fixed at max" : "fixed at " + size;
    }

    @Override
    public int initial(int maxAgents) {
        return size == 0 ? maxAgents : Math.min(size, maxAgents);
    }

    @Override
    public long periodNanos() {
        return 0;
    }
}
