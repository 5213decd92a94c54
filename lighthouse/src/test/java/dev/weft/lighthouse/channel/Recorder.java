package dev.weft.lighthouse.channel;

import dev.weft.certs.NodeIdentity;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A listener that keeps everything it is told. */
final class Recorder implements ChannelListener {
    record Message(NodeIdentity peer, InetSocketAddress from, int kind, byte[] payload) {
    }

    final List<NodeIdentity> verified = new CopyOnWriteArrayList<>();
    final List<Message> messages = new CopyOnWriteArrayList<>();
    final List<Pong> pongs = new CopyOnWriteArrayList<>();
    /** Certificates this node vouches for (as gossip would), by X25519 key in Base64. */
    final java.util.Map<String, byte[]> vouched = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public byte[] knownCertificate(byte[] x25519PublicKey) {
        return vouched.get(java.util.Base64.getEncoder().encodeToString(x25519PublicKey));
    }

    @Override
    public void onPeerVerified(NodeIdentity peer, InetSocketAddress address) {
        verified.add(peer);
    }

    @Override
    public void onMessage(NodeIdentity peer, InetSocketAddress from, int kind, byte[] payload) {
        messages.add(new Message(peer, from, kind, payload));
    }

    @Override
    public void onPong(NodeIdentity peer, InetSocketAddress from, InetSocketAddress reflexive, long rttNanos) {
        pongs.add(new Pong(peer, from, reflexive, rttNanos));
    }
}
