package io.trinity.pool.bench.autoscale;

import java.util.ArrayDeque;

/**
 * The Kubernetes Horizontal Pod Autoscaler rule on a utilization metric, as its controller
 * applies it every sync period (15 s):
 * <ul>
 *   <li>usage = mean busy fraction of the ready agents over the last period (an agent's CPU is
 *       busy exactly while it runs a task); ratio = usage / target;</li>
 *   <li>within tolerance (|ratio − 1| ≤ 0.1) nothing changes; otherwise desired =
 *       ceil(ready × ratio). Agents still starting have no metric: when scaling up they count
 *       as 0% used (the controller's conservative rule), so desired = ceil(busy / target);</li>
 *   <li>scale-down stabilization: the applied count is the highest recommendation of the last
 *       300 s;</li>
 *   <li>scale-up policy: at most max(4 agents, 100% of current) more per 15 s period.</li>
 * </ul>
 * It sees CPU only, not the queue, which is the point of comparing it.
 */
final class HpaPolicy implements Policy {

    static final long PERIOD = 15_000_000_000L;
    static final long STABILIZATION = 300_000_000_000L;
    static final double TOLERANCE = 0.1;

    private final double target;
    private final int min;
    private final int max;
    private final ArrayDeque<long[]> recommendations = new ArrayDeque<>();

    HpaPolicy(double target, int min, int max) {
        this.target = target;
        this.min = min;
        this.max = max;
    }

    @Override
    public String name() {
        return "Kubernetes HPA";
    }

    @Override
    public int initial(int maxAgents) {
        return min;
    }

    @Override
    public long periodNanos() {
        return PERIOD;
    }

    @Override
    public int onTick(long now, ClusterSim.View v) {
        int current = v.current();
        double busy = v.meanBusySinceLastTick();
        int ready = v.ready();
        int recommendation;
        if (ready == 0) {
            recommendation = current;
        } else {
            double usage = Math.min(1.0, busy / ready);
            double ratio = usage / target;
            if (Math.abs(ratio - 1) <= TOLERANCE) {
                recommendation = current;
            } else if (ratio > 1 && v.starting() > 0) {
                recommendation = Math.max(current, (int) Math.ceil(busy / target - 1e-9));
            } else {
                recommendation = (int) Math.ceil(ready * ratio - 1e-9);
            }
        }
        recommendation = Math.max(min, Math.min(max, recommendation));
        recommendations.addLast(new long[] {now, recommendation});
        while (recommendations.peekFirst()[0] < now - STABILIZATION) {
            recommendations.pollFirst();
        }
        int desired = recommendation;
        if (desired < current) {
            int highest = 0;
            for (long[] r : recommendations) {
                highest = (int) Math.max(highest, r[1]);
            }
            desired = Math.min(current, highest);
        } else if (desired > current) {
            desired = Math.min(desired, current + Math.max(4, current));
        }
        return desired;
    }
}
