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
}
