package dev.weft.dataplane.wireguard;

import java.time.Instant;

/**
 * The device's source of time and timers. Production uses {@link SystemScheduler}; tests
 * inject a manual one to run timers deterministically.
 */
public interface Scheduler {

    /** A monotonic clock in nanoseconds (like {@link System#nanoTime()}). */
    long nanoTime();

    /** Wall-clock time, used for TAI64N handshake timestamps and reported handshake times. */
    Instant now();

    /**
     * Runs {@code task} once after {@code delayNanos}. Tasks may run on any thread, but
     * never concurrently with themselves.
     */
    Cancellable schedule(Runnable task, long delayNanos);

    /** A scheduled task that may be cancelled. */
    interface Cancellable {
        /** Cancels the task if it has not run yet. */
        void cancel();
    }
}
