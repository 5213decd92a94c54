package dev.weft.dataplane.wireguard;

import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** A {@link Scheduler} on the system clocks with one daemon timer thread. */
public final class SystemScheduler implements Scheduler, AutoCloseable {

    private final ScheduledThreadPoolExecutor executor;

    /** Starts a scheduler whose thread carries {@code threadName}. */
    public SystemScheduler(String threadName) {
        executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public Instant now() {
        return Instant.now();
    }

    @Override
    public Cancellable schedule(Runnable task, long delayNanos) {
        if (executor.isShutdown()) {
            return () -> { };
        }
        ScheduledFuture<?> future = executor.schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
    }

    /** Stops the timer thread; pending tasks are dropped. */
    @Override
    public void close() {
        executor.shutdownNow();
    }
}
