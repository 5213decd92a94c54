package dev.weft.dataplane.wireguard;

import dev.weft.ip.IpPrefix;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;

/**
 * A snapshot of one peer's state and counters.
 *
 * @param publicKey the peer's public key (32 bytes)
 * @param endpoint the address datagrams to the peer go to (the relay's for a relayed endpoint; null when unknown)
 * @param allowedIps the peer's allowed IPs
 * @param persistentKeepaliveSeconds 0 when off
 * @param lastHandshake when the last handshake completed (null for never)
 * @param rxBytes bytes of authenticated datagrams received from the peer
 * @param txBytes bytes of datagrams sent to the peer
 * @param rejectedReplay transport messages refused by the replay window
 * @param rejectedBadMac transport messages that failed authentication
 * @param rejectedOther packets refused otherwise (inner source not allowed, expired key, bad inner packet)
 * @param endpointValue the current endpoint as a value: direct or relayed (null when unknown)
 */
public record PeerStatus(byte[] publicKey, InetSocketAddress endpoint, List<IpPrefix> allowedIps,
                         int persistentKeepaliveSeconds, Instant lastHandshake, long rxBytes, long txBytes,
                         long rejectedReplay, long rejectedBadMac, long rejectedOther, Endpoint endpointValue) {

    /** Without the endpoint value (derived from {@code endpoint} as a direct one). */
    public PeerStatus(byte[] publicKey, InetSocketAddress endpoint, List<IpPrefix> allowedIps,
                      int persistentKeepaliveSeconds, Instant lastHandshake, long rxBytes, long txBytes,
                      long rejectedReplay, long rejectedBadMac, long rejectedOther) {
        this(publicKey, endpoint, allowedIps, persistentKeepaliveSeconds, lastHandshake, rxBytes, txBytes,
                rejectedReplay, rejectedBadMac, rejectedOther, Endpoint.direct(endpoint));
    }

    /** Copies the key and list. */
    public PeerStatus {
        publicKey = publicKey.clone();
        allowedIps = List.copyOf(allowedIps);
        if (endpointValue != null && !endpointValue.address().equals(endpoint)) {
            throw new IllegalArgumentException("endpoint " + endpoint + " is not the address of " + endpointValue);
        }
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
