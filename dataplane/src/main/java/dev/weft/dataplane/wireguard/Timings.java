package dev.weft.dataplane.wireguard;

import java.time.Duration;

/**
 * The protocol's timer and counter constants (whitepaper section 6). {@link #standard()}
 * is what WireGuard uses; shorter values exist only so tests can exercise rekeying.
 *
 * @param rekeyAfterMessages   start a new handshake after this many messages on a session
 * @param rejectAfterMessages  never use a session for more messages than this
 * @param rekeyAfterTime       start a new handshake when the session is this old (nanoseconds)
 * @param rejectAfterTime      refuse a session this old (nanoseconds)
 * @param rekeyAttemptTime     give up retrying a handshake after this long (nanoseconds)
 * @param rekeyTimeout         retransmit an unanswered initiation after this (nanoseconds)
 * @param keepaliveTimeout     send a keepalive when nothing was sent this long after receiving (nanoseconds)
 * @param cookieRefreshTime    lifetime of cookies and of the cookie secret (nanoseconds)
 * @param rekeyJitterNanos     maximum random jitter added to handshake retransmissions
 */
public record Timings(long rekeyAfterMessages, long rejectAfterMessages, long rekeyAfterTime,
                      long rejectAfterTime, long rekeyAttemptTime, long rekeyTimeout, long keepaliveTimeout,
                      long cookieRefreshTime, long rekeyJitterNanos) {

    /** Checks that the values are positive and consistent. */
    public Timings {
        if (rekeyAfterMessages <= 0 || Long.compareUnsigned(rejectAfterMessages, rekeyAfterMessages) < 0) {
            throw new IllegalArgumentException("message limits must satisfy 0 < rekey <= reject");
        }
        if (rekeyAfterTime <= 0 || rejectAfterTime < rekeyAfterTime || rekeyTimeout <= 0
                || rekeyAttemptTime < rekeyTimeout || keepaliveTimeout <= 0 || cookieRefreshTime <= 0
                || rekeyJitterNanos < 0) {
            throw new IllegalArgumentException("timers must be positive with rekey <= reject and attempt >= timeout");
        }
    }

    /** The values of the WireGuard protocol. */
    public static Timings standard() {
        return new Timings(1L << 60, -1L - (1L << 13), nanos(120), nanos(180), nanos(90), nanos(5), nanos(10),
                nanos(120), Duration.ofMillis(333).toNanos());
    }

    /**
     * Test-only: every timer divided by {@code factor} (message limits unchanged), so rekeying
     * and expiry happen within seconds. Never use this for real peers.
     */
    public Timings scaledDownForTests(int factor) {
        if (factor < 1) {
            throw new IllegalArgumentException("factor must be >= 1");
        }
        return new Timings(rekeyAfterMessages, rejectAfterMessages, rekeyAfterTime / factor,
                rejectAfterTime / factor, rekeyAttemptTime / factor, rekeyTimeout / factor,
                keepaliveTimeout / factor, cookieRefreshTime / factor, rekeyJitterNanos / factor);
    }

    /** A copy with other message limits (tests use small ones to force rekeying). */
    public Timings withMessageLimits(long rekeyAfter, long rejectAfter) {
        return new Timings(rekeyAfter, rejectAfter, rekeyAfterTime, rejectAfterTime, rekeyAttemptTime,
                rekeyTimeout, keepaliveTimeout, cookieRefreshTime, rekeyJitterNanos);
    }

    /** How many initiations are sent before giving up (REKEY_ATTEMPT_TIME / REKEY_TIMEOUT). */
    int maxHandshakeAttempts() {
        return (int) Math.max(1, rekeyAttemptTime / rekeyTimeout);
    }

    private static long nanos(long seconds) {
        return Duration.ofSeconds(seconds).toNanos();
    }
}
