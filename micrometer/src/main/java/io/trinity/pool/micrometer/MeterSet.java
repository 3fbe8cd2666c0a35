package io.trinity.pool.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * The registries a binder is bound to, and every meter it has created so far.
 *
 * <p>Tag values arrive with events (a new agent type, outcome or resource), so meters are created
 * on first use; each creation is kept as a registration and replayed on every registry bound
 * later. Counts and gauge values live here, not in the registries, so nothing counted before
 * {@code bindTo} is lost and one binder may feed several registries. Timers are the exception:
 * a histogram lives in its registry, so an attempt recorded before the first {@code bindTo}
 * is not in it.
 *
 * <p>Each registration says how to take back what it registered, so {@link #unbindAll} removes
 * every meter this set put in a registry. A registry keeps the first meter registered under an
 * id and returns it to anyone who registers the same id later; without the removal, the binder
 * of a rebuilt pool with the same tags would be handed the old pool's meters.
 *
 * <p>Registration is rare (once per tag combination) and synchronized; the hot paths (increment,
 * gauge update, timer record) take no lock.
 */
final class MeterSet {

    /** One bound registry and how to remove from it what this set registered there. */
    private record Binding(MeterRegistry registry, List<Runnable> removals) {
    }

    private final Tags common;
    private final List<Binding> bindings = new ArrayList<>();
    private final List<Function<MeterRegistry, Runnable>> registrations = new ArrayList<>();

    MeterSet(Tags common) {
        this.common = common;
    }

    Tags common() {
        return common;
    }

    synchronized void bindTo(MeterRegistry registry) {
        for (Binding b : bindings) {
            if (b.registry() == registry) {
                return;
            }
        }
        Binding b = new Binding(registry, new ArrayList<>());
        bindings.add(b);
        for (Function<MeterRegistry, Runnable> r : registrations) {
            b.removals().add(r.apply(registry));
        }
    }

    /**
     * Runs {@code registration} on every registry bound now or later; it returns what removes
     * the meters it registered from that registry.
     */
    synchronized void register(Function<MeterRegistry, Runnable> registration) {
        registrations.add(registration);
        for (Binding b : bindings) {
            b.removals().add(registration.apply(b.registry()));
        }
    }

    /** Removes every meter of this set from every registry it is bound to, and forgets them. */
    synchronized void unbindAll() {
        for (Binding b : bindings) {
            for (Runnable removal : b.removals()) {
                removal.run();
            }
        }
        bindings.clear();
    }

    /** How to remove {@code meter} from {@code registry}. */
    static Runnable removal(MeterRegistry registry, Meter meter) {
        return () -> registry.remove(meter);
    }

    /** Tag values of one meter: {@code second} is null for a meter with one tag. */
    record Key(String first, String second) {
        Tags tags(String firstKey, String secondKey) {
            return second == null ? Tags.of(firstKey, first) : Tags.of(firstKey, first, secondKey, second);
        }
    }

    /** A monotonic count per tag combination, exported as a {@link FunctionCounter}. */
    final class Counters {
        private final String name;
        private final String description;
        private final String firstKey;
        private final String secondKey;
        private final ConcurrentHashMap<Key, LongAdder> counts = new ConcurrentHashMap<>();

        Counters(String name, String description, String firstKey, String secondKey) {
            this.name = name;
            this.description = description;
            this.firstKey = firstKey;
            this.secondKey = secondKey;
        }

        void increment(String first, String second) {
            Key key = new Key(first, second);
            LongAdder count = counts.get(key);
            if (count == null) {
                count = create(key);
            }
            count.increment();
        }

        private LongAdder create(Key key) {
            LongAdder fresh = new LongAdder();
            LongAdder prior = counts.putIfAbsent(key, fresh);
            if (prior != null) {
                return prior;
            }
            Tags tags = common.and(key.tags(firstKey, secondKey));
            register(r -> removal(r, FunctionCounter.builder(name, fresh, LongAdder::doubleValue)
                    .description(description).tags(tags).register(r)));
            return fresh;
        }
    }

    /** A current value per tag combination, exported as a {@link Gauge}. */
    final class Gauges {
        private final String name;
        private final String description;
        private final String firstKey;
        private final String secondKey;
        private final ConcurrentHashMap<Key, AtomicInteger> values = new ConcurrentHashMap<>();

        Gauges(String name, String description, String firstKey, String secondKey) {
            this.name = name;
            this.description = description;
            this.firstKey = firstKey;
            this.secondKey = secondKey;
        }

        /** The gauge's value holder, created (and registered) on first use. */
        AtomicInteger get(String first, String second) {
            Key key = new Key(first, second);
            AtomicInteger value = values.get(key);
            if (value != null) {
                return value;
            }
            AtomicInteger fresh = new AtomicInteger();
            AtomicInteger prior = values.putIfAbsent(key, fresh);
            if (prior != null) {
                return prior;
            }
            Tags tags = common.and(key.tags(firstKey, secondKey));
            register(r -> removal(r, Gauge.builder(name, fresh, AtomicInteger::get).strongReference(true)
                    .description(description).tags(tags).register(r)));
            return fresh;
        }
    }

    /** A timer with a percentile histogram per tag value, one per bound registry. */
    final class Timers {
        private final String name;
        private final String description;
        private final String tagKey;
        private final ConcurrentHashMap<String, List<Timer>> timers = new ConcurrentHashMap<>();

        Timers(String name, String description, String tagKey) {
            this.name = name;
            this.description = description;
            this.tagKey = tagKey;
        }

        void record(String tagValue, long nanos) {
            List<Timer> group = timers.get(tagValue);
            if (group == null) {
                group = create(tagValue);
            }
            long value = Math.max(0, nanos);
            for (Timer t : group) {
                t.record(value, TimeUnit.NANOSECONDS);
            }
        }

        private List<Timer> create(String tagValue) {
            List<Timer> fresh = new CopyOnWriteArrayList<>();
            List<Timer> prior = timers.putIfAbsent(tagValue, fresh);
            if (prior != null) {
                return prior;
            }
            Tags tags = common.and(tagKey, tagValue);
            register(r -> {
                Timer timer = Timer.builder(name).description(description).tags(tags)
                        .publishPercentileHistogram().register(r);
                fresh.add(timer);
                return () -> {
                    fresh.remove(timer);
                    r.remove(timer);
                };
            });
            return fresh;
        }
    }
}
