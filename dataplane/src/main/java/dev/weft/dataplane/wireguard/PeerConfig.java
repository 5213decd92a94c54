package dev.weft.dataplane.wireguard;

import dev.weft.ip.IpPrefix;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * The configuration of one WireGuard peer.
 *
 * @param publicKey the peer's X25519 public key (32 bytes)
 * @param presharedKey an optional 32-byte preshared key (null for none)
 * @param endpoint where to send to until the peer roams (null when unknown)
 * @param allowedIps cryptokey routing: inner addresses this peer may use and receives
 * @param persistentKeepaliveSeconds seconds between keepalives, 0 for off
 */
public record PeerConfig(byte[] publicKey, byte[] presharedKey, InetSocketAddress endpoint,
                         List<IpPrefix> allowedIps, int persistentKeepaliveSeconds) {

    /** Validates sizes and copies the keys and list. */
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
    public boolean equals(Object o) {
        return o instanceof PeerConfig p && java.util.Arrays.equals(publicKey, p.publicKey)
                && java.util.Arrays.equals(presharedKey, p.presharedKey)
                && java.util.Objects.equals(endpoint, p.endpoint) && allowedIps.equals(p.allowedIps)
                && persistentKeepaliveSeconds == p.persistentKeepaliveSeconds;
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(publicKey);
    }

    /** Never prints the preshared key. */
    @Override
    public String toString() {
        return "PeerConfig[publicKey=" + java.util.Base64.getEncoder().encodeToString(publicKey)
                + ", presharedKey=" + (presharedKey == null ? "none" : "set") + ", endpoint=" + endpoint
                + ", allowedIps=" + allowedIps + ", persistentKeepaliveSeconds=" + persistentKeepaliveSeconds + "]";
    }
}
