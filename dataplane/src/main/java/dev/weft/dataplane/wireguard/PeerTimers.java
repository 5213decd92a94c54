package dev.weft.dataplane.wireguard;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A peer's five timers and the packet events that move them (whitepaper 6, in the shape
 * of wireguard-go's timers.go): handshake retransmission with jitter, passive keepalive,
 * new handshake when sent data gets no answer, zeroing of old key material, and the
 * persistent keepalive.
 */
final class PeerTimers {

    /** What the timers do when they fire; implemented by the device. */
    interface Actions {
        void sendInitiation(Peer peer, boolean isRetry);

        void sendKeepalive(Peer peer);

        void zeroKeyMaterial(Peer peer);

        void giveUpHandshake(Peer peer);
    }

    private final Peer peer;
    private final Timings timings;
    private final Scheduler scheduler;
    private final Actions actions;
    private final Timer retransmitHandshake;
    private final Timer sendKeepalive;
    private final Timer newHandshake;
    private final Timer zeroKeyMaterial;
    private final Timer persistentKeepalive;
    private final AtomicInteger handshakeAttempts = new AtomicInteger();
    private volatile boolean needAnotherKeepalive;
    private volatile boolean sentLastMinuteHandshake;

    PeerTimers(Peer peer, Timings timings, Scheduler scheduler, Actions actions) {
        this.peer = peer;
        this.timings = timings;
        this.scheduler = scheduler;
        this.actions = actions;
        this.retransmitHandshake = new Timer(scheduler, this::expiredRetransmitHandshake);
        this.sendKeepalive = new Timer(scheduler, this::expiredSendKeepalive);
        this.newHandshake = new Timer(scheduler, this::expiredNewHandshake);
        this.zeroKeyMaterial = new Timer(scheduler, this::expiredZeroKeyMaterial);
        this.persistentKeepalive = new Timer(scheduler, this::expiredPersistentKeepalive);
    }

    private long jitter() {
        return timings.rekeyJitterNanos() == 0 ? 0 : ThreadLocalRandom.current().nextLong(timings.rekeyJitterNanos());
    }

    /** An initiation was sent: retransmit if it stays unanswered. */
    void handshakeInitiated() {
        retransmitHandshake.mod(timings.rekeyTimeout() + jitter());
    }

    /** A handshake completed (response consumed, or first message on a responder's session). */
    void handshakeComplete() {
        retransmitHandshake.del();
        handshakeAttempts.set(0);
        sentLastMinuteHandshake = false;
        peer.lastHandshake = scheduler.now();
    }

    /** New session keys exist: zero everything if no new handshake happens for 3 × REJECT_AFTER_TIME. */
    void sessionDerived() {
        zeroKeyMaterial.mod(timings.rejectAfterTime() * 3);
    }

    /** A data (non-keepalive) message was sent: expect an answer or start a new handshake. */
    void dataSent() {
        if (!newHandshake.isPending()) {
            newHandshake.mod(timings.keepaliveTimeout() + timings.rekeyTimeout() + jitter());
        }
    }

    /** A data message was received: answer with a keepalive unless we send something first. */
    void dataReceived() {
        if (!sendKeepalive.isPending()) {
            sendKeepalive.mod(timings.keepaliveTimeout());
        } else {
            needAnotherKeepalive = true;
        }
    }

    void anyAuthenticatedPacketSent() {
        sendKeepalive.del();
    }

    void anyAuthenticatedPacketReceived() {
        newHandshake.del();
    }

    void anyAuthenticatedPacketTraversal() {
        int seconds = peer.persistentKeepaliveSeconds;
        if (seconds > 0) {
            persistentKeepalive.mod(seconds * 1_000_000_000L);
        }
    }

    /** Receiving on an old initiator session: start the "last minute" handshake once. */
    boolean claimLastMinuteHandshake() {
        if (sentLastMinuteHandshake) {
            return false;
        }
        sentLastMinuteHandshake = true;
        return true;
    }

    void resetAttempts() {
        handshakeAttempts.set(0);
    }

    void stopAll() {
        retransmitHandshake.stop();
        sendKeepalive.stop();
        newHandshake.stop();
        zeroKeyMaterial.stop();
        persistentKeepalive.stop();
    }

    /** Stops handshake-related timers (when keys are zeroed) without stopping the timers for good. */
    void clearHandshakeTimers() {
        retransmitHandshake.del();
        newHandshake.del();
        sendKeepalive.del();
        handshakeAttempts.set(0);
    }

    private void expiredRetransmitHandshake() {
        if (handshakeAttempts.get() > timings.maxHandshakeAttempts()) {
            sendKeepalive.del();
            actions.giveUpHandshake(peer);
            if (!zeroKeyMaterial.isPending()) {
                zeroKeyMaterial.mod(timings.rejectAfterTime() * 3);
            }
            return;
        }
        handshakeAttempts.incrementAndGet();
        actions.sendInitiation(peer, true);
    }

    private void expiredSendKeepalive() {
        actions.sendKeepalive(peer);
        if (needAnotherKeepalive) {
            needAnotherKeepalive = false;
            sendKeepalive.mod(timings.keepaliveTimeout());
        }
    }

    private void expiredNewHandshake() {
        actions.sendInitiation(peer, false);
    }

    private void expiredZeroKeyMaterial() {
        actions.zeroKeyMaterial(peer);
    }

    private void expiredPersistentKeepalive() {
        if (peer.persistentKeepaliveSeconds > 0) {
            actions.sendKeepalive(peer);
        }
    }
}
