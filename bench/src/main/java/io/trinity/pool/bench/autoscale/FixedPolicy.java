package io.trinity.pool.bench.autoscale;

/** No scaling: every agent the cap allows, from the start. */
final class FixedPolicy implements Policy {

    @Override
    public String name() {
        return "fixed at max";
    }

    @Override
    public int initial(int maxAgents) {
        return maxAgents;
    }

    @Override
    public long periodNanos() {
        return 0;
    }
}
