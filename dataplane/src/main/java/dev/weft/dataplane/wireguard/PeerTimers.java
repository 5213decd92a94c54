package dev.weft.dataplane.wireguard;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The per-peer timers of the whitepaper (section 6) as in wireguard-go's timers.go:
 * handshake retransmission, passive keepalive, new handshake after unanswered data,
 * zeroing of key material, persistent keepalive.
 *
 * <p>A timer is a deadline in nanoseconds; events on the packet paths only write a volatile
 * field, and the device's tick fires due timers. This keeps the hot path allocation-free
 * and makes tests with a manual clock deterministic.
 */
final class PeerTimers {
    static final long OFF = Long.MIN_VALUE;

    private final Peer peer;
    volatile long retransmitHandshake = OFF;
    volatile long sendKeepalive = OFF;
    volatile long newHandshake = OFF;
    volatile long zeroKeyMaterial = OFF;
    volatile long persistentKeepalive = OFF;
    volatile boolean keepaliveRequested;
    volatile int handshakeAttempts;
    volatile boolean sentLastMinuteHandshake;

    PeerTimers(Peer peer) {
        this.peer = peer;
    }

    private WireGuardOptions options() {
        return peer.device.options();
    }

    private long jitter() {
        long max = options().rekeyTimeoutJitterMax().toNanos();
        return max <= 0 ? 0 : ThreadLocalRandom.current().nextLong(max);
    }

    /** Data (not a keepalive) was sent: expect an answer within KEEPALIVE + REKEY_TIMEOUT. */
    void dataSent(long now) {
        if (newHandshake == OFF) {
            newHandshake = deadline(now, options().keepaliveTimeout().toNanos() + options().rekeyTimeout().toNanos()
                    + jitter());
        }
    }

    /** Data was received: answer with a keepalive unless we send something first. */
    void dataReceived(long now) {
        if (sendKeepalive == OFF) {
            sendKeepalive = deadline(now, options().keepaliveTimeout().toNanos());
        } else {
            keepaliveRequested = true;
        }
    }

    void anyAuthenticatedPacketSent() {
        sendKeepalive = OFF;
    }

    void anyAuthenticatedPacketReceived() {
        newHandshake = OFF;
    }

    void anyAuthenticatedPacketTraversal(long now) {
        int seconds = peer.persistentKeepaliveSeconds;
        if (seconds > 0) {
            persistentKeepalive = deadline(now, seconds * 1_000_000_000L);
        }
    }

    void handshakeInitiated(long now) {
        retransmitHandshake = deadline(now, options().rekeyTimeout().toNanos() + jitter());
    }

    void handshakeComplete() {
        retransmitHandshake = OFF;
        handshakeAttempts = 0;
        sentLastMinuteHandshake = false;
        peer.lastHandshake = peer.device.clock().now();
        peer.device.events().handshakeCompleted(peer.publicKey.clone());
    }

    void sessionDerived(long now) {
        zeroKeyMaterial = deadline(now, options().rejectAfterTime().toNanos() * 3);
    }

    void stop() {
        retransmitHandshake = OFF;
        sendKeepalive = OFF;
        newHandshake = OFF;
        zeroKeyMaterial = OFF;
        persistentKeepalive = OFF;
    }

    /** Fires the timers that are due at {@code now}. */
    void tick(long now) {
        if (due(retransmitHandshake, now)) {
            retransmitHandshake = OFF;
            expiredRetransmitHandshake(now);
        }
        if (due(sendKeepalive, now)) {
            sendKeepalive = OFF;
            peer.device.sendPath().sendKeepalive(peer);
            if (keepaliveRequested) {
                keepaliveRequested = false;
                sendKeepalive = deadline(now, options().keepaliveTimeout().toNanos());
            }
        }
        if (due(newHandshake, now)) {
            newHandshake = OFF;
            // We sent data and heard nothing back: the session may be dead, start over.
            peer.device.sendPath().sendInitiation(peer, false);
        }
        if (due(zeroKeyMaterial, now)) {
            zeroKeyMaterial = OFF;
            peer.zeroAndFlushAll();
        }
        if (due(persistentKeepalive, now)) {
            persistentKeepalive = OFF;
            if (peer.persistentKeepaliveSeconds > 0) {
                peer.device.sendPath().sendKeepalive(peer);
            }
        }
    }

    private void expiredRetransmitHandshake(long now) {
        if (handshakeAttempts > options().maxTimerHandshakes()) {
            // REKEY_ATTEMPT_TIME is over: give up, drop queued packets, zero keys later.
            sendKeepalive = OFF;
            peer.clearStaged();
            if (zeroKeyMaterial == OFF) {
                zeroKeyMaterial = deadline(now, options().rejectAfterTime().toNanos() * 3);
            }
            return;
        }
        handshakeAttempts++;
        peer.device.sendPath().sendInitiation(peer, true);
    }

    private static boolean due(long deadline, long now) {
        return deadline != OFF && now - deadline >= 0;
    }

    private static long deadline(long now, long delay) {
        long d = now + delay;
        return d == OFF ? d + 1 : d;
    }
}
