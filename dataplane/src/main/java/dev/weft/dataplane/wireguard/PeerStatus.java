package dev.weft.dataplane.wireguard;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;

/**
 * A snapshot of one peer's state and counters.
 *
 * @param publicKey the peer's public key (32 bytes)
 * @param endpoint the current endpoint (null when unknown)
 * @param allowedIps the peer's allowed IPs
 * @param persistentKeepaliveSeconds 0 when off
 * @param lastHandshake when the last handshake completed (null for never)
 * @param rxBytes bytes of authenticated datagrams received from the peer
 * @param txBytes bytes of datagrams sent to the peer
 * @param rejectedReplay transport messages refused by the replay window
 * @param rejectedBadMac transport messages that failed authentication
 * @param rejectedOther packets refused otherwise (inner source not allowed, expired key, bad inner packet)
 */
public record PeerStatus(byte[] publicKey, InetSocketAddress endpoint, List<IpPrefix> allowedIps,
                         int persistentKeepaliveSeconds, Instant lastHandshake, long rxBytes, long txBytes,
                         long rejectedReplay, long rejectedBadMac, long rejectedOther) {

    /** Copies the key and list. */
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
        return java.util.Base64.getEncoder().encodeToString(publicKey);
    }
}
