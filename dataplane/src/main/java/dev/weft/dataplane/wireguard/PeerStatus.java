package dev.weft.dataplane.wireguard;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;

/**
 * A snapshot of one peer's state and counters.
 *
 * @param publicKey                  the peer's static public key (32 bytes)
 * @param endpoint                   the current endpoint (it follows roaming), or null
 * @param allowedIps                 the peer's allowed IPs
 * @param persistentKeepaliveSeconds the configured persistent keepalive, 0 = off
 * @param lastHandshake              when the last handshake completed, or null
 * @param rxBytes                    bytes of authenticated WireGuard messages received from the peer
 * @param txBytes                    bytes of WireGuard messages sent to the peer
 * @param rejectedReplay             transport messages dropped as replays
 * @param rejectedBadMac             messages that failed authentication (AEAD tag, handshake decryption)
 * @param rejectedOther              messages dropped for other reasons: source address not allowed,
 *                                   stale or flooding initiations, expired keys, malformed payloads
 */
public record PeerStatus(byte[] publicKey, InetSocketAddress endpoint, List<IpPrefix> allowedIps,
                         int persistentKeepaliveSeconds, Instant lastHandshake, long rxBytes, long txBytes,
                         long rejectedReplay, long rejectedBadMac, long rejectedOther) {

    /** Copies the key and the prefix list. */
    public PeerStatus {
        publicKey = publicKey.clone();
        allowedIps = List.copyOf(allowedIps);
    }

    @Override
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** The public key in base64, as {@code wg} prints it. */
    public String publicKeyBase64() {
        return Keys.toBase64(publicKey);
    }

    @Override
    public String toString() {
        return "PeerStatus[publicKey=" + publicKeyBase64() + ", endpoint=" + endpoint + ", lastHandshake="
                + lastHandshake + ", rx=" + rxBytes + ", tx=" + txBytes + ", replay=" + rejectedReplay
                + ", badMac=" + rejectedBadMac + ", other=" + rejectedOther + "]";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PeerStatus that && java.util.Arrays.equals(publicKey, that.publicKey)
                && java.util.Objects.equals(endpoint, that.endpoint) && allowedIps.equals(that.allowedIps)
                && persistentKeepaliveSeconds == that.persistentKeepaliveSeconds
                && java.util.Objects.equals(lastHandshake, that.lastHandshake) && rxBytes == that.rxBytes
                && txBytes == that.txBytes && rejectedReplay == that.rejectedReplay
                && rejectedBadMac == that.rejectedBadMac && rejectedOther == that.rejectedOther;
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(publicKey);
    }
}
