package io.trinity.pool.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.AgentPool;
import io.trinity.pool.Payload;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.Task;
import io.trinity.pool.TaskHandle;
import io.trinity.pool.TaskState;
import io.trinity.pool.AgentType;
import io.trinity.pool.agent.AsyncAgent;
import io.trinity.pool.journal.MemoryJournal;
import io.trinity.pool.time.VirtualClock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** A task interrupted by a restart on its last attempt ends FAILED in Recovery.run: its restored permit must go back. */
class RecoveredFailedPermitTest {

    final MemoryJournal journal = new MemoryJournal();

    private AgentPool start(VirtualClock clock) {
        return AgentPool.builder().deterministic(clock).journal(journal)
                .config(PoolConfig.custom().maxAgents(1).warmPool(0).warmPoolMin(0).warmPoolMax(1).build())
                .register(AgentType.of("code", init -> new AsyncAgent() {
                    @Override
                    public CompletableFuture<Payload> executeAsync(io.trinity.pool.agent.TaskContext ctx) {
                        CompletableFuture<Payload> f = new CompletableFuture<>();
                        clock.schedule(Duration.ofSeconds(10), () -> f.complete(Payload.EMPTY));
                        return f;
                    }
                })).build();
    }

    @Test
    void permitOfATaskFailedAtRecoveryIsGivenBack() {
        VirtualClock c1 = new VirtualClock();
        AgentPool first = start(c1);
        TaskHandle once = first.submit(Task.builder("code").input(Map.of()).maxAttempts(1).build());
        c1.advance(Duration.ofSeconds(5));
        assertThat(once.state()).isEqualTo(TaskState.RUNNING);
        // crash: abandoned

        Engine second = (Engine) start(new VirtualClock());
        assertThat(second.task(once.id()).orElseThrow().state()).isEqualTo(TaskState.FAILED);
        assertThat(second.admission.depth()).as("queue permits held with nothing queued").isZero();
        assertThat(second.admission.tenantsTracked()).as("tenants holding permits").isZero();
    }
}
