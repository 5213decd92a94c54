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
 * @param offloads which offloads to use ({@link Offloads#ALL} normally); each can be turned off
 */
public record DataplaneSettings(byte[] privateKey, String tunName, int mtu, int listenPort,
                                List<InterfaceAddress> addresses, WireGuardOptions options, ControlHandler control,
                                Offloads offloads) {

    /** Settings with every offload on. */
    public DataplaneSettings(byte[] privateKey, String tunName, int mtu, int listenPort,
                             List<InterfaceAddress> addresses, WireGuardOptions options, ControlHandler control) {
        this(privateKey, tunName, mtu, listenPort, addresses, options, control, Offloads.ALL);
    }

    /** Settings with every offload on ({@code true}) or every offload off. */
    public DataplaneSettings(byte[] privateKey, String tunName, int mtu, int listenPort,
                             List<InterfaceAddress> addresses, WireGuardOptions options, ControlHandler control,
                             boolean offloads) {
        this(privateKey, tunName, mtu, listenPort, addresses, options, control, offloads ? Offloads.ALL : Offloads.NONE);
    }

    /** Whether TUN offloads (virtio-net header, TSO/USO) are asked for. */
    public boolean tunOffloads() {
        return offloads.tun();
    }

    /**
     * The offloads, each of which can be turned off on its own. A kernel without one gets the
     * plain path for it either way.
     *
     * @param tun TUN offloads: the virtio-net header with TSO and USO, so a read returns up to
     *     64 KiB, cut into packets before encryption; false keeps the plain one-packet-per-read device
     * @param tunGro consecutive TCP segments of one flow decrypted in one receive batch are written
     *     to TUN as one GSO packet (needs {@code tun}; ignored without it)
     * @param udpGso runs of same-sized datagrams to one peer in a batch are sent as one
     *     {@code UDP_SEGMENT} write (turned off by itself if the kernel refuses one)
     * @param udpGro the socket receives with {@code UDP_GRO}: several datagrams of one sender in one
     *     read, cut back into datagrams before decryption
     */
    public record Offloads(boolean tun, boolean tunGro, boolean udpGso, boolean udpGro) {
        /** Every offload on (the default). */
        public static final Offloads ALL = new Offloads(true, true, true, true);
        /** Every offload off: one system call per packet on both sides, as before offloads. */
        public static final Offloads NONE = new Offloads(false, false, false, false);
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
        Objects.requireNonNull(offloads, "offloads");
    }

    @Override
    public byte[] privateKey() {
        return privateKey.clone();
    }

    @Override
    public String toString() {
        return "DataplaneSettings[tun=" + tunName + ", mtu=" + mtu + ", port=" + listenPort + ", addresses=" + addresses + ", offloads=" + offloads + "]";
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
