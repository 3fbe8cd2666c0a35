package io.trinity.pool.bench.autoscale;

import java.util.ArrayList;
import java.util.List;

/**
 * The M/M/c (Erlang C) reference for a steady workload: for each pool size c, the p99 queue
 * wait of Poisson arrivals at rate λ served by c agents with exponential service of mean S,
 * and its cost, c agents for the whole run. P(wait > t) = C(c, a)·exp(−(c − a)t/S) with
 * a = λS, so the p99 is max(0, S·ln(100·C)/(c − a)); the smallest c with C(c, a) ≤ 1% has a
 * p99 of 0. Kept apart from the scaler's own copy in core so the bench does not judge the
 * scaler by its own arithmetic. Service times less variable than exponential ones (this
 * workload's lognormal σ 0.6) wait less than this, so a scaler can land below the line.
 */
final class ErlangBound {

    /** One pool size: agents, agent-hours over the run, the model's p99 wait in seconds, and P(wait > 0). */
    record Point(int agents, double agentHours, double p99Seconds, double waitProbability) {
    }

    private ErlangBound() {
    }

    /** Erlang C: the probability that an arrival waits, from the stable Erlang B recursion. */
    static double waitProbability(int c, double a) {
        if (a >= c) {
            return 1;
        }
        double b = 1;
        for (int k = 1; k <= c; k++) {
            b = a * b / (k + a * b);
        }
        double rho = a / c;
        return b / (1 - rho * (1 - b));
    }

    /** The p99 wait (s) of c agents: the t with P(wait > t) = 1%, or 0 when fewer than 1% wait at all. */
    static double p99(int c, double a, double serviceSeconds) {
        if (a >= c) {
            return Double.POSITIVE_INFINITY;
        }
        double waits = waitProbability(c, a);
        return waits <= 0.01 ? 0 : serviceSeconds * Math.log(waits / 0.01) / (c - a);
    }

    /** Pool sizes from the first stable one up to the first whose p99 is 0, plus one. */
    static List<Point> curve(double ratePerSecond, double serviceSeconds, double hours) {
        double a = ratePerSecond * serviceSeconds;
        List<Point> points = new ArrayList<>();
        for (int c = (int) Math.floor(a) + 1; ; c++) {
            double p99 = p99(c, a, serviceSeconds);
            points.add(new Point(c, c * hours, p99, waitProbability(c, a)));
            if (p99 == 0 && points.size() > 1 && points.get(points.size() - 2).p99Seconds() == 0) {
                return points;
            }
        }
    }

    /** The bound's cost (agent-hours) for a p99 wait of at most {@code p99Seconds}: the cheapest size that meets it. */
    static double costFor(List<Point> curve, double p99Seconds) {
        for (Point p : curve) {
            if (p.p99Seconds() <= p99Seconds + 1e-9) {
                return p.agentHours();
            }
        }
        return curve.get(curve.size() - 1).agentHours();
    }
}
