package dev.weft.dataplane.wireguard;

/**
 * Decides about a handshake initiation from a static key that is not a peer: where a mesh admits
 * a member that started a session to this node. Called on the receiving thread after the
 * initiation's static key decrypted (so the initiator knows this device's public key), before
 * its timestamp is checked: the handshake still has to succeed with the admitted peer's key.
 */
@FunctionalInterface
public interface UnknownPeerHandler {
    /** The peer to add for {@code publicKey}, or null to refuse the initiation. */
    PeerConfig onUnknownPeer(byte[] publicKey);
}
