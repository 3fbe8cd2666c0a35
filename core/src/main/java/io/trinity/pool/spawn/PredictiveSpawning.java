package io.trinity.pool.spawn;

import io.trinity.pool.event.PoolEvent.SpawnCause;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Pre-spawns ahead of expected demand, for workloads that repeat.
 *
 * <p>Per type it counts arrivals in time buckets and keeps the last few periods of them (two
 * of the longest period looked for, or four of a given one). <b>The cycle</b> is either given
 * (the four-argument constructor) or learned ({@link #PredictiveSpawning()}, {@link
 * #detecting}): whenever a bucket closes, the autocorrelation of all types' counts together
 * over the history picks the lag of its highest peak (Pearson r of at least {@value
 * #MIN_CORRELATION}; a whole fraction of it if that peaks nearly as high, so a multiple of the
 * cycle is not taken for it), so a cycle is found as soon as two of it have been seen, whatever
 * its length up to the longest period. The forecast
 * for a bucket is then the decayed average of the same phase in past cycles (the newest weighs
 * {@code decay}). Before a cycle is known it falls back to a short-term rate (an exponentially
 * decayed average of recent buckets).
 *
 * <p><b>Sizing.</b> It sizes for the highest forecast rate of the buckets an agent spawned now
 * would be ready in (the type's cold start plus the time to the next plan, a scale tick), by the
 * pool's own rule for a flow of that rate ({@link SpawnPlanner#agentsFor}: what the auto-scaler
 * keeps once the flow is there, spare agents for its Poisson peaks included) times the headroom,
 * and spawns up to that. It asks the scaler to keep the most that rule gives over one bucket
 * further ({@link SpawnPlanner#keepAtLeast}), so that no agent is removed in the minute before a
 * forecast rise (a removal would hold back the spawns for it for a stabilization window), while
 * agents for the rise are only spawned when they can be ready for it and no sooner. It never
 * destroys: once the forecast falls, the idle timeout and the scaler reclaim what is left. With
 * only the short-term rate it spawns for that rate alone (Little's law) and holds nothing:
 * following the present is the scaler's job.
 *
 * <p>Why the pool's rule and not the forecast concurrency (rate x service time): a steep front
 * meets exactly the mean number of agents, so every Poisson peak above the mean waits, in every
 * period, however well the cycle is known (a square wave over four types, uncapped, in {@code
 * PredictiveCycleTest}: of on-demand's 219 tasks that waited after two periods, the mean left 76
 * readied a bucket ahead and 158 a cold start ahead; this rule leaves 9). Why spawn only a cold
 * start ahead: spawning a whole bucket ahead cost a minute of the burst's agents before every
 * burst (on {@code tri simulate --generate cyclic-burst}, uncapped: +16.6% agent-seconds over
 * on-demand spawning with this sizing and the bucket's lead, +6.5% with a cold start's;
 * docs/benchmarks.md).
 *
 * <p><b>Across restarts.</b> With a journal that keeps pool state, the model (the counts, the
 * short-term rate, how much history it has) is saved whenever a bucket closes ({@link
 * #changedState()}) and taken back at the next start ({@link #restoreState}), shifted onto the
 * new pool clock through the wall clock; the cycle is learned again from the counts at once, and
 * the forecast goes on where it stopped. The bucket the crash cut short is not counted, and the
 * buckets of the downtime are unknown (not zero). A saved model on a different bucket width or
 * longest period is ignored.
 */
public final class PredictiveSpawning implements SpawnStrategy {

    /** The strategy's name, {@value}, as {@link SpawnStrategies#create(String)} and the CLI take it. */
    public static final String NAME = "predictive";

    /**
     * Autocorrelation a lag needs to count as the cycle: below it the load is noise around a trend.
     * With little history the bar is higher (2 / sqrt(pairs)), so a cycle shorter than 16 buckets is
     * found after a little more than two of it.
     */
    public static final double MIN_CORRELATION = 0.5;

    /** The shortest cycle it looks for, in buckets: shorter ones are noise at the bucket's resolution. */
    static final int MIN_LAG = 3;

    /** How often a cycle already found is checked again, in closed buckets. */
    static final int RECHECK_BUCKETS = 16;

    private final long bucketNanos;
    /** The given period, or the longest one looked for, in buckets. */
    private final int bucketsPerPeriod;
    private final boolean detect;
    /** Buckets of history kept per type: two longest-periods to learn from, four given periods to average. */
    private final int ring;
    private final double decay;
    private final double headroom;
    private final Map<String, TypeModel> models = new TreeMap<>();
    /** The cycle in buckets: the given period, or the learned one; 0 while unknown. */
    private int period;
    /** Closed buckets since the cycle was last looked for. */
    private int sinceCheck;
    /** A bucket closed since the cycle was last looked for. */
    private boolean stale;
    /** A bucket closed since the last {@link #changedState()}. */
    private boolean changed;
    /** When {@link #plan} last ran, on the pool clock; Long.MIN_VALUE before the first call. */
    private long lastPlanNanos = Long.MIN_VALUE;
    /** The time between the last two plans (a scale tick), at most a bucket; a bucket before the second. */
    private long planGapNanos;

    /** One-minute buckets; learns any cycle up to 24 hours long. */
    public PredictiveSpawning() {
        this(Duration.ofMinutes(1), Duration.ofHours(24), 0.5, 1.0, true);
    }

    /**
     * A forecaster with a known period, its own time grid and appetite.
     *
     * @param bucket width of a time bucket, {@code > 0}
     * @param period length of the recurring pattern (a day, an hour, ...); a whole multiple of bucket
     * @param decay weight of the newest period in each average, in (0, 1]
     * @param headroom multiplies the agents it sizes for, {@code > 0} (1.0 = what the pool's sizing rule gives
     *     for the forecast rate, {@link SpawnPlanner#agentsFor})
     * @throws IllegalArgumentException naming the parameter and its value, if one is out of range
     */
    public PredictiveSpawning(Duration bucket, Duration period, double decay, double headroom) {
        this(bucket, period, decay, headroom, false);
    }

    /**
     * A forecaster that learns the period from the arrivals, as {@link #PredictiveSpawning()} does, on its
     * own time grid.
     *
     * @param bucket width of a time bucket, {@code > 0}
     * @param longestPeriod the longest cycle to look for; a whole multiple of bucket, at least {@value
     *     #MIN_LAG} buckets. It keeps two of them of history per type.
     * @param decay weight of the newest cycle in each average, in (0, 1]
     * @param headroom multiplies the agents it sizes for, {@code > 0} (1.0 = what the pool's sizing rule gives
     *     for the forecast rate, {@link SpawnPlanner#agentsFor})
     * @return the strategy
     * @throws IllegalArgumentException naming the parameter and its value, if one is out of range
     */
    public static PredictiveSpawning detecting(Duration bucket, Duration longestPeriod, double decay, double headroom) {
        return new PredictiveSpawning(bucket, longestPeriod, decay, headroom, true);
    }

    private PredictiveSpawning(Duration bucket, Duration period, double decay, double headroom, boolean detect) {
        if (bucket == null || bucket.isZero() || bucket.isNegative()) {
            throw new IllegalArgumentException("predictive bucket must be > 0 (got " + bucket + ")");
        }
        if (period == null || period.compareTo(bucket) < 0 || period.toNanos() % bucket.toNanos() != 0) {
            throw new IllegalArgumentException("predictive period must be a whole multiple of the bucket (got period="
                    + period + ", bucket=" + bucket + ")");
        }
        if (detect && period.toNanos() / bucket.toNanos() < MIN_LAG) {
            throw new IllegalArgumentException("predictive longest period must be at least " + MIN_LAG
                    + " buckets (got period=" + period + ", bucket=" + bucket + ")");
        }
        if (!(decay > 0 && decay <= 1)) {
            throw new IllegalArgumentException("predictive decay must be in (0, 1] (got " + decay + ")");
        }
        if (!(headroom > 0)) {
            throw new IllegalArgumentException("predictive headroom must be > 0 (got " + headroom + ")");
        }
        this.bucketNanos = bucket.toNanos();
        this.bucketsPerPeriod = (int) (period.toNanos() / bucket.toNanos());
        this.detect = detect;
        this.ring = (detect ? 2 : 4) * bucketsPerPeriod;
        this.decay = decay;
        this.headroom = headroom;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Trends, not single tasks: the scale tick is soon enough. */
    @Override
    public boolean reactive() {
        return false;
    }

    @Override
    public void plan(SpawnPlanner p) {
        long now = p.nanoTime();
        long bucket = now / bucketNanos;
        // the time until the next plan, taken as the last gap between two (a scale tick)
        if (lastPlanNanos == Long.MIN_VALUE) {
            planGapNanos = bucketNanos;
        } else if (now > lastPlanNanos) {
            planGapNanos = Math.min(bucketNanos, now - lastPlanNanos);
        }
        lastPlanNanos = now;
        long gap = planGapNanos;
        // A model restored for a type this pool no longer has would never advance, and its
        // unknown buckets would hide the cycle from every other type's history.
        if (models.keySet().retainAll(new java.util.HashSet<>(p.types()))) {
            changed = true;
            stale = true;
        }
        for (String type : p.types()) {
            TypeModel m = models.computeIfAbsent(type, t -> new TypeModel(ring, bucket, p.arrivals(t)));
            if (m.observe(bucket, p.arrivals(type), decay)) {
                changed = true;
                stale = true;
            }
        }
        learnCycle();
        for (String type : p.types()) {
            TypeModel m = models.get(type);
            double service = p.serviceSeconds(type);
            if (service <= 0) {
                p.keepAtLeast(type, 0);
                continue; // nothing learned about this type's work yet
            }
            long spawnNanos = (long) (p.spawnSeconds(type) * 1e9);
            int wanted;
            if (cycleKnown(m)) {
                // spawn for the buckets an agent spawned now would be ready in (by the next plan),
                // keep for one bucket beyond: no removal then forces a spawn back inside the window
                wanted = sizeFor(p, type, m, bucket, (now + spawnNanos + gap) / bucketNanos);
                p.keepAtLeast(type, Math.max(wanted, sizeFor(p, type, m, bucket, (now + spawnNanos + gap + bucketNanos) / bucketNanos)));
            } else {
                wanted = (int) Math.ceil(m.shortTerm / (bucketNanos / 1e9) * service * headroom - 1e-9);
                p.keepAtLeast(type, 0);
            }
            for (int i = p.alive(type); i < wanted; i++) {
                if (!p.spawn(type, SpawnCause.PREDICTIVE)) {
                    break;
                }
            }
        }
    }

    /** Agents for the highest forecast rate of the buckets from {@code first} to {@code last}, by the pool's sizing rule. */
    private int sizeFor(SpawnPlanner p, String type, TypeModel m, long first, long last) {
        double perBucket = 0;
        for (long b = first; b <= last; b++) {
            perBucket = Math.max(perBucket, m.forecast(b, period, decay));
        }
        return (int) Math.ceil(headroom * p.agentsFor(type, perBucket / (bucketNanos / 1e9)) - 1e-9);
    }

    /** Whether the type's forecast comes from the cycle rather than the short-term rate. */
    private boolean cycleKnown(TypeModel m) {
        return period > 0 && m.currentBucket - m.firstBucket >= period;
    }

    /**
     * The forecast arrivals of a type in one bucket; for tests and tools.
     *
     * @param type the agent type
     * @param bucket the absolute bucket number: pool clock nanoseconds divided by the bucket width
     * @return the expected arrivals in that bucket, 0 for a type not seen yet
     */
    public double forecast(String type, long bucket) {
        learnCycle();
        TypeModel m = models.get(type);
        if (m == null) {
            return 0;
        }
        return cycleKnown(m) ? m.forecast(bucket, period, decay) : m.shortTerm;
    }

    /**
     * The cycle it forecasts with; for tests and tools.
     *
     * @return the given period, or the one learned from the arrivals; {@link Duration#ZERO} while none is known
     */
    public Duration period() {
        learnCycle();
        return Duration.ofNanos(period * bucketNanos);
    }

    /** Finds the cycle again if buckets closed since, and either none is known yet or a recheck is due. */
    private void learnCycle() {
        if (!detect) {
            period = bucketsPerPeriod;
            return;
        }
        if (!stale) {
            return;
        }
        stale = false;
        if (period > 0 && ++sinceCheck < RECHECK_BUCKETS) {
            return;
        }
        sinceCheck = 0;
        period = detectPeriod();
    }

    /** The cycle of all types' counts together over the history kept, in buckets; 0 if none. */
    private int detectPeriod() {
        long end = Long.MIN_VALUE;
        long start = Long.MAX_VALUE;
        for (TypeModel m : models.values()) {
            end = Math.max(end, m.currentBucket);
            start = Math.min(start, Math.max(m.firstBucket, m.currentBucket - m.history.length));
        }
        int n = end == Long.MIN_VALUE ? 0 : (int) Math.min(ring, end - start);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            long b = end - n + i;
            double sum = 0;
            for (TypeModel m : models.values()) {
                double v = m.count(b);
                if (Double.isNaN(v)) {
                    if (m.firstBucket <= b) {
                        sum = Double.NaN; // a downtime: unknown, not zero
                        break;
                    }
                    v = 0; // the type was not seen yet: it had no arrivals then
                }
                sum += v;
            }
            x[i] = sum;
        }
        return CycleFinder.period(x, MIN_LAG, bucketsPerPeriod, MIN_CORRELATION);
    }

    /**
     * The model of every type seen, once a bucket closed since the last call.
     *
     * @return the bucket grid, and per type its counts of the periods it keeps, by ring slot (null
     *     for a bucket not seen), short-term rate, first and current bucket (on this pool's clock) and the
     *     arrivals counted so far in the current bucket; null when no bucket closed since the last call
     */
    @Override
    public Map<String, Object> changedState() {
        if (!changed) {
            return null;
        }
        changed = false;
        Map<String, Object> types = new TreeMap<>();
        models.forEach((type, m) -> {
            List<Object> history = new ArrayList<>(m.history.length);
            for (double v : m.history) {
                history.add(Double.isNaN(v) ? null : (Object) v);
            }
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("firstBucket", m.firstBucket);
            t.put("currentBucket", m.currentBucket);
            t.put("partial", m.lastArrivals - m.countAtBucketStart);
            t.put("shortTerm", m.shortTerm);
            t.put("history", history);
            types.put(type, t);
        });
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("bucketNanos", bucketNanos);
        state.put("buckets", bucketsPerPeriod);
        state.put("types", types);
        return state;
    }

    /**
     * Takes back a model saved before a restart, shifted onto this pool's clock (rounded to
     * whole buckets). Ignored if it was saved with another bucket width or period.
     *
     * @param state what {@link #changedState()} returned before the restart
     * @param clockShiftNanos add this to a time of the previous run's clock to get this run's
     */
    @Override
    public void restoreState(Map<String, Object> state, long clockShiftNanos) {
        if (!(state.get("bucketNanos") instanceof Number bn) || bn.longValue() != bucketNanos
                || !(state.get("buckets") instanceof Number b) || b.intValue() != bucketsPerPeriod
                || !(state.get("types") instanceof Map<?, ?> types)) {
            return;
        }
        long shift = Math.floorDiv(clockShiftNanos + bucketNanos / 2, bucketNanos);
        types.forEach((type, v) -> {
            if (!(v instanceof Map<?, ?> t) || !(t.get("history") instanceof List<?> history)
                    || history.size() != ring) {
                return;
            }
            TypeModel m = new TypeModel(ring, number(t.get("currentBucket")) + shift, 0);
            m.firstBucket = number(t.get("firstBucket")) + shift;
            m.shortTerm = t.get("shortTerm") instanceof Number n ? n.doubleValue() : 0;
            m.partial = number(t.get("partial"));
            for (int i = 0; i < ring; i++) {
                if (history.get(i) instanceof Number n) {
                    m.history[(int) Math.floorMod(i + shift, (long) ring)] = n.doubleValue();
                }
            }
            m.rebase = true;
            models.put(String.valueOf(type), m);
        });
        stale = true;
        sinceCheck = RECHECK_BUCKETS;
        lastPlanNanos = Long.MIN_VALUE; // a new pool's clock: its first plan measures no gap
    }

    private static long number(Object o) {
        return o instanceof Number n ? n.longValue() : 0;
    }

    private static final class TypeModel {
        /** Arrivals per closed bucket, by absolute bucket modulo its length; NaN where unknown. */
        final double[] history;
        long firstBucket;
        long currentBucket;
        long countAtBucketStart;
        long lastArrivals;
        double shortTerm;
        /** Restored and not yet observed: the arrival counter restarted with the pool. */
        boolean rebase;
        /** Arrivals counted in the current bucket before the restart. */
        long partial;

        TypeModel(int ring, long bucket, long arrivals) {
            history = new double[ring];
            java.util.Arrays.fill(history, Double.NaN);
            firstBucket = bucket;
            currentBucket = bucket;
            countAtBucketStart = arrivals;
            lastArrivals = arrivals;
        }

        /** Returns whether a bucket closed. */
        boolean observe(long bucket, long arrivals, double decay) {
            if (rebase) {
                rebase = false;
                if (bucket > currentBucket) {
                    // the crash cut that bucket short and the downtime was not observed: count neither
                    for (long b = currentBucket; b < bucket && b < currentBucket + history.length; b++) {
                        history[slot(b)] = Double.NaN;
                    }
                    currentBucket = bucket;
                    countAtBucketStart = arrivals;
                } else {
                    countAtBucketStart = arrivals - partial;
                }
                lastArrivals = arrivals;
            }
            boolean closed = currentBucket < bucket;
            while (currentBucket < bucket) {
                // close the current bucket; buckets skipped without a plan call saw no arrivals,
                // and arrivals since the last call are counted in the new bucket
                long count = lastArrivals - countAtBucketStart;
                history[slot(currentBucket)] = count;
                shortTerm = shortTerm * (1 - decay) + count * decay;
                countAtBucketStart = lastArrivals;
                currentBucket++;
            }
            lastArrivals = arrivals;
            return closed;
        }

        private int slot(long bucket) {
            return (int) Math.floorMod(bucket, (long) history.length);
        }

        /** The count of a closed bucket still in the history; NaN if unknown. */
        double count(long bucket) {
            if (bucket >= currentBucket || bucket < firstBucket || bucket < currentBucket - history.length) {
                return Double.NaN;
            }
            return history[slot(bucket)];
        }

        /** The decayed average of the same phase in past cycles, newest first; the short-term rate if none. */
        double forecast(long bucket, int period, double decay) {
            long k = Math.max(1, Math.floorDiv(bucket - currentBucket, (long) period) + 1);
            double sum = 0;
            double weights = 0;
            double w = 1;
            for (long b = bucket - k * period; b >= currentBucket - history.length && b >= firstBucket; b -= period) {
                double v = count(b);
                if (!Double.isNaN(v)) {
                    sum += w * v;
                    weights += w;
                }
                w *= 1 - decay;
                if (w < 1e-3) {
                    break;
                }
            }
            return weights > 0 ? sum / weights : shortTerm;
        }
    }
}
