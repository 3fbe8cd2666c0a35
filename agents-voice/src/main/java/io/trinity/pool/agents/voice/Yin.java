package io.trinity.pool.agents.voice;

/**
 * The YIN fundamental-frequency estimator (de Cheveigné and Kawahara, 2002) for one frame:
 * squared-difference function, cumulative-mean normalisation, the first dip under an absolute
 * threshold followed down to its minimum, and parabolic interpolation between lags. Without
 * the normalisation, autocorrelation-style methods prefer multiples of the period (octave
 * errors); the threshold rejects frames with no clear period (noise, unvoiced speech).
 */
final class Yin {

    /** Dips in the normalised difference below this count as periodic. */
    static final double THRESHOLD = 0.15;

    private final float sampleRate;
    private final int minLag;
    private final int maxLag;
    private final double[] diff;

    Yin(float sampleRate, double minHz, double maxHz) {
        this.sampleRate = sampleRate;
        this.minLag = Math.max(2, (int) Math.floor(sampleRate / maxHz));
        this.maxLag = Math.max(minLag + 2, (int) Math.ceil(sampleRate / minHz));
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
                while (tau + 1 <= maxLag && diff[tau + 1] < diff[tau]) {
                    tau++;
                }
                return sampleRate / interpolate(tau);
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
