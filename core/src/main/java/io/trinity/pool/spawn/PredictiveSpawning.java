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
 */
public final class PredictiveSpawning implements SpawnStrategy {

    /** The strategy's name, {@value}, as {@link SpawnStrategies#create(String)} and the CLI take it. */
    public static final String NAME = "predictive";

    private final long bucketNanos;
    private final int bucketsPerPeriod;
    private final double decay;
    private final double headroom;
    private final Map<String, TypeModel> models = new HashMap<>();

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
            m.observe(now / bucketNanos, p.arrivals(type), decay, bucketsPerPeriod);
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

    private static final class TypeModel {
        final double[] profile;
        final boolean[] seen;
        long firstBucket;
        long currentBucket;
        long countAtBucketStart;
        long lastArrivals;
        double shortTerm;

        TypeModel(int buckets, long bucket, long arrivals) {
            profile = new double[buckets];
            seen = new boolean[buckets];
            firstBucket = bucket;
            currentBucket = bucket;
            countAtBucketStart = arrivals;
            lastArrivals = arrivals;
        }

        void observe(long bucket, long arrivals, double decay, int buckets) {
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
