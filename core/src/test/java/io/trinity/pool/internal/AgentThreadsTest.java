package io.trinity.pool.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AgentThreadsTest {

    @Test
    void theCoreStartsAtTheAgentLimitAndGrowsWithTheAttemptsRunningAtOnce() {
        AgentThreads small = new AgentThreads(16);
        assertThat(small.core()).as("16 agents and the spares").isEqualTo(16 + AgentThreads.SPARE_THREADS);
        small.expect(16);
        assertThat(small.core()).as("16 attempts fit the core").isEqualTo(24);
        small.expect(17);
        assertThat(small.core()).as("doubles once the attempts outgrow it").isEqualTo(48);
        small.expect(2_000);
        assertThat(small.core()).isEqualTo(2_000 + AgentThreads.SPARE_THREADS);
        small.expect(1_000_000);
        assertThat(small.core()).as("capped").isEqualTo(AgentThreads.MAX_CORE);
        small.shutdown();

        AgentThreads large = new AgentThreads(100_000);
        assertThat(large.core()).as("a high agent limit does not park thousands of threads up front")
                .isEqualTo(AgentThreads.INITIAL_CORE_MAX);
        large.shutdown();
    }

    @Test
    void runsWorkOnVirtualThreadsAfterTheCoreGrew() throws InterruptedException {
        AgentThreads threads = new AgentThreads(1);
        threads.expect(100);
        int n = 120;
        CountDownLatch all = new CountDownLatch(n);
        CountDownLatch release = new CountDownLatch(1);
        boolean[] virtual = new boolean[n];
        for (int i = 0; i < n; i++) {
            int k = i;
            threads.execute(() -> {
                virtual[k] = Thread.currentThread().isVirtual();
                all.countDown();
                try {
                    release.await(); // all of them at once: more than the core
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        assertThat(all.await(30, TimeUnit.SECONDS)).as("every piece of work started").isTrue();
        release.countDown();
        assertThat(virtual).containsOnly(true);
        threads.shutdown();
    }

    @Test
    void theCoreTakesInTheThreadsABurstStartedBeyondIt() throws InterruptedException {
        // Beyond its core, a ThreadPoolExecutor makes every idle worker wait with a timeout (a
        // slower wake): threads a burst (agent inits) started beyond the core become core threads.
        AgentThreads threads = new AgentThreads(1);
        int core = threads.core();
        int n = core + 11;
        CountDownLatch all = new CountDownLatch(n);
        CountDownLatch release = new CountDownLatch(1);
        for (int i = 0; i < n; i++) {
            threads.execute(() -> {
                all.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        assertThat(all.await(30, TimeUnit.SECONDS)).as("every piece of work started").isTrue();
        assertThat(threads.alive()).isEqualTo(n);
        threads.expect(1);
        assertThat(threads.core()).as("one attempt running, but %d threads alive", n).isEqualTo(n);
        release.countDown();
        threads.shutdown();
    }
}
