package io.trinity.pool.spawn;

import io.trinity.pool.event.PoolEvent.SpawnCause;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Pre-spawns ahead of expected demand.
 *
 * <p>Per type it keeps arrivals in time buckets: a short-term rate (an exponentially decayed
 * average of recent buckets) and, once a whole period of history exists, a profile of the
 * period (time of day by default): the decayed average count of each bucket of the period
 * over past periods. Ahead of each moment it forecasts the arrival rate one lead time later
 * (the type's cold start plus one bucket) from the profile, falls back to the short-term rate
 * before the profile is ready, and spawns so that live agents cover the forecast concurrency
 * (rate x service time, Little's law) with headroom. It never destroys: the idle timeout and
 * the scaler reclaim what the forecast over-provisioned.
 *
 * <p><b>Across restarts.</b> With a journal that keeps pool state, the model (profile, short-term
 * rate, how much history it has) is saved whenever a bucket closes ({@link #changedState()}) and
 * taken back at the next start ({@link #restoreState}), shifted onto the new pool clock through
 * the wall clock; the forecast goes on where it stopped. The bucket the crash cut short is not
 * counted, and the buckets of the downtime are skipped (unknown, not zero). A saved model on a
 * different bucket width or period is ignored.
 */
public final class PredictiveSpawning implements SpawnStrategy {

    /** The strategy's name, {@value}, as {@link SpawnStrategies#create(String)} and the CLI take it. */
    public static final String NAME = "predictive";

    private final long bucketNanos;
    private final int bucketsPerPeriod;
    private final double decay;
    private final double headroom;
    private final Map<String, TypeModel> models = new HashMap<>();
    /** A bucket closed since the last {@link #changedState()}. */
    private boolean changed;

    /** One-minute buckets over a 24 h period. */
    public PredictiveSpawning() {
        this(Duration.ofMinutes(1), Duration.ofHours(24), 0.5, 1.0);
    }

    /**
     * A forecaster with its own time grid and appetite.
     *
     * @param bucket width of a time bucket, {@code > 0}
     * @param period length of the recurring pattern (a day, an hour, ...); a whole multiple of bucket
     * @param decay weight of the newest observation in each average, in (0, 1]
     * @param headroom agents per unit of forecast concurrency, {@code > 0} (1.0 = exactly the forecast)
     * @throws IllegalArgumentException naming the parameter and its value, if one is out of range
     */
    public PredictiveSpawning(Duration bucket, Duration period, double decay, double headroom) {
        if (bucket == null || bucket.isZero() || bucket.isNegative()) {
            throw new IllegalArgumentException("predictive bucket must be > 0 (got " + bucket + ")");
        }
        if (period == null || period.compareTo(bucket) < 0 || period.toNanos() % bucket.toNanos() != 0) {
            throw new IllegalArgumentException("predictive period must be a whole multiple of the bucket (got period="
                    + period + ", bucket=" + bucket + ")");
        }
        if (!(decay > 0 && decay <= 1)) {
            throw new IllegalArgumentException("predictive decay must be in (0, 1] (got " + decay + ")");
        }
        if (!(headroom > 0)) {
            throw new IllegalArgumentException("predictive headroom must be > 0 (got " + headroom + ")");
        }
        this.bucketNanos = bucket.toNanos();
        this.bucketsPerPeriod = (int) (period.toNanos() / bucket.toNanos());
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
        for (String type : p.types()) {
            TypeModel m = models.computeIfAbsent(type, t -> new TypeModel(bucketsPerPeriod, now / bucketNanos, p.arrivals(t)));
            changed |= m.observe(now / bucketNanos, p.arrivals(type), decay, bucketsPerPeriod);
            double service = p.serviceSeconds(type);
            if (service <= 0) {
                continue; // nothing learned about this type's work yet
            }
            long leadNanos = (long) (p.spawnSeconds(type) * 1e9) + bucketNanos;
            double perBucket = m.forecast((now + leadNanos) / bucketNanos, bucketsPerPeriod);
            double ratePerSecond = perBucket / (bucketNanos / 1e9);
            int wanted = (int) Math.ceil(ratePerSecond * service * headroom - 1e-9);
            int have = p.alive(type);
            for (int i = have; i < wanted; i++) {
                if (!p.spawn(type, SpawnCause.PREDICTIVE)) {
                    break;
                }
            }
        }
    }

    /**
     * The forecast arrivals of a type in one bucket; for tests and tools.
     *
     * @param type the agent type
     * @param bucket the absolute bucket number: pool clock nanoseconds divided by the bucket width
     * @return the expected arrivals in that bucket, 0 for a type not seen yet
     */
    public double forecast(String type, long bucket) {
        TypeModel m = models.get(type);
        return m == null ? 0 : m.forecast(bucket, bucketsPerPeriod);
    }

    /**
     * The model of every type seen, once a bucket closed since the last call.
     *
     * @return the bucket grid, and per type its profile (null for a slot never seen), short-term
     *     rate, first and current bucket (on this pool's clock) and the arrivals counted so far
     *     in the current bucket; null when no bucket closed since the last call
     */
    @Override
    public Map<String, Object> changedState() {
        if (!changed) {
            return null;
        }
        changed = false;
        Map<String, Object> types = new java.util.TreeMap<>();
        models.forEach((type, m) -> {
            java.util.List<Object> profile = new java.util.ArrayList<>(bucketsPerPeriod);
            for (int i = 0; i < bucketsPerPeriod; i++) {
                profile.add(m.seen[i] ? (Object) m.profile[i] : null);
            }
            Map<String, Object> t = new java.util.LinkedHashMap<>();
            t.put("firstBucket", m.firstBucket);
            t.put("currentBucket", m.currentBucket);
            t.put("partial", m.lastArrivals - m.countAtBucketStart);
            t.put("shortTerm", m.shortTerm);
            t.put("profile", profile);
            types.put(type, t);
        });
        Map<String, Object> state = new java.util.LinkedHashMap<>();
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
            if (!(v instanceof Map<?, ?> t) || !(t.get("profile") instanceof java.util.List<?> profile)
                    || profile.size() != bucketsPerPeriod) {
                return;
            }
            TypeModel m = new TypeModel(bucketsPerPeriod, number(t.get("currentBucket")) + shift, 0);
            m.firstBucket = number(t.get("firstBucket")) + shift;
            m.shortTerm = t.get("shortTerm") instanceof Number n ? n.doubleValue() : 0;
            m.partial = number(t.get("partial"));
            for (int i = 0; i < bucketsPerPeriod; i++) {
                if (profile.get(i) instanceof Number n) {
                    int slot = (int) Math.floorMod(i + shift, (long) bucketsPerPeriod);
                    m.profile[slot] = n.doubleValue();
                    m.seen[slot] = true;
                }
            }
            m.rebase = true;
            models.put(String.valueOf(type), m);
        });
    }

    private static long number(Object o) {
        return o instanceof Number n ? n.longValue() : 0;
    }

    private static final class TypeModel {
        final double[] profile;
        final boolean[] seen;
        long firstBucket;
        long currentBucket;
        long countAtBucketStart;
        long lastArrivals;
        double shortTerm;
        /** Restored and not yet observed: the arrival counter restarted with the pool. */
        boolean rebase;
        /** Arrivals counted in the current bucket before the restart. */
        long partial;

        TypeModel(int buckets, long bucket, long arrivals) {
            profile = new double[buckets];
            seen = new boolean[buckets];
            firstBucket = bucket;
            currentBucket = bucket;
            countAtBucketStart = arrivals;
            lastArrivals = arrivals;
        }

        /** Returns whether a bucket closed. */
        boolean observe(long bucket, long arrivals, double decay, int buckets) {
            if (rebase) {
                rebase = false;
                if (bucket > currentBucket) {
                    // the crash cut that bucket short and the downtime was not observed: count neither
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
                int slot = (int) Math.floorMod(currentBucket, buckets);
                profile[slot] = seen[slot] ? profile[slot] * (1 - decay) + count * decay : count;
                seen[slot] = true;
                shortTerm = shortTerm * (1 - decay) + count * decay;
                countAtBucketStart = lastArrivals;
                currentBucket++;
            }
            lastArrivals = arrivals;
            return closed;
        }

        double forecast(long bucket, int buckets) {
            boolean profileReady = currentBucket - firstBucket >= buckets;
            int slot = (int) Math.floorMod(bucket, buckets);
            if (profileReady && seen[slot]) {
                return profile[slot];
            }
            return shortTerm;
        }
    }
}
