package dev.weft.dataplane.tun;

import io.netty.buffer.ByteBuf;

/**
 * The 10-byte {@code struct virtio_net_hdr} that a TUN device opened with {@code IFF_VNET_HDR}
 * puts before every packet (little-endian, as the kernel uses on x86 without TUNSETVNETBE).
 *
 * @param flags {@link #F_NEEDS_CSUM}: the L4 checksum is partial (pseudo-header only) and is to
 *     be completed over {@code [csumStart, end)} and stored at {@code csumStart + csumOffset}
 * @param gsoType one of the {@code GSO_*} constants, possibly with {@link #GSO_ECN}
 * @param headerLength bytes of IP and L4 headers before the payload (a hint; recomputed)
 * @param gsoSize payload bytes per segment
 * @param csumStart offset of the L4 header
 * @param csumOffset offset of the checksum field inside the L4 header
 */
record VirtioNetHeader(int flags, int gsoType, int headerLength, int gsoSize, int csumStart, int csumOffset) {
    static final int SIZE = 10;
    static final int F_NEEDS_CSUM = 1;
    static final int GSO_NONE = 0;
    static final int GSO_TCPV4 = 1;
    static final int GSO_UDP = 3;
    static final int GSO_TCPV6 = 4;
    static final int GSO_UDP_L4 = 5;
    static final int GSO_ECN = 0x80;

    /** Reads the header at {@code at}; the caller checks that 10 bytes are there. */
    static VirtioNetHeader read(ByteBuf buf, int at) {
        return new VirtioNetHeader(buf.getUnsignedByte(at), buf.getUnsignedByte(at + 1),
                buf.getUnsignedShortLE(at + 2), buf.getUnsignedShortLE(at + 4),
                buf.getUnsignedShortLE(at + 6), buf.getUnsignedShortLE(at + 8));
    }

    /** Writes this header at {@code at}. */
    void write(ByteBuf buf, int at) {
        buf.setByte(at, flags);
        buf.setByte(at + 1, gsoType);
        buf.setShortLE(at + 2, headerLength);
        buf.setShortLE(at + 4, gsoSize);
        buf.setShortLE(at + 6, csumStart);
        buf.setShortLE(at + 8, csumOffset);
    }

    boolean needsChecksum() {
        return (flags & F_NEEDS_CSUM) != 0;
    }
}
