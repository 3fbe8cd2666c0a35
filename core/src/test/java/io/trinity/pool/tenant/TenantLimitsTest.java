package io.trinity.pool.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trinity.pool.AgentPool;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.Task;
import io.trinity.pool.TaskHandle;
import io.trinity.pool.TaskState;
import io.trinity.pool.TenantLimitException;
import io.trinity.pool.event.EventLogWriter;
import io.trinity.pool.event.PoolEvent;
import io.trinity.pool.sim.Distribution;
import io.trinity.pool.sim.SimProfile;
import io.trinity.pool.time.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TenantLimitsTest {

    final VirtualClock clock = new VirtualClock();
    final List<PoolEvent> events = new ArrayList<>();

    AgentPool pool(int agents, TenantConfig... tenants) {
        return FairShareTest.pool(clock, events, agents,
                SimProfile.of(Distribution.fixed(Duration.ofSeconds(1))).withSpawnDelay(Duration.ofMillis(100)), tenants);
    }

    @Test
    void aTenantOverItsQueuedLimitIsRefusedAtOnceWhileOthersAreAccepted() {
        AgentPool pool = pool(1, TenantConfig.of("acme").withMaxQueued(5));
        List<TaskHandle> acme = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            acme.add(pool.submit(Task.builder("work").tenant("acme").build()));
        }
        assertThatThrownBy(() -> pool.submit(Task.builder("work").tenant("acme").build()))
                .isInstanceOfSatisfying(TenantLimitException.class, e -> {
                    assertThat(e.tenant()).isEqualTo("acme");
                    assertThat(e.limit()).isEqualTo(5);
                    assertThat(e.getMessage()).contains("tenant 'acme'", "5 tasks queued", "maxQueued");
                });
        for (int i = 0; i < 20; i++) {
            pool.submit(Task.builder("work").tenant("other").build());
        }
        PoolEvent.TaskRejected reject = events.stream().filter(e -> e instanceof PoolEvent.TaskRejected)
                .map(PoolEvent.TaskRejected.class::cast).findFirst().orElseThrow();
        assertThat(reject.reason()).isEqualTo(PoolEvent.RejectReason.TENANT_LIMIT);
        assertThat(EventLogWriter.toLine(reject, 0)).contains("\"reason\":\"tenant_limit\"");
        assertThat(events).filteredOn(e -> e instanceof PoolEvent.TaskRejected).hasSize(1);

        // a permit comes back when one of acme's tasks leaves the queue to run
        clock.advance(Duration.ofSeconds(2));
        assertThat(acme.get(0).state()).isNotEqualTo(TaskState.QUEUED);
        pool.submit(Task.builder("work").tenant("acme").build());
        assertThatThrownBy(() -> pool.submit(Task.builder("work").tenant("acme").build()))
                .isInstanceOf(TenantLimitException.class);
        clock.advance(Duration.ofMinutes(2));
        assertThat(acme).allMatch(h -> h.state() == TaskState.SUCCEEDED);
    }

    @Test
    void aTenantAtItsRunningLimitWaitsWithoutHoldingOthersBack() {
        AgentPool pool = pool(6, TenantConfig.of("capped").withMaxRunning(2));
        clock.advance(Duration.ofSeconds(2));
        List<TaskHandle> all = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            all.add(pool.submit(Task.builder("work").tenant("capped").build()));
        }
        for (int i = 0; i < 40; i++) {
            all.add(pool.submit(Task.builder("work").tenant("free").build()));
        }
        clock.advance(Duration.ofMinutes(1));
        assertThat(all).allMatch(h -> h.state() == TaskState.SUCCEEDED);
        int[] peak = peakRunning("capped");
        int[] peakFree = peakRunning("free");
        System.out.printf("tenant limits: capped tenant (maxRunning 2) peak running %d; free tenant peak %d on 6 agents%n",
                peak[0], peakFree[0]);
        assertThat(peak[0]).isEqualTo(2);
        assertThat(peakFree[0]).as("the free tenant uses the agents the capped one may not").isEqualTo(4);
    }

    int[] peakRunning(String tenant) {
        Map<Long, String> tenantOf = new HashMap<>();
        int running = 0;
        int peak = 0;
        for (PoolEvent e : events) {
            if (e instanceof PoolEvent.TaskSubmitted s) {
                tenantOf.put(s.task(), s.tenant());
            } else if (e instanceof PoolEvent.TaskDispatched d && tenant.equals(tenantOf.get(d.task()))) {
                peak = Math.max(peak, ++running);
            } else if (e instanceof PoolEvent.TaskEnded end && end.agent() != null && tenant.equals(tenantOf.get(end.task()))) {
                running--;
            }
        }
        return new int[] {peak};
    }

    @Test
    void configIsValidatedWithClearMessages() {
        assertThatThrownBy(() -> TenantConfig.of("a").withWeight(0)).hasMessageContaining("weight of tenant 'a'")
                .hasMessageContaining("got 0.0");
        assertThatThrownBy(() -> TenantConfig.of("a").withMaxQueued(0)).hasMessageContaining("maxQueued of tenant 'a'");
        assertThatThrownBy(() -> TenantConfig.of(" ")).hasMessageContaining("tenant name");
        PoolConfig c = PoolConfig.custom().tenant(TenantConfig.of("a").withWeight(2)).build();
        assertThat(c.tenant("a").weight()).isEqualTo(2);
        assertThat(c.tenant("b")).isEqualTo(TenantConfig.of("b"));
        assertThat(PoolConfig.from(c).build().tenants()).isEqualTo(c.tenants());
    }
}
