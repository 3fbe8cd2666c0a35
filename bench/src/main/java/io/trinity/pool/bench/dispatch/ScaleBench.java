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
 * Dispatch cost against pool size: the same no-op throughput harness as {@link DispatchBench},
 * on our pool with 16 or 10,000 warm agents of one type. Cost per task is the inverse of the
 * score; the report divides the 10,000-agent cost by the 16-agent cost per balancer.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ScaleBench {

    @Param({"16", "10000"})
    public int agents;

    @Param({"round-robin", "least-loaded", "skill-aware", "affinity"})
    public String balancer;

    private final Semaphore window = new Semaphore(DispatchBench.WINDOW);
    private Target pool;

    @Setup(Level.Trial)
    public void setUp() {
        pool = Target.trinity(balancer, agents, window::release);
    }

    @TearDown(Level.Iteration)
    public void drain() throws InterruptedException {
        if (!window.tryAcquire(DispatchBench.WINDOW, 60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("tasks did not finish within 60 s");
        }
        window.release(DispatchBench.WINDOW);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
    }

    @Benchmark
    @Threads(1)
    public void submit() throws InterruptedException {
        window.acquire();
        pool.submit();
    }
}
