package io.trinity.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The pool's own agent threads are reused: a thread that reports an attempt's end may run the
 * next attempt the loop dispatched (the hand-off). Real threads here, because that path exists
 * only with the pool's own loop and agent threads; the assertions hold on every interleaving.
 */
class AgentThreadHandoffTest {

    @Test
    void anInterruptLeftByOneAttemptNeverReachesTheNext() throws Exception {
        PoolConfig config = PoolConfig.custom().maxAgents(1).queueCapacity(500).build();
        try (AgentPool pool = AgentPool.builder().config(config).register("self-interrupting", init -> ctx -> {
            boolean startedInterrupted = Thread.currentThread().isInterrupted();
            Thread.currentThread().interrupt(); // agent code that leaves its thread interrupted
            return Payload.of(Map.of("startedInterrupted", startedInterrupted));
        }).build()) {
            // one agent and a queue of tasks: each end is reported while the next task waits, the
            // case where the reporting thread takes the next attempt itself
            List<TaskHandle> handles = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                handles.add(pool.submit(Task.of("self-interrupting", Map.of())));
            }
            int interrupted = 0;
            for (TaskHandle h : handles) {
                Payload p = h.result().get(20, TimeUnit.SECONDS);
                if (Boolean.TRUE.equals(p.data().get("startedInterrupted"))) {
                    interrupted++;
                }
            }
            assertThat(interrupted).as("attempts that started with an interrupt left by an earlier one").isZero();
            assertThat(handles).allSatisfy(h -> assertThat(h.state()).isEqualTo(TaskState.SUCCEEDED));
        }
    }
}
