package io.trinity.pool.bench.dispatch;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Task throughput of each executor with 16 workers: one op = one task submitted and, within
 * the window, completed. At most {@link #WINDOW} tasks are in flight (a semaphore the task body
 * releases when it ends), which keeps every bounded queue below its capacity so no executor
 * ever rejects, and measures sustained throughput rather than queue filling.
 *
 * <p>Run alone with {@code ./tri bench jmh DispatchBench}; {@code ./tri bench dispatch} runs it
 * with the report settings and writes the tables.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DispatchBench {

    static final int WINDOW = 256;

    @Param({"trinity-round-robin", "trinity-least-loaded", "trinity-skill-aware", "trinity-affinity", "tpe",
            "fork-join", "virtual-threads", "pekko-round-robin", "pekko-smallest-mailbox"})
    public String target;

    @Param({"noop", "spin10us"})
    public String work;

    private final Semaphore window = new Semaphore(WINDOW);
    private Target executor;

    @Setup(Level.Trial)
    public void setUp() {
        long nanos = Work.nanos(work);
        Runnable body = nanos == 0 ? window::release : () -> {
            Work.spin(nanos);
            window.release();
        };
        executor = Target.create(target, body);
    }

    /** Lets the tasks of the last iteration finish so they are not counted in the next one. */
    @TearDown(Level.Iteration)
    public void drain() throws InterruptedException {
        if (!window.tryAcquire(WINDOW, 60, TimeUnit.SECONDS)) {
            throw new IllegalStateException(target + ": " + (WINDOW - window.availablePermits())
                    + " tasks did not finish within 60 s");
        }
        window.release(WINDOW);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        executor.close();
    }

    @Benchmark
    @Threads(1)
    public void submit1() throws InterruptedException {
        window.acquire();
        executor.submit();
    }

    @Benchmark
    @Threads(2)
    public void submit2() throws InterruptedException {
        window.acquire();
        executor.submit();
    }
}
