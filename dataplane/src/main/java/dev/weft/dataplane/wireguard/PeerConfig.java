package dev.weft.dataplane.wireguard;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * The configuration of one WireGuard peer.
 *
 * @param publicKey                  the peer's static X25519 public key (32 bytes)
 * @param presharedKey               an optional 32-byte preshared key mixed into the handshake, or null
 * @param endpoint                   where to send to until the peer roams, or null (then only the peer can start)
 * @param allowedIps                 the prefixes this peer may send from and that are routed to it
 * @param persistentKeepaliveSeconds seconds between keepalives when otherwise idle, 0 = off
 */
public record PeerConfig(byte[] publicKey, byte[] presharedKey, InetSocketAddress endpoint,
                         List<IpPrefix> allowedIps, int persistentKeepaliveSeconds) {

    /** Validates sizes and copies the key arrays and the prefix list. */
    public PeerConfig {
        if (publicKey == null || publicKey.length != 32) {
            throw new IllegalArgumentException("peer public key must be 32 bytes");
        }
        if (presharedKey != null && presharedKey.length != 32) {
            throw new IllegalArgumentException("preshared key must be 32 bytes");
        }
        if (persistentKeepaliveSeconds < 0 || persistentKeepaliveSeconds > 65535) {
            throw new IllegalArgumentException("persistent keepalive must be 0..65535 seconds");
        }
        publicKey = publicKey.clone();
        presharedKey = presharedKey == null ? null : presharedKey.clone();
        allowedIps = allowedIps == null ? List.of() : List.copyOf(allowedIps);
    }

    @Override
    public byte[] publicKey() {
        return publicKey.clone();
    }

    @Override
    public byte[] presharedKey() {
        return presharedKey == null ? null : presharedKey.clone();
    }

    @Override
    public String toString() {
        return "PeerConfig[publicKey=" + Keys.toBase64(publicKey) + ", presharedKey="
                + (presharedKey == null ? "none" : "(set)") + ", endpoint=" + endpoint
                + ", allowedIps=" + allowedIps + ", persistentKeepaliveSeconds=" + persistentKeepaliveSeconds + "]";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PeerConfig that
                && java.util.Arrays.equals(publicKey, that.publicKey)
                && java.util.Arrays.equals(presharedKey, that.presharedKey)
                && java.util.Objects.equals(endpoint, that.endpoint)
                && allowedIps.equals(that.allowedIps)
                && persistentKeepaliveSeconds == that.persistentKeepaliveSeconds;
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(publicKey);
    }
}
