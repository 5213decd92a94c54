package dev.weft.dataplane.wireguard;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** {@link WireGuardClock} on the system clocks and a scheduled executor per task. */
final class SystemWireGuardClock implements WireGuardClock {

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public Instant now() {
        return Instant.now();
    }

    @Override
    public Cancellable repeat(Duration period, Runnable task) {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "wireguard-timers");
            t.setDaemon(true);
            return t;
        });
        long nanos = period.toNanos();
        executor.scheduleAtFixedRate(task, nanos, nanos, TimeUnit.NANOSECONDS);
        return executor::shutdownNow;
    }
}
