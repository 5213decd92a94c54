package dev.weft.lighthouse.channel;

import dev.weft.certs.NodeIdentity;
import java.net.InetSocketAddress;

/**
 * What the channel tells its owner. {@link #onPeerVerified} runs on the verification executor;
 * {@link #onMessage} and {@link #onPong} run on the thread that delivered the datagram (the
 * socket's event loop): they must return quickly and hand heavy work elsewhere.
 */
public interface ChannelListener {
    /** A hello verified: {@code peer} may now be sent to; it was last seen at {@code address}. */
    default void onPeerVerified(NodeIdentity peer, InetSocketAddress address) {
    }

    /** A sealed message of a kind other than ping/pong from a verified peer. */
    default void onMessage(NodeIdentity peer, InetSocketAddress from, int kind, byte[] payload) {
    }

    /** The answer to a {@link ControlChannel#ping}; {@code reflexive} is our address as the peer saw it. */
    default void onPong(NodeIdentity peer, InetSocketAddress from, InetSocketAddress reflexive, long rttNanos) {
    }

    /**
     * A verified peer's ping arrived from {@code from} (and was answered there): the peer reached
     * us from that address, which punching treats as a candidate for the way back.
     */
    default void onPing(NodeIdentity peer, InetSocketAddress from) {
    }

    /**
     * The certificate (DER) of a member that this node already verified by other means (gossip),
     * for a sealed message whose sender said no hello yet: behind NATs the hello may never get
     * through, while a punched sealed ping does. Null (the default) drops such messages. Called on
     * the socket's event loop: a map lookup, nothing more.
     */
    default byte[] knownCertificate(byte[] x25519PublicKey) {
        return null;
    }
}
