package dev.weft.dataplane.tun;

import io.netty.buffer.ByteBuf;

/** The Internet checksum (RFC 1071) over buffer ranges and the TCP/UDP pseudo-headers. */
final class Checksums {
    private Checksums() {
    }

    /** Adds {@code buf[at, at+length)} as big-endian 16-bit words to {@code sum} (not folded). */
    static long add(long sum, ByteBuf buf, int at, int length) {
        int end = at + length;
        int i = at;
        for (; i + 8 <= end; i += 8) {
            long v = buf.getLong(i);
            sum += (v >>> 48) + ((v >>> 32) & 0xffff) + ((v >>> 16) & 0xffff) + (v & 0xffff);
        }
        for (; i + 2 <= end; i += 2) {
            sum += buf.getUnsignedShort(i);
        }
        if (i < end) {
            sum += buf.getUnsignedByte(i) << 8;
        }
        return sum;
    }

    /** Folds to 16 bits and complements: the value to store in a checksum field. */
    static int finish(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }

    /** The pseudo-header of an IPv4 packet at {@code ip} for protocol {@code proto} and L4 length. */
    static long pseudoV4(ByteBuf buf, int ip, int proto, int l4Length) {
        return add(0, buf, ip + 12, 8) + proto + l4Length;
    }

    /** The pseudo-header of an IPv6 packet at {@code ip} (source, destination, length, next header). */
    static long pseudoV6(ByteBuf buf, int ip, int proto, int l4Length) {
        return add(0, buf, ip + 8, 32) + proto + l4Length;
    }
}
