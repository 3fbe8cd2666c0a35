package io.trinity.pool.bench.dispatch;

import io.trinity.pool.AgentPool;
import io.trinity.pool.Payload;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.Task;
import io.trinity.pool.agent.Agent;
import io.trinity.pool.balance.Balancers;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.routing.RoundRobinPool;
import org.apache.pekko.routing.SmallestMailboxPool;

/**
 * One executor under test, running the same {@code body} for every submission. The body is
 * fixed when the target is built, so every target runs the very same code per task and the
 * harness allocates nothing per submission (our pool gets one prebuilt, immutable Task).
 */
public interface Target extends AutoCloseable {

    /** Width of every pool: 16 workers, threads, routees or agents. */
    int WIDTH = 16;
    /** Bounded queues (ThreadPoolExecutor, our pool) hold this many; harness windows stay below it. */
    int QUEUE = 1024;

    /** Names accepted by {@link #create}, in report order. */
    List<String> NAMES = List.of("trinity-round-robin", "trinity-least-loaded", "trinity-skill-aware",
            "trinity-affinity", "tpe", "fork-join", "virtual-threads", "pekko-round-robin", "pekko-smallest-mailbox");

    /** Runs the body once, somewhere else. Never blocks (callers bound what is in flight). */
    void submit();

    @Override
    void close();

    static Target create(String name, Runnable body) {
        return switch (name) {
            case "tpe" -> executor(new ThreadPoolExecutor(WIDTH, WIDTH, 60, TimeUnit.SECONDS,
                    new ArrayBlockingQueue<>(QUEUE)), body);
            case "fork-join" -> executor(new ForkJoinPool(WIDTH), body);
            case "virtual-threads" -> executor(Executors.newVirtualThreadPerTaskExecutor(), body);
            case "pekko-round-robin" -> pekko(true, body);
            case "pekko-smallest-mailbox" -> pekko(false, body);
            default -> {
                if (name.startsWith("trinity-")) {
                    String balancer = name.substring("trinity-".length());
                    if (Balancers.builtIn().containsKey(balancer)) {
                        yield trinity(balancer, WIDTH, body);
                    }
                }
                throw new IllegalArgumentException("unknown target '" + name + "'; choose one of " + NAMES);
            }
        };
    }

    private static Target executor(ExecutorService ex, Runnable body) {
        return new Target() {
            public void submit() {
                ex.execute(body);
            }

            public void close() {
                ex.shutdownNow();
            }
        };
    }

    /**
     * Our pool with {@code agents} agents of one type, all spawned up front and held warm, the
     * given balancer named on each task. Waits until every agent is READY.
     */
    static Target trinity(String balancer, int agents, Runnable body) {
        PoolConfig config = PoolConfig.custom().maxAgents(agents).warmPool(agents).warmPoolMin(agents)
                .warmPoolMax(agents).spawnRate(Math.max(10, agents)).queueCapacity(QUEUE)
                .balancer(balancer).build();
        Agent agent = ctx -> {
            body.run();
            return Payload.EMPTY;
        };
        AgentPool pool = AgentPool.builder().config(config).register("bench", init -> agent).build();
        // Affinity needs keys to be exercised: 64 keys, picked at random, prebuilt.
        Task[] tasks = new Task[Balancers.AFFINITY.equals(balancer) ? 64 : 1];
        for (int i = 0; i < tasks.length; i++) {
            Task.Builder tb = Task.builder("bench").balancer(balancer);
            tasks[i] = tasks.length == 1 ? tb.build() : tb.affinity("key-" + i).build();
        }
        Warmup.awaitReady(pool, agents, Duration.ofSeconds(180));
        return new Target() {
            public void submit() {
                pool.submit(tasks.length == 1 ? tasks[0] : tasks[ThreadLocalRandom.current().nextInt(tasks.length)]);
            }

            public void close() {
                pool.shutdown(Duration.ofSeconds(10)).join();
            }
        };
    }

    private static Target pekko(boolean roundRobin, Runnable body) {
        ActorSystem system = ActorSystem.create("bench");
        Props worker = Props.create(Worker.class, Worker::new);
        ActorRef router = system.actorOf(roundRobin ? new RoundRobinPool(WIDTH).props(worker)
                : new SmallestMailboxPool(WIDTH).props(worker));
        return new Target() {
            public void submit() {
                router.tell(body, ActorRef.noSender());
            }

            public void close() {
                system.terminate();
                try {
                    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException("pekko actor system did not stop within 30 s", e);
                }
            }
        };
    }

    /** A classic routee: runs each Runnable it receives. */
    final class Worker extends AbstractActor {
        @Override
        public Receive createReceive() {
            return receiveBuilder().match(Runnable.class, Runnable::run).build();
        }
    }
}
