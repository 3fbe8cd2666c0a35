package io.trinity.pool.internal;

/**
 * The M/M/c queue (Erlang C), which the auto-scaler sizes a type's steady flow with: Poisson
 * arrivals at rate λ, c servers (task slots), mean service time S, offered load a = λS. For
 * a &lt; c the probability that an arriving task waits at all is Erlang C, C(c, a), and a task
 * that waits does so for an exponential time of rate (c − a)/S, so
 * P(wait &gt; t) = C(c, a)·exp(−(c − a)·t/S). Service times that vary less than exponential ones
 * (the usual case) wait less, so the size this gives errs on the side of headroom.
 *
 * <p>Erlang B is computed with its stable recursion B(k) = aB(k−1)/(k + aB(k−1)), and
 * C = B/(1 − ρ(1 − B)) with ρ = a/c: no factorials, no overflow at any c.
 */
final class ErlangC {

    private ErlangC() {
    }

    /** P(an arriving task waits at all) with {@code c} slots at offered load {@code a}; 1 when a &gt;= c. */
    static double waitProbability(int c, double a) {
        if (a <= 0) {
            return 0;
        }
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

    /** P(wait &gt; {@code waitSeconds}) with {@code c} slots, offered load {@code a}, mean service {@code serviceSeconds}. */
    static double waitTail(int c, double a, double serviceSeconds, double waitSeconds) {
        if (a >= c) {
            return a <= 0 ? 0 : 1;
        }
        return waitProbability(c, a) * Math.exp(-(c - a) * waitSeconds / serviceSeconds);
    }

    /**
     * The fewest slots (at most {@code limit}) for which at most {@code tail} of the tasks wait longer
     * than {@code waitSeconds}; {@code limit} when even that many do not suffice; 0 with no load.
     */
    static int slotsFor(double a, double serviceSeconds, double waitSeconds, double tail, int limit) {
        if (!(a > 0) || !(serviceSeconds > 0) || limit <= 0) {
            return 0;
        }
        // Erlang B grows one slot at a time, so the search costs O(c), not O(c^2)
        double b = 1;
        for (int c = 1; c < limit; c++) {
            b = a * b / (c + a * b);
            if (c > a) {
                double rho = a / c;
                double waits = b / (1 - rho * (1 - b));
                if (waits * Math.exp(-(c - a) * waitSeconds / serviceSeconds) <= tail) {
                    return c;
                }
            }
        }
        return limit;
    }
}
