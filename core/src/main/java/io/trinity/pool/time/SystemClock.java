package io.trinity.pool.time;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** Real time. One shared daemon thread fires timers; callbacks only hand work to a pool loop. */
public final class SystemClock implements PoolClock {

    static final SystemClock INSTANCE = new SystemClock();

    private final ScheduledExecutorService scheduler;

    private SystemClock() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "trinity-clock");
            t.setDaemon(true);
            return t;
        });
        // Cancelled timeouts are the common case (tasks finish in time): drop them at once.
        executor.setRemoveOnCancelPolicy(true);
        this.scheduler = Executors.unconfigurableScheduledExecutorService(executor);
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public Timer schedule(Duration delay, Runnable action) {
        ScheduledFuture<?> future = scheduler.schedule(action, Math.max(0, io.trinity.pool.Durations.saturatedNanos(delay)), TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
    }

    @Override
    public String toString() {
        return "SystemClock";
    }
}
