package io.trinity.pool.agents.voice;

/**
 * The YIN fundamental-frequency estimator (de Cheveigné and Kawahara, 2002) for one frame:
 * squared-difference function, cumulative-mean normalisation, the first dip under an absolute
 * threshold followed down to its minimum, and parabolic interpolation between lags. Without
 * the normalisation, autocorrelation-style methods prefer multiples of the period (octave
 * errors); the threshold rejects frames with no clear period (noise, unvoiced speech).
 *
 * <p>An estimate is always within {@code minHz..maxHz}, or NaN. The lags searched are whole
 * samples and reach up to one past the range's ends, so a dip whose lowest point lies beyond
 * the searched lags (the difference still falling at the last lag, or already falling into the
 * first) has its period outside the range and gives NaN, as does an interpolated period more
 * than one sample outside the range (at a low sample rate the lag grid is coarse). Within one
 * sample of an end the period is taken as that end: interpolation reads a tone at exactly
 * {@code maxHz} slightly high.
 */
final class Yin {

    /** Dips in the normalised difference below this count as periodic. */
    static final double THRESHOLD = 0.15;

    private final float sampleRate;
    private final int minLag;
    private final int maxLag;
    /** The range's periods in samples: {@code sampleRate / maxHz} and {@code sampleRate / minHz}. */
    private final double shortestPeriod;
    private final double longestPeriod;
    private final double[] diff;

    Yin(float sampleRate, double minHz, double maxHz) {
        this.sampleRate = sampleRate;
        this.minLag = Math.max(2, (int) Math.floor(sampleRate / maxHz));
        this.maxLag = Math.max(minLag + 2, (int) Math.ceil(sampleRate / minHz));
        this.shortestPeriod = sampleRate / maxHz;
        this.longestPeriod = sampleRate / minHz;
        this.diff = new double[maxLag + 2];
    }

    /** Samples a frame needs: one integration window plus the longest lag. */
    int frameLength() {
        return 2 * maxLag + 2;
    }

    /** The frequency in Hz of the frame starting at {@code start}, or NaN if it has no clear period. */
    double estimate(float[] x, int start) {
        int window = maxLag;
        for (int tau = 1; tau <= maxLag + 1; tau++) {
            double sum = 0;
            for (int j = 0; j < window; j++) {
                double d = x[start + j] - x[start + j + tau];
                sum += d * d;
            }
            diff[tau] = sum;
        }
        // cumulative mean normalised difference, in place
        diff[0] = 1;
        double running = 0;
        for (int tau = 1; tau <= maxLag + 1; tau++) {
            running += diff[tau];
            diff[tau] = running == 0 ? 1 : diff[tau] * tau / running;
        }
        for (int tau = minLag; tau <= maxLag; tau++) {
            if (diff[tau] < THRESHOLD) {
                if (tau == minLag && diff[tau - 1] < diff[tau]) {
                    return Double.NaN; // the dip's lowest point is at a shorter lag: above maxHz
                }
                while (tau + 1 <= maxLag && diff[tau + 1] < diff[tau]) {
                    tau++;
                }
                if (tau == maxLag && diff[tau + 1] < diff[tau]) {
                    return Double.NaN; // still falling past the last lag: below minHz
                }
                double period = interpolate(tau);
                if (period < shortestPeriod - 1 || period > longestPeriod + 1) {
                    return Double.NaN;
                }
                return sampleRate / Math.max(shortestPeriod, Math.min(longestPeriod, period));
            }
        }
        return Double.NaN;
    }

    private double interpolate(int tau) {
        double a = diff[tau - 1];
        double b = diff[tau];
        double c = diff[tau + 1];
        double denominator = a - 2 * b + c;
        if (denominator <= 0) {
            return tau;
        }
        double shift = 0.5 * (a - c) / denominator;
        return tau + Math.max(-1, Math.min(1, shift));
    }
}
