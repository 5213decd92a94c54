package dev.weft.dataplane.wireguard;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One session's transport keys (whitepaper 5.4.5), with its send counter and receive
 * replay window. Keys are zeroed when the keypair is retired.
 */
final class Keypair implements IndexTable.Entry {

    private final Peer peer;
    final ChaChaKey sendKey;
    final ChaChaKey receiveKey;
    final int localIndex;
    final int remoteIndex;
    final boolean initiator;
    final long createdNanos;
    final AtomicLong sendCounter = new AtomicLong();
    final ReplayFilter replayFilter = new ReplayFilter();
    private volatile boolean retired;

    Keypair(Peer peer, byte[] sendKey, byte[] receiveKey, int localIndex, int remoteIndex, boolean initiator,
            long createdNanos) {
        this.peer = peer;
        this.sendKey = new ChaChaKey(sendKey);
        this.receiveKey = new ChaChaKey(receiveKey);
        this.localIndex = localIndex;
        this.remoteIndex = remoteIndex;
        this.initiator = initiator;
        this.createdNanos = createdNanos;
    }

    @Override
    public Peer peer() {
        return peer;
    }

    boolean isRetired() {
        return retired;
    }

    /** Zeroes the keys; the keypair refuses all further use. */
    void retire() {
        retired = true;
        sendKey.destroy();
        receiveKey.destroy();
    }
}
