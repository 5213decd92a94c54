package dev.weft.dataplane.wireguard;

import java.time.Duration;
import java.time.Instant;

/**
 * Time and a repeating task for a {@link WireGuardDevice}'s timers. Production code uses
 * {@link #system()}; tests drive a manual clock so timer behaviour is deterministic.
 */
public interface WireGuardClock {

    /** Monotonic nanoseconds (as {@link System#nanoTime()}). */
    long nanoTime();

    /** Wall-clock time, for TAI64N timestamps and the last-handshake time. */
    Instant now();

    /** Runs {@code task} every {@code period} until cancelled. */
    Cancellable repeat(Duration period, Runnable task);

    /** A handle to stop a repeating task. */
    interface Cancellable {
        /** Stops the task; idempotent. */
        void cancel();
    }

    /** The system clock, with one daemon thread per repeating task. */
    static WireGuardClock system() {
        return new SystemWireGuardClock();
    }
}
