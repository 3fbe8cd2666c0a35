package io.trinity.pool.internal;

/**
 * The scaler's view of a type's flow: its arrival rate and mean service time, averaged slowly
 * enough to leave Poisson noise out, and the rate forecast for when an agent started now is ready.
 *
 * <p><b>Why a trend.</b> An exponential average of memory τ lags a rate that rises or falls
 * steadily by τ x its slope: sized from it, a pool is short while the load climbs and long while
 * it falls, and the shortfall is what makes tasks wait (a cold start comes on top). Averaging the
 * average once more (Brown's double smoothing, the same τ) measures that lag: on a ramp the second
 * average trails the first by exactly τ x slope, so d = E1 − E2 is the lag and E1 + d the rate now;
 * the forecast carries it on over the spawn time, E1 + d(1 + h/τ). With the lag removed the memory
 * can be long (here {@value #MEMORY_SECONDS} s) without the pool trailing the flow, and a long
 * memory is quiet.
 *
 * <p><b>Why the trend is shrunk.</b> On a flat flow d is pure noise: for Poisson arrivals of rate
 * λ its variance is λ/(4τ) (the first average's is λ/(2τ)). Taken at face value it would make a
 * steady pool wander by its own noise. So d is weighted by d²/(d² + λ/(4τ)), the least-squares
 * shrinkage of a measured effect towards zero by its signal-to-noise ratio: a real ramp (d several
 * standard errors) counts almost fully, noise hardly at all.
 *
 * <p><b>The noise of the result</b> is kept as {@link TypeState#loadNoise}, the relative standard
 * error √(λ/(2τ)·(1 + k + k²/2)) / forecast (k the trend's weight x (1 + h/τ); the two averages'
 * covariance is λ/(4τ)), so the scale-down hysteresis can
 * stay above it; without that a small flow's pool steps up and down by one agent on noise alone.
 *
 * <p>Both averages are bias-corrected (sum of decayed samples over sum of decayed weights), so the
 * first ticks already give the mean of what was seen. When the fast rate ({@code
 * TypeState.arrivalRate}, about 5 s) leaves the slow one by more than {@value #SHIFT_SIGMAS}
 * Poisson standard errors, the flow has changed (a burst began or ended): both restart from the fast
 * rate, with no trend, instead of lagging for minutes. Loop-only.
 */
final class FlowForecast {

    /**
     * The memory of the flow averages, in seconds. Longer is quieter; the trend term removes the lag
     * that would otherwise come with it (120 s without a trend trailed a rising flow by 2 minutes).
     */
    static final double MEMORY_SECONDS = 180;
    /** Standard errors between the fast and the slow rate that mean the flow itself changed. */
    static final double SHIFT_SIGMAS = 5;
    /** Arrivals the slow rate expects during a silence that means the flow stopped. */
    static final double QUIET_EXPECTED_ARRIVALS = 10;
    /** The weight, in ticks, the slow rate restarts with after a change of flow. */
    static final double SHIFT_RESTART_TICKS = 5;

    private FlowForecast() {
    }

    /** Folds one tick's arrivals and the current service-time estimate into the slow averages. */
    static void observe(TypeState ts, double arrivalsPerSecond, double tickSeconds, double idleTimeoutSeconds) {
        if (ts.flowSeconds > 0 || arrivalsPerSecond > 0) {
            ts.flowSeconds += tickSeconds;
        }
        double keep = Math.exp(-tickSeconds / MEMORY_SECONDS);
        ts.flowRateSum = ts.flowRateSum * keep + arrivalsPerSecond;
        ts.flowWeight = ts.flowWeight * keep + 1;
        double slow = ts.flowRateSum / ts.flowWeight;
        ts.flowRateTrendSum = ts.flowRateTrendSum * keep + slow;
        // variance of the fast EWMA (weight 0.2 per tick) of Poisson counts at the slow rate
        double sigma = Math.sqrt(Math.max(slow, 1 / tickSeconds) / tickSeconds * 0.2 / 1.8);
        ts.quietSeconds = arrivalsPerSecond > 0 ? 0 : ts.quietSeconds + tickSeconds;
        if (ts.flowWeight > SHIFT_RESTART_TICKS && Math.abs(ts.arrivalRate - slow) > SHIFT_SIGMAS * sigma) {
            ts.flowRateSum = ts.arrivalRate * SHIFT_RESTART_TICKS;
            ts.flowRateTrendSum = ts.flowRateSum;
            ts.flowWeight = SHIFT_RESTART_TICKS;
        } else if (ts.quietSeconds * slow > QUIET_EXPECTED_ARRIVALS || ts.quietSeconds >= idleTimeoutSeconds) {
            // a silence this long has a Poisson chance below e^-10 at the slow rate, or lasts an idle
            // timeout (idle agents would go anyway): the flow stopped
            ts.flowRateSum = 0;
            ts.flowRateTrendSum = 0;
            ts.flowWeight = SHIFT_RESTART_TICKS;
        }
        if (ts.serviceEwmaNanos > 0) {
            ts.flowServiceSum = ts.flowServiceSum * keep + ts.serviceEwmaNanos / 1e9;
            ts.flowServiceWeight = ts.flowServiceWeight * keep + 1;
        }
    }

    /**
     * The arrival rate per second forecast {@code aheadSeconds} from now (never negative; 0 before
     * any flow), and sets {@link TypeState#loadNoise} to its relative standard error.
     */
    static double rate(TypeState ts, double aheadSeconds) {
        if (ts.flowWeight <= 0) {
            ts.loadNoise = 0;
            return 0;
        }
        double tau = MEMORY_SECONDS;
        double level = Math.max(0, ts.flowRateSum / ts.flowWeight);
        double lag = level - ts.flowRateTrendSum / ts.flowWeight;
        double trendNoise = level / (4 * tau);
        double weight = lag == 0 ? 0 : lag * lag / (lag * lag + trendNoise);
        double k = weight * (1 + aheadSeconds / tau);
        double forecast = Math.max(0, level + k * lag);
        ts.loadNoise = forecast > 0 ? Math.sqrt(level / (2 * tau) * (1 + k + k * k / 2)) / forecast : 0;
        return forecast;
    }
}
