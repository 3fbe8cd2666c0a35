package io.trinity.pool.bench.autoscale;

/**
 * Ray Serve's default request-based autoscaling: every control-loop step (1 s here) desired =
 * ceil(mean ongoing requests over the look-back window (30 s) / target ongoing requests per
 * replica); a higher desire must hold for every step of {@code upscale_delay_s} (30 s) and a
 * lower one for {@code downscale_delay_s} (600 s) before it is applied, a counter that resets
 * when the wish changes direction. Ongoing = running plus queued.
 */
final class RayServePolicy implements Policy {

    static final long STEP = 1_000_000_000L;
    static final int UPSCALE_STEPS = 30;
    static final int DOWNSCALE_STEPS = 600;
    static final long LOOK_BACK = 30_000_000_000L;

    private final double targetOngoing;
    private final int min;
    private final int max;
    private int counter;

    RayServePolicy(double targetOngoing, int min, int max) {
        this.targetOngoing = targetOngoing;
        this.min = min;
        this.max = max;
    }

    @Override
    public String name() {
        return "Ray Serve";
    }

    @Override
    public int initial(int maxAgents) {
        return min;
    }

    @Override
    public long periodNanos() {
        return STEP;
    }

    @Override
    public int onTick(long now, ClusterSim.View v) {
        int current = v.current();
        double ongoing = v.meanOngoing(LOOK_BACK);
        int desired = Math.max(min, Math.min(max, (int) Math.ceil(ongoing / targetOngoing - 1e-9)));
        if (desired > current) {
            counter = Math.max(counter, 0) + 1;
            if (counter > UPSCALE_STEPS) {
                counter = 0;
                return desired;
            }
        } else if (desired < current) {
            counter = Math.min(counter, 0) - 1;
            if (counter < -DOWNSCALE_STEPS) {
                counter = 0;
                return desired;
            }
        } else {
            counter = 0;
        }
        return -1;
    }
}
