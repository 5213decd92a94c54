package dev.weft.lighthouse.channel;

import dev.weft.certs.NodeIdentity;
import java.net.InetSocketAddress;
import java.util.Arrays;

/** A verified peer: its certificate, the pair's sealing key, where it was last heard, its replay window. */
final class Peer {
    final PeerKey key;
    final ReplayWindow replay;
    private final byte[] sealingKey;
    private volatile byte[] certificate;
    private volatile NodeIdentity identity;
    private volatile InetSocketAddress address;
    private volatile long lastSeen;
    private boolean destroyed;

    Peer(PeerKey key, byte[] sealingKey, byte[] certificate, NodeIdentity identity, InetSocketAddress address,
            long now, int replayEntries) {
        this.key = key;
        this.sealingKey = sealingKey;
        this.certificate = certificate;
        this.identity = identity;
        this.address = address;
        this.lastSeen = now;
        this.replay = new ReplayWindow(replayEntries);
    }

    /** A copy of the pair's key, or null once forgotten (never a zeroed key: that would be a known key). */
    synchronized byte[] sealingKey() {
        return destroyed ? null : sealingKey.clone();
    }

    NodeIdentity identity() {
        return identity;
    }

    byte[] certificate() {
        return certificate;
    }

    InetSocketAddress address() {
        return address;
    }

    /** A renewed certificate for the same X25519 key: same sealing key, same replay window. */
    void renew(byte[] certificate, NodeIdentity identity) {
        this.certificate = certificate;
        this.identity = identity;
    }

    void heard(InetSocketAddress from, long now) {
        this.address = from;
        this.lastSeen = now;
    }

    PeerInfo info() {
        return new PeerInfo(identity, address, lastSeen);
    }

    synchronized void destroy() {
        destroyed = true;
        Arrays.fill(sealingKey, (byte) 0);
    }
}
