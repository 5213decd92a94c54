package dev.weft.dataplane.wireguard;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One direction pair of transport keys derived by a handshake, with its send counter and
 * receive replay window.
 */
final class Keypair {
    final Peer peer;
    final ChaChaKey sendKey;
    final ChaChaKey receiveKey;
    final AtomicLong sendNonce = new AtomicLong();
    final ReplayFilter replayFilter = new ReplayFilter();
    final long createdNanos;
    final boolean initiator;
    final int localIndex;
    final int remoteIndex;

    Keypair(Peer peer, byte[] sendKey, byte[] receiveKey, long createdNanos, boolean initiator,
            int localIndex, int remoteIndex) {
        this.peer = peer;
        this.sendKey = new ChaChaKey(sendKey);
        this.receiveKey = new ChaChaKey(receiveKey);
        this.createdNanos = createdNanos;
        this.initiator = initiator;
        this.localIndex = localIndex;
        this.remoteIndex = remoteIndex;
    }

    /** Zeroes both keys; later sends and receives with this keypair fail. */
    void destroy() {
        sendKey.destroy();
        receiveKey.destroy();
    }

    boolean isDestroyed() {
        return sendKey.isDestroyed();
    }

    @Override
    public String toString() {
        return "Keypair[local=" + Integer.toUnsignedString(localIndex) + "]";
    }
}
