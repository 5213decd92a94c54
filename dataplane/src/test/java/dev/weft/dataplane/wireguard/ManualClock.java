package dev.weft.dataplane.wireguard;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A clock that moves only when the test says so, running due repeating tasks in order. */
final class ManualClock implements WireGuardClock {
    private long nanos = 5_000_000_000_000L;
    private final Instant wallStart = Instant.parse("2026-11-22T12:00:00Z");
    private final long nanoStart = nanos;
    private final List<Task> tasks = new ArrayList<>();

    private static final class Task {
        final long period;
        final Runnable runnable;
        long next;
        boolean cancelled;

        Task(long period, Runnable runnable, long next) {
            this.period = period;
            this.runnable = runnable;
            this.next = next;
        }
    }

    @Override
    public synchronized long nanoTime() {
        return nanos;
    }

    @Override
    public synchronized Instant now() {
        return wallStart.plusNanos(nanos - nanoStart);
    }

    @Override
    public synchronized Cancellable repeat(Duration period, Runnable task) {
        Task t = new Task(period.toNanos(), task, nanos + period.toNanos());
        tasks.add(t);
        return () -> t.cancelled = true;
    }

    /** Moves time forward by {@code d}, running each due task and then {@code afterEach}. */
    void advance(Duration d, Runnable afterEach) {
        long end;
        synchronized (this) {
            end = nanos + d.toNanos();
        }
        while (true) {
            Task due = null;
            synchronized (this) {
                for (Task t : tasks) {
                    if (!t.cancelled && t.next <= end && (due == null || t.next < due.next)) {
                        due = t;
                    }
                }
                if (due == null) {
                    nanos = end;
                    return;
                }
                nanos = Math.max(nanos, due.next);
                due.next += due.period;
            }
            due.runnable.run();
            afterEach.run();
        }
    }
}
