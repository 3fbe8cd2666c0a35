package io.trinity.pool.journal.jdbc;

import io.trinity.pool.AgentPool;
import io.trinity.pool.Payload;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.Task;
import io.trinity.pool.TaskFailedException;
import io.trinity.pool.TaskHandle;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The child process of {@link PoolCrashTest}: a pool on a SQLite journal whose agents take
 * 0-40 ms per task. It submits tasks {@code 0..n-1}, each with the idempotency key {@code k-i}
 * (a client retrying everything after a crash), and prints {@code ACK i id} for each submit that
 * returned and {@code END id STATE} for each future that completed. With {@code finish} it also
 * waits for every task, prints {@code DONE} and shuts down cleanly; otherwise the parent kills it.
 */
public final class CrashedPool {

    public static void main(String[] args) throws Exception {
        String db = args[0];
        int n = Integer.parseInt(args[1]);
        boolean finish = args[2].equals("finish");
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        AgentPool pool = AgentPool.builder()
                .config(PoolConfig.custom().maxAgents(4).maxAttempts(10).queueCapacity(10_000).build())
                .journal(JdbcJournal.builder(db).open())
                .register("work", init -> ctx -> {
                    Thread.sleep(ThreadLocalRandom.current().nextInt(40));
                    return Payload.of(Map.of("n", ctx.data().get("n")));
                })
                .build();
        List<CompletableFuture<?>> ends = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            TaskHandle h = pool.submit(Task.builder("work").input(Map.of("n", i)).idempotencyKey("k-" + i).build());
            out.println("ACK " + i + " " + h.id());
            ends.add(h.result().handle((v, e) -> {
                String state = e == null ? "SUCCEEDED"
                        : e instanceof TaskFailedException f ? f.state().name() : "ERROR:" + e;
                if (e == null && ((Number) v.data().get("n")).intValue() < 0) {
                    state = "WRONG_RESULT";
                }
                out.println("END " + h.id() + " " + state);
                return null;
            }));
        }
        if (finish) {
            CompletableFuture.allOf(ends.toArray(CompletableFuture[]::new)).get();
            out.println("DONE");
            pool.shutdown(Duration.ofSeconds(10)).get();
        } else {
            Thread.sleep(60_000); // the parent kills it long before
        }
    }
}
