package dev.weft.dataplane.wireguard;

/**
 * What happens to sessions, for those who choose paths (the lighthouse module): completed
 * handshakes and endpoint changes (a peer roamed to another address, or was moved). Called on the
 * packet path's thread: implementations must be quick and must not block.
 */
public interface PeerEvents {
    /** A handshake with {@code publicKey} completed: a session is up. */
    default void handshakeCompleted(byte[] publicKey) {
    }

    /** {@code publicKey}'s endpoint changed from {@code before} (null: none) to {@code after}. */
    default void endpointChanged(byte[] publicKey, Endpoint before, Endpoint after) {
    }
}
