package dev.weft.dataplane;

import dev.weft.dataplane.udp.ControlHandler;
import dev.weft.dataplane.wireguard.WireGuardOptions;
import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link Dataplane} needs to start.
 *
 * @param privateKey the static X25519 private key (32 bytes); copied
 * @param tunName the TUN interface name
 * @param mtu the interface MTU
 * @param listenPort the UDP port (0 picks a free one)
 * @param addresses the interface's own addresses, each with the prefix length of its network
 * @param options WireGuard protocol constants ({@code WireGuardOptions.standard()} normally)
 * @param control receives weft control messages from the UDP socket
 * @param tunOffloads TUN offloads (virtio-net header, TSO and USO: 64 KiB reads cut into packets
 *     before encryption); false keeps the plain one-packet-per-read device. A kernel without
 *     them gets the plain device either way.
 */
public record DataplaneSettings(byte[] privateKey, String tunName, int mtu, int listenPort,
                                List<InterfaceAddress> addresses, WireGuardOptions options, ControlHandler control,
                                boolean tunOffloads) {

    /** Settings with TUN offloads on. */
    public DataplaneSettings(byte[] privateKey, String tunName, int mtu, int listenPort,
                             List<InterfaceAddress> addresses, WireGuardOptions options, ControlHandler control) {
        this(privateKey, tunName, mtu, listenPort, addresses, options, control, true);
    }

    /** Validates and copies. */
    public DataplaneSettings {
        if (privateKey == null || privateKey.length != 32) {
            throw new IllegalArgumentException("private key must be 32 bytes");
        }
        privateKey = privateKey.clone();
        Objects.requireNonNull(tunName, "tunName");
        if (mtu < 576 || mtu > 65535) {
            throw new IllegalArgumentException("mtu " + mtu + " out of range 576..65535");
        }
        if (listenPort < 0 || listenPort > 65535) {
            throw new IllegalArgumentException("listen port " + listenPort + " out of range 0..65535");
        }
        addresses = List.copyOf(addresses);
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(control, "control");
    }

    @Override
    public byte[] privateKey() {
        return privateKey.clone();
    }

    @Override
    public String toString() {
        return "DataplaneSettings[tun=" + tunName + ", mtu=" + mtu + ", port=" + listenPort + ", addresses=" + addresses + ", tunOffloads=" + tunOffloads + "]";
    }

    /**
     * An address of the interface, such as {@code 100.64.0.1/10}: host bits kept.
     *
     * @param address the IPv4 or IPv6 address
     * @param prefixLength the length of its network's prefix
     */
    public record InterfaceAddress(InetAddress address, int prefixLength) {
        /** Checks the length against the family. */
        public InterfaceAddress {
            Objects.requireNonNull(address, "address");
            int bits = address.getAddress().length * 8;
            if (prefixLength < 0 || prefixLength > bits) {
                throw new IllegalArgumentException("prefix length " + prefixLength + " out of range 0.." + bits);
            }
        }

        @Override
        public String toString() {
            return address.getHostAddress() + "/" + prefixLength;
        }
    }
}
