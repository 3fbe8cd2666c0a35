package io.trinity.pool.bench.dispatch;

import io.trinity.pool.AgentPool;
import io.trinity.pool.Payload;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.PoolSnapshot;
import io.trinity.pool.Task;
import io.trinity.pool.TaskHandle;
import io.trinity.pool.TaskState;
import io.trinity.pool.agent.Agent;
import io.trinity.pool.agent.AgentState;
import io.trinity.pool.balance.Balancers;
import io.trinity.pool.time.VirtualClock;
import java.time.Duration;
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
 * The dispatch path's own cost, with no thread in between: a deterministic pool (virtual clock,
 * loop and agents run on the submitting thread) of 16 warm agents and a no-op agent, one op = one
 * task submitted, admitted, queued, dispatched through the balancer and the fairness governor,
 * run, settled and its future completed, all inside the submit call. The same steps as
 * {@link DispatchBench}'s no-op cell, minus every hand-off between threads: the difference between
 * the two is what the threads cost (cache lines moving between cores, wakes, the loop changing
 * hands), not the work the path does.
 *
 * <p>Run with {@code ./tri bench jmh PathBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PathBench {

    @Param({"least-loaded", "round-robin", "skill-aware", "affinity"})
    public String balancer;

    private AgentPool pool;
    private Task[] tasks;
    private int next;
    private long submitted;

    @Setup(Level.Trial)
    public void setUp() {
        VirtualClock clock = new VirtualClock();
        PoolConfig config = PoolConfig.custom().maxAgents(16).warmPool(16).warmPoolMin(16).warmPoolMax(16)
                .spawnRate(16).queueCapacity(1_000).balancer(balancer).build();
        Agent agent = ctx -> Payload.EMPTY;
        pool = AgentPool.builder().config(config).register("bench", init -> agent).deterministic(clock).build();
        clock.advance(Duration.ofSeconds(5)); // the warm pool's spawns complete
        long ready = pool.snapshot().agents().stream()
                .filter(a -> a.state() == AgentState.READY || a.state() == AgentState.IDLE).count();
        if (ready != 16) {
            throw new IllegalStateException("expected 16 agents READY or IDLE after 5 s of virtual time, found " + ready
                    + "; the warm pool did not start");
        }
        // affinity needs keys to be exercised: 64 keys in turn, as DispatchBench picks 64 at random
        tasks = new Task[Balancers.AFFINITY.equals(balancer) ? 64 : 1];
        for (int i = 0; i < tasks.length; i++) {
            Task.Builder tb = Task.builder("bench").balancer(balancer);
            tasks[i] = tasks.length == 1 ? tb.build() : tb.affinity("key-" + i).build();
        }
    }

    @Benchmark
    @Threads(1)
    public TaskHandle submit() {
        Task t = tasks[next];
        next = next + 1 == tasks.length ? 0 : next + 1;
        submitted++;
        return pool.submit(t);
    }

    /** Every task submitted must have ended by the time its submit returned: nothing queued, nothing running. */
    @TearDown(Level.Iteration)
    public void check() {
        PoolSnapshot s = pool.snapshot();
        long succeeded = s.tasksByState().getOrDefault(TaskState.SUCCEEDED, 0L);
        if (s.queued() != 0 || s.running() != 0 || succeeded != submitted) {
            throw new IllegalStateException("the deterministic pool left work behind: " + s.queued() + " queued, "
                    + s.running() + " running, " + succeeded + " of " + submitted + " succeeded");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.shutdown(Duration.ofSeconds(1));
    }
}
