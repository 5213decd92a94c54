package dev.weft.dataplane.wireguard;

import java.time.Duration;

/**
 * Protocol constants and tuning of a {@link WireGuardDevice}. {@link #standard()} has the
 * whitepaper's values; tests shorten the timers with the {@code with...} methods.
 *
 * @param rekeyAfterMessages initiator rekeys after sending this many messages on a key
 * @param rejectAfterMessages a key is never used for this many messages or more
 * @param rekeyAfterTime initiator rekeys a key this old
 * @param rejectAfterTime a key this old is never used
 * @param rekeyAttemptTime how long handshake retries go on
 * @param rekeyTimeout the retry interval of handshake initiations
 * @param rekeyTimeoutJitterMax random extra delay added to retries
 * @param keepaliveTimeout passive keepalive delay after receiving data
 * @param cookieRefreshTime life of a cookie and of the cookie secret
 * @param handshakeInitiationRate minimum interval between initiations consumed from one peer
 * @param underLoadHandshakesPerSecond above this rate of handshake messages the device
 *        answers with cookie replies (the load signal)
 * @param mtu padding never makes a packet longer than this
 * @param maxStagedPackets packets queued per peer while a handshake is under way
 * @param tickInterval granularity of the timer wheel
 */
public record WireGuardOptions(long rekeyAfterMessages, long rejectAfterMessages, Duration rekeyAfterTime,
                               Duration rejectAfterTime, Duration rekeyAttemptTime, Duration rekeyTimeout,
                               Duration rekeyTimeoutJitterMax, Duration keepaliveTimeout,
                               Duration cookieRefreshTime, Duration handshakeInitiationRate,
                               int underLoadHandshakesPerSecond, int mtu, int maxStagedPackets,
                               Duration tickInterval) {

    /** Checks the values are usable. */
    public WireGuardOptions {
        if (rekeyTimeout.isZero() || rekeyTimeout.isNegative() || tickInterval.isZero() || tickInterval.isNegative()) {
            throw new IllegalArgumentException("timers must be positive");
        }
        if (mtu < 576 || mtu > 65535 || maxStagedPackets < 1 || underLoadHandshakesPerSecond < 1) {
            throw new IllegalArgumentException("bad mtu, staged packet limit or load threshold");
        }
    }

    /** The values of the WireGuard whitepaper (and wireguard-go). */
    public static WireGuardOptions standard() {
        return new WireGuardOptions(1L << 60, -1L - (1L << 13), Duration.ofSeconds(120), Duration.ofSeconds(180),
                Duration.ofSeconds(90), Duration.ofSeconds(5), Duration.ofMillis(334), Duration.ofSeconds(10),
                Duration.ofSeconds(120), Duration.ofMillis(20), 1000, 1420, 128, Duration.ofMillis(50));
    }

    /** Shortened timers (test-only setting): keeps every other value. */
    public WireGuardOptions withTimers(Duration rekeyAfterTime, Duration rejectAfterTime, Duration rekeyAttemptTime,
                                       Duration rekeyTimeout, Duration keepaliveTimeout) {
        return new WireGuardOptions(rekeyAfterMessages, rejectAfterMessages, rekeyAfterTime, rejectAfterTime,
                rekeyAttemptTime, rekeyTimeout, rekeyTimeoutJitterMax, keepaliveTimeout, cookieRefreshTime,
                handshakeInitiationRate, underLoadHandshakesPerSecond, mtu, maxStagedPackets, tickInterval);
    }

    /** A different message limit for rekeying (test-only setting). */
    public WireGuardOptions withRekeyAfterMessages(long messages) {
        return withMessageLimits(messages, rejectAfterMessages);
    }

    /** Different message limits for rekeying and for refusing a key (test-only setting). */
    public WireGuardOptions withMessageLimits(long rekeyAfter, long rejectAfter) {
        return new WireGuardOptions(rekeyAfter, rejectAfter, rekeyAfterTime, rejectAfterTime,
                rekeyAttemptTime, rekeyTimeout, rekeyTimeoutJitterMax, keepaliveTimeout, cookieRefreshTime,
                handshakeInitiationRate, underLoadHandshakesPerSecond, mtu, maxStagedPackets, tickInterval);
    }

    /** A different load threshold for cookie replies. */
    public WireGuardOptions withUnderLoadHandshakesPerSecond(int perSecond) {
        return new WireGuardOptions(rekeyAfterMessages, rejectAfterMessages, rekeyAfterTime, rejectAfterTime,
                rekeyAttemptTime, rekeyTimeout, rekeyTimeoutJitterMax, keepaliveTimeout, cookieRefreshTime,
                handshakeInitiationRate, perSecond, mtu, maxStagedPackets, tickInterval);
    }

    /** A different MTU. */
    public WireGuardOptions withMtu(int newMtu) {
        return new WireGuardOptions(rekeyAfterMessages, rejectAfterMessages, rekeyAfterTime, rejectAfterTime,
                rekeyAttemptTime, rekeyTimeout, rekeyTimeoutJitterMax, keepaliveTimeout, cookieRefreshTime,
                handshakeInitiationRate, underLoadHandshakesPerSecond, newMtu, maxStagedPackets, tickInterval);
    }

    /** Handshake retries before giving up: REKEY_ATTEMPT_TIME / REKEY_TIMEOUT. */
    int maxTimerHandshakes() {
        return (int) (rekeyAttemptTime.toNanos() / rekeyTimeout.toNanos());
    }
}
