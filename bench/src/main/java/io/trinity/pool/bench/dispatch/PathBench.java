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
 * run, settled and its future completed, all inside the submit call. The steps of
 * {@link DispatchBench}'s no-op cell without the hand-offs between threads, so the difference
 * between the two is mostly what the threads cost (cache lines moving between cores, wakes, the
 * loop changing hands). Mostly: here the clock is virtual and never moves (a task takes no time,
 * no clock is read, no housekeeping tick runs) and the lane empties between tasks, where the
 * threaded cell keeps a backlog.
 *
 * <p>A task not ended when its submit returns is counted, and the iteration fails if there was
 * one. Run with {@code ./tri bench jmh PathBench -f 2 -wi 5 -w 1s -i 5 -r 1s} (add
 * {@code -prof gc} for the bytes allocated per task, {@code -p agents=10000} for a large pool).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PathBench {

    @Param({"least-loaded", "round-robin", "skill-aware", "affinity"})
    public String balancer;

    /**
     * Warm agents in the pool: 16 as in {@link DispatchBench}; {@code -p agents=10000} gives the
     * path's side of {@link ScaleBench} (a balancer's cost among thousands of agents).
     */
    @Param({"16"})
    public int agents;

    private AgentPool pool;
    private Task[] tasks;
    private int next;
    private long submitted;
    /** Tasks whose submit returned before they ended: always 0 in a deterministic pool. */
    private long leftRunning;

    @Setup(Level.Trial)
    public void setUp() {
        VirtualClock clock = new VirtualClock();
        PoolConfig config = PoolConfig.custom().maxAgents(agents).warmPool(agents).warmPoolMin(agents)
                .warmPoolMax(agents).spawnRate(agents).queueCapacity(Target.QUEUE).balancer(balancer).build();
        Agent agent = ctx -> Payload.EMPTY;
        pool = AgentPool.builder().config(config).register("bench", init -> agent).deterministic(clock).build();
        clock.advance(Duration.ofSeconds(5)); // the warm pool's spawns complete
        long ready = pool.snapshot().agents().stream()
                .filter(a -> a.state() == AgentState.READY || a.state() == AgentState.IDLE).count();
        if (ready != agents) {
            throw new IllegalStateException("expected " + agents + " agents READY or IDLE after 5 s of virtual time, found "
                    + ready + "; the warm pool did not start");
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
        TaskHandle h = pool.submit(t);
        if (!h.state().isFinal()) {
            leftRunning++;
        }
        return h;
    }

    /** Every task submitted must have ended, successfully, by the time its submit returned. */
    @TearDown(Level.Iteration)
    public void check() {
        PoolSnapshot s = pool.snapshot();
        long succeeded = s.tasksByState().getOrDefault(TaskState.SUCCEEDED, 0L);
        if (leftRunning != 0 || s.queued() != 0 || s.running() != 0 || succeeded != submitted) {
            throw new IllegalStateException("the deterministic pool did not end every task inside its submit: "
                    + leftRunning + " still open when submit returned, " + s.queued() + " queued, " + s.running()
                    + " running, " + succeeded + " of " + submitted + " succeeded");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.shutdown(Duration.ofSeconds(1)).join();
    }
}
