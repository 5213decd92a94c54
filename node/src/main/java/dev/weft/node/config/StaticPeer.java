package dev.weft.node.config;

import dev.weft.dataplane.wireguard.PeerConfig;
import dev.weft.ip.IpPrefix;
import java.net.InetSocketAddress;
import java.util.Base64;
import java.util.List;

/**
 * A static WireGuard peer from {@code wireguard.peers}.
 *
 * @param publicKey 32 bytes
 * @param endpoint where to reach it (null: wait for it to reach us)
 * @param allowedIps its inner addresses (cryptokey routing; kernel routes through the TUN)
 * @param persistentKeepalive seconds, 0 for off
 * @param presharedKey 32 bytes or null
 */
public record StaticPeer(byte[] publicKey, InetSocketAddress endpoint, List<IpPrefix> allowedIps,
                         int persistentKeepalive, byte[] presharedKey) {

    /** Copies keys and list. */
    public StaticPeer {
        publicKey = publicKey.clone();
        presharedKey = presharedKey == null ? null : presharedKey.clone();
        allowedIps = List.copyOf(allowedIps);
    }

    @Override
    public byte[] publicKey() {
        return publicKey.clone();
    }

    @Override
    public byte[] presharedKey() {
        return presharedKey == null ? null : presharedKey.clone();
    }

    /** The WireGuard device's view of this peer. */
    public PeerConfig toPeerConfig() {
        return new PeerConfig(publicKey, presharedKey, endpoint, allowedIps, persistentKeepalive);
    }

    @Override
    public String toString() { // never the preshared key
        return "StaticPeer[" + Base64.getEncoder().encodeToString(publicKey) + ", endpoint=" + endpoint
                + ", allowed_ips=" + allowedIps + ", persistent_keepalive=" + persistentKeepalive
                + (presharedKey != null ? ", preshared_key=(set)" : "") + "]";
    }
}
