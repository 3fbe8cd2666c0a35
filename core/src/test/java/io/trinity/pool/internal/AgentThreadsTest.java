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
        // Beyond the core, an idle worker waits with a timeout (a slower wake): threads a burst
        // (agent inits) started beyond the core become core threads.
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

    @Test
    void anIdleWorkerIsReusedAndAStrayInterruptWhileIdleNeitherEndsItNorReachesTheNextWork() throws Exception {
        AgentThreads threads = new AgentThreads(1);
        java.util.concurrent.ArrayBlockingQueue<Thread> ran = new java.util.concurrent.ArrayBlockingQueue<>(10);
        threads.execute(() -> ran.add(Thread.currentThread()));
        Thread first = ran.poll(30, TimeUnit.SECONDS);
        awaitIdle(threads, 1);
        first.interrupt(); // e.g. a late cancel of the attempt it ran
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while ((first.isInterrupted() || first.getState() != Thread.State.WAITING) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(first.isInterrupted()).as("the idle worker cleared the interrupt").isFalse();
        assertThat(first.getState()).as("and parked again instead of spinning").isEqualTo(Thread.State.WAITING);
        awaitIdle(threads, 1);
        boolean[] interruptedAtStart = new boolean[1];
        threads.execute(() -> {
            interruptedAtStart[0] = Thread.currentThread().isInterrupted();
            ran.add(Thread.currentThread());
        });
        assertThat(ran.poll(30, TimeUnit.SECONDS)).as("the idle worker took it").isSameAs(first);
        assertThat(interruptedAtStart[0]).isFalse();
        assertThat(threads.alive()).isEqualTo(1);
        threads.shutdown();
        first.join(java.time.Duration.ofSeconds(30));
        assertThat(first.isAlive()).as("an idle worker ends at shutdown").isFalse();
        assertThat(threads.alive()).isZero();
    }

    @Test
    void workThatThrowsLeavesTheWorkerServing() throws Exception {
        AgentThreads threads = new AgentThreads(1);
        java.util.concurrent.ArrayBlockingQueue<Thread> ran = new java.util.concurrent.ArrayBlockingQueue<>(10);
        threads.execute(() -> {
            ran.add(Thread.currentThread());
            throw new IllegalStateException("a bug in the work");
        });
        Thread first = ran.poll(30, TimeUnit.SECONDS);
        awaitIdle(threads, 1);
        threads.execute(() -> ran.add(Thread.currentThread()));
        assertThat(ran.poll(30, TimeUnit.SECONDS)).isSameAs(first);
        assertThat(threads.alive()).isEqualTo(1);
        threads.shutdown();
    }

    @Test
    void shutdownLetsRunningWorkFinishAndRefusesNewWork() throws Exception {
        AgentThreads threads = new AgentThreads(4);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean finished = new java.util.concurrent.atomic.AtomicBoolean();
        Thread[] worker = new Thread[1];
        threads.execute(() -> {
            worker[0] = Thread.currentThread();
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            finished.set(true);
        });
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
        threads.shutdown();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> threads.execute(() -> { }))
                .isInstanceOf(java.util.concurrent.RejectedExecutionException.class)
                .hasMessageContaining("shut down");
        release.countDown();
        worker[0].join(java.time.Duration.ofSeconds(30));
        assertThat(finished).isTrue();
        assertThat(worker[0].isAlive()).as("a worker ends after its last work once shut down").isFalse();
        assertThat(threads.alive()).isZero();
    }

    @Test
    void workersBeyondTheCoreEndAfterTheKeepAliveAndTheCoreStays() throws Exception {
        AgentThreads threads = new AgentThreads(1, java.time.Duration.ofMillis(1));
        int core = threads.core();
        int n = core + 5;
        CountDownLatch all = new CountDownLatch(n);
        CountDownLatch release = new CountDownLatch(1);
        java.util.Set<Thread> workers = java.util.concurrent.ConcurrentHashMap.newKeySet();
        for (int i = 0; i < n; i++) {
            threads.execute(() -> {
                workers.add(Thread.currentThread());
                all.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        assertThat(all.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(threads.alive()).isEqualTo(n);
        release.countDown();
        // n threads alive, core smaller (no expect call raised it): the ones beyond it leave
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (threads.alive() > core && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(threads.alive()).as("beyond the core they left; the core stayed").isEqualTo(core);
        while (workers.stream().filter(Thread::isAlive).count() > core && System.nanoTime() < deadline) {
            Thread.onSpinWait(); // a worker that left ends its thread just after
        }
        assertThat(workers.stream().filter(Thread::isAlive).count()).isEqualTo(core);
        // the ones left take work as before
        CountDownLatch again = new CountDownLatch(core);
        for (int i = 0; i < core; i++) {
            threads.execute(again::countDown);
        }
        assertThat(again.await(30, TimeUnit.SECONDS)).isTrue();
        threads.shutdown();
    }

    /** Waits until {@code n} workers wait for work (a worker goes idle just after its work returns). */
    private static void awaitIdle(AgentThreads threads, int n) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (threads.idleWorkers() != n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + n + " idle worker(s) within 30 s: " + threads.idleWorkers());
            }
            Thread.onSpinWait();
        }
    }
}
