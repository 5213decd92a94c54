package dev.weft.dataplane.wireguard;

import java.time.Duration;
import java.time.Instant;
import java.util.PriorityQueue;

/** A deterministic scheduler for tests: time moves only when the test advances it. */
final class ManualScheduler implements Scheduler {

    private static final class Task implements Comparable<Task>, Cancellable {
        final long due;
        final long seq;
        final Runnable runnable;
        boolean cancelled;

        Task(long due, long seq, Runnable runnable) {
            this.due = due;
            this.seq = seq;
            this.runnable = runnable;
        }

        @Override
        public int compareTo(Task other) {
            int c = Long.compare(due, other.due);
            return c != 0 ? c : Long.compare(seq, other.seq);
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }

    private final PriorityQueue<Task> queue = new PriorityQueue<>();
    private final Instant epoch = Instant.parse("2026-01-01T00:00:00Z");
    private long now = 1_000_000_000L;
    private long seq;

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    @Override
    public synchronized Instant now() {
        return epoch.plusNanos(now);
    }

    @Override
    public synchronized Cancellable schedule(Runnable task, long delayNanos) {
        Task t = new Task(now + Math.max(0, delayNanos), seq++, task);
        queue.add(t);
        return t;
    }

    /** Moves time forward, running every task that falls due, in order. */
    void advance(Duration duration) {
        long target;
        synchronized (this) {
            target = now + duration.toNanos();
        }
        while (true) {
            Task next;
            synchronized (this) {
                next = queue.peek();
                if (next == null || next.due > target) {
                    now = target;
                    return;
                }
                queue.poll();
                now = Math.max(now, next.due);
            }
            if (!next.cancelled) {
                next.runnable.run();
            }
        }
    }
}
