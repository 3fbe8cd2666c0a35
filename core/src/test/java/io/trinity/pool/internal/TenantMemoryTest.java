package io.trinity.pool.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.AgentPool;
import io.trinity.pool.AgentType;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.Task;
import io.trinity.pool.TaskHandle;
import io.trinity.pool.TaskState;
import io.trinity.pool.sim.Distribution;
import io.trinity.pool.sim.SimProfile;
import io.trinity.pool.sim.SimulatedAgent;
import io.trinity.pool.time.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One distinct tenant per task, the workload that made dispatch slow down with every tenant
 * ever seen: the pool's per-tenant state must stay bounded by the tenants active lately.
 */
class TenantMemoryTest {

    @Test
    void aTenantPerTaskLeavesNoPerTenantStateBehind() {
        VirtualClock clock = new VirtualClock();
        SimProfile profile = SimProfile.of(Distribution.fixed(Duration.ofMillis(200))).withSpawnDelay(Duration.ofMillis(100));
        // a declared resource makes each start reserve its estimate per tenant as well
        AgentType type = AgentType.of("work", SimulatedAgent.factory(clock, profile, 1)).withMinAgents(4).withMaxAgents(4)
                .withResource("model", 10);
        Engine pool = (Engine) AgentPool.builder().config(PoolConfig.custom().maxAgents(4).warmPool(0).warmPoolMin(0).warmPoolMax(4).queueCapacity(1_000).build())
                .deterministic(clock).register(type).build();
        clock.advance(Duration.ofSeconds(1));
        int tenants = 20_000;
        List<TaskHandle> handles = new ArrayList<>();
        int peakGoverned = 0;
        int peakEntries = 0;
        for (int i = 0; i < tenants; i++) {
            handles.add(pool.submit(Task.builder("work").tenant("tenant-" + i).build()));
            if (i % 20 == 19) {
                clock.advance(Duration.ofSeconds(1)); // 20 tasks a second on 4 agents of 200 ms
                peakGoverned = Math.max(peakGoverned, pool.governor.tenantsTracked());
                peakEntries = Math.max(peakEntries, pool.governor.runningEntries());
            }
        }
        clock.advance(Duration.ofSeconds(10));
        assertThat(handles).allMatch(h -> h.state() == TaskState.SUCCEEDED);
        assertThat(pool.loopFailures()).isZero();
        assertThat(pool.state.queue.flowCount()).as("fair-queue flows kept").isLessThanOrEqualTo(256);
        assertThat(pool.governor.tenantsTracked()).as("running counts and reservations left").isZero();
        assertThat(pool.governor.runningEntries()).as("only the last idle tenant's count is kept").isEqualTo(1);
        assertThat(peakGoverned).as("at most one entry per running task").isLessThanOrEqualTo(4);
        assertThat(peakEntries).as("running tenants plus the one kept idle").isLessThanOrEqualTo(5);
        assertThat(pool.admission.tenantsTracked()).as("queue permits per tenant left").isZero();
        assertThat(pool.admission.entriesKept()).as("idle tenant entries kept").isLessThanOrEqualTo(Admission.IDLE_KEPT);
        assertThat(pool.shedder.tenantsTracked()).isZero();
    }
}
