package io.trinity.pool.internal;

/**
 * A moving window of an agent's recent outcomes: success (1/0) and, when reported, quality.
 * The health monitor compares an agent's window with its peers' to find one that degrades.
 */
final class QualityTrend {

    private final double[] scores;
    private int size;
    private int next;

    QualityTrend(int window) {
        this.scores = new double[window];
    }

    /** Records one outcome: quality if the agent reported one, else 1 for success and 0 for failure. */
    void record(boolean success, double quality) {
        double score = success ? (Double.isNaN(quality) ? 1.0 : Math.max(0, Math.min(1, quality))) : 0.0;
        scores[next] = score;
        next = (next + 1) % scores.length;
        if (size < scores.length) {
            size++;
        }
    }

    int samples() {
        return size;
    }

    boolean full() {
        return size == scores.length;
    }

    double mean() {
        if (size == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (int i = 0; i < size; i++) {
            sum += scores[i];
        }
        return sum / size;
    }
}
