package io.trinity.pool.spawn;

/**
 * Finds the period of a series of counts by autocorrelation: the lag at which the series best
 * matches itself shifted, from the mean squared difference of x[i] and x[i + lag] over the
 * pairs both known (NaN marks an unknown count), relative to the series' variance. A lag counts only as a local peak, since a smooth series correlates highly at short
 * lags without any cycle. Costs length x lags.
 */
final class CycleFinder {

    private CycleFinder() {
    }

    /**
     * The period of the series, in its steps: the lag of the highest local peak of the
     * autocorrelation, or a whole fraction of it nearly as high (a multiple of the cycle matches
     * as well as the cycle once the series holds several); lags up to half the series, so a cycle
     * is found once two of it are in the series.
     *
     * @param x the series, oldest first; NaN where unknown
     * @param minLag the shortest period to consider, at least 2
     * @param longest the longest period to consider
     * @param minCorrelation the correlation the peak needs, below which there is no cycle; with few
     *     pairs at the peak's lag it needs 2 / sqrt(pairs) if that is more
     * @return the period, or 0 if none
     */
    static int period(double[] x, int minLag, int longest, double minCorrelation) {
        if (x.length < 2 * minLag + 2) {
            return 0;
        }
        double sum = 0;
        double squares = 0;
        int known = 0;
        for (double v : x) {
            if (!Double.isNaN(v)) {
                sum += v;
                squares += v * v;
                known++;
            }
        }
        double mean = known == 0 ? 0 : sum / known;
        double variance = known == 0 ? 0 : squares / known - mean * mean;
        if (variance <= 1e-9) {
            return 0; // a flat load has no cycle
        }
        int maxLag = Math.min(x.length / 2, longest);
        // one lag further than a cycle may be long, so the longest is a peak only if it is one
        double[] r = new double[maxLag + 2];
        for (int lag = minLag - 1; lag <= maxLag + 1; lag++) {
            r[lag] = correlation(x, lag, variance);
        }
        // candidates are local peaks: a smooth load correlates highly at short lags without any
        // cycle, but falls from the first lag on
        boolean[] peak = new boolean[maxLag + 1];
        int best = 0;
        for (int lag = minLag; lag <= maxLag; lag++) {
            peak[lag] = r[lag] >= r[lag - 1] && r[lag] >= r[lag + 1];
            if (peak[lag] && (best == 0 || r[lag] > r[best])) {
                best = lag;
            }
        }
        // and it must stand out of the noise: uncorrelated counts reach 2 / sqrt(pairs) one time in
        // twenty, which a few buckets of history easily do
        if (best == 0 || !(r[best] >= Math.max(minCorrelation, 2 / Math.sqrt(x.length - best)))) {
            return 0;
        }
        // with several cycles of history, whole multiples of the cycle correlate as well as the
        // cycle itself: take the shortest fraction of the best lag that is nearly as good a peak
        for (int k = best / minLag; k >= 2; k--) {
            int guess = (int) Math.round(best / (double) k);
            for (int lag = Math.max(minLag, guess - 1); lag <= Math.min(maxLag, guess + 1); lag++) {
                if (peak[lag] && r[lag] >= 0.85 * r[best]) {
                    return lag;
                }
            }
        }
        return best;
    }

    /**
     * The autocorrelation at a lag, from the variogram: 1 - mean((x[i] - x[i + lag])^2) / (2 x the
     * series' variance), over the pairs both known. A trend moves further away with every lag, so
     * a rising load is not taken for a cycle (as it is by a correlation of the two overlapping
     * segments), and a lag a bucket off the cycle pays for the slope it misses, so the peak is
     * sharp; -inf if undefined.
     */
    private static double correlation(double[] x, int lag, double variance) {
        double sum = 0;
        int k = 0;
        for (int i = 0; i + lag < x.length; i++) {
            double a = x[i];
            double b = x[i + lag];
            if (Double.isNaN(a) || Double.isNaN(b)) {
                continue;
            }
            sum += (a - b) * (a - b);
            k++;
        }
        return k < 2 ? Double.NEGATIVE_INFINITY : 1 - sum / k / (2 * variance);
    }
}
