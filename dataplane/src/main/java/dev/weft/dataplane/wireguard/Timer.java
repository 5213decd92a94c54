package dev.weft.dataplane.wireguard;

/**
 * One of a peer's protocol timers, with wireguard-go's mod/del/pending semantics but
 * lazy: moving the deadline later (what the packet path does) only stores it, and the
 * scheduled task re-arms itself when it wakes early. So the hot path never touches the
 * scheduler's queue.
 */
final class Timer {

    private final Scheduler scheduler;
    private final Runnable action;
    private boolean pending;
    private long deadline;
    private Scheduler.Cancellable task;
    private long taskDeadline;
    private boolean stopped;

    Timer(Scheduler scheduler, Runnable action) {
        this.scheduler = scheduler;
        this.action = action;
    }

    /** Fires {@code delayNanos} from now (replacing any pending deadline). */
    synchronized void mod(long delayNanos) {
        if (stopped) {
            return;
        }
        long now = scheduler.nanoTime();
        deadline = now + delayNanos;
        pending = true;
        if (task == null || taskDeadline - deadline > 0) {
            if (task != null) {
                task.cancel();
            }
            arm(now);
        }
    }

    /** Cancels the pending deadline, if any. */
    synchronized void del() {
        pending = false;
    }

    synchronized boolean isPending() {
        return pending;
    }

    /** Stops the timer for good. */
    synchronized void stop() {
        stopped = true;
        pending = false;
        if (task != null) {
            task.cancel();
            task = null;
        }
    }

    private void arm(long now) {
        taskDeadline = deadline;
        task = scheduler.schedule(this::wake, deadline - now);
    }

    private void wake() {
        synchronized (this) {
            task = null;
            if (!pending || stopped) {
                return;
            }
            long now = scheduler.nanoTime();
            if (deadline - now > 0) {
                arm(now);
                return;
            }
            pending = false;
        }
        action.run();
    }
}
