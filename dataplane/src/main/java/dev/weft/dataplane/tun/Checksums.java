package dev.weft.dataplane.tun;

import dev.weft.dataplane.ByteBufCopy;
import io.netty.buffer.ByteBuf;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** The Internet checksum (RFC 1071) over buffer ranges and the TCP/UDP pseudo-headers. */
final class Checksums {
    /** 8 bytes of any NIO buffer as a little-endian long, whatever the buffer's own order. */
    private static final VarHandle LITTLE_ENDIAN_LONG = MethodHandles.byteBufferViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);

    private Checksums() {
    }

    /**
     * Adds {@code buf[at, at+length)} as big-endian 16-bit words to {@code sum} (not folded: only
     * {@link #finish} of it is defined). Read through the buffer's NIO view 8 bytes at a time, as
     * two 32-bit words (2^16 is 1 modulo 0xffff, so their sum folds to the 16-bit words' sum):
     * {@code ByteBuf.getLong} checked index and reference count per word, which made the
     * checksums of every TCP segment (cut on send, checked before merging on receive) a fifth of
     * the event loop's time.
     *
     * <p>Two things make it faster, 1400 bytes in 105 ns against 148–192 for one sum of
     * big-endian words ({@code ChecksumBenchmark}): four sums of 32 bytes a round, since one sum
     * chains every add to the one before; and the words read little-endian (x86's order: no byte
     * swap per load), since the Internet checksum does not depend on byte order (RFC 1071 §2(B)):
     * the folded sum of byte-swapped words is the byte-swapped sum. They are read through a
     * view handle on the buffer's own view: a little-endian duplicate of the view was as fast
     * where escape analysis removed it and cost 64 bytes a call where it did not
     * ({@code OffloadAllocationTest} caught it). Each sum gains at most 2^33 a round, so no
     * length an int can hold overflows them.
     */
    static long add(long sum, ByteBuf buf, int at, int length) {
        if (buf.nioBufferCount() != 1) {
            return addSlowly(sum, buf, at, length);
        }
        ByteBuffer b = ByteBufCopy.view(buf, at, length);
        int i = b.position();
        int end = i + length;
        long s0 = 0;
        long s1 = 0;
        long s2 = 0;
        long s3 = 0;
        for (; i + 32 <= end; i += 32) {
            long v0 = (long) LITTLE_ENDIAN_LONG.get(b, i);
            long v1 = (long) LITTLE_ENDIAN_LONG.get(b, i + 8);
            long v2 = (long) LITTLE_ENDIAN_LONG.get(b, i + 16);
            long v3 = (long) LITTLE_ENDIAN_LONG.get(b, i + 24);
            s0 += (v0 >>> 32) + (v0 & 0xffffffffL);
            s1 += (v1 >>> 32) + (v1 & 0xffffffffL);
            s2 += (v2 >>> 32) + (v2 & 0xffffffffL);
            s3 += (v3 >>> 32) + (v3 & 0xffffffffL);
        }
        for (; i + 8 <= end; i += 8) {
            long v = (long) LITTLE_ENDIAN_LONG.get(b, i);
            s0 += (v >>> 32) + (v & 0xffffffffL);
        }
        sum += swapped(fold(s0 + s1 + s2 + s3));
        for (; i + 2 <= end; i += 2) {
            sum += ((b.get(i) & 0xff) << 8) | (b.get(i + 1) & 0xff);
        }
        if (i < end) {
            sum += (b.get(i) & 0xff) << 8;
        }
        return sum;
    }

    /** {@code sum} folded to 16 bits (not complemented). */
    private static long fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return sum;
    }

    private static long swapped(long word) {
        return ((word & 0xff) << 8) | (word >>> 8);
    }

    /** A composite buffer (never on the packet path). */
    private static long addSlowly(long sum, ByteBuf buf, int at, int length) {
        int end = at + length;
        int i = at;
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
        return (int) (~fold(sum) & 0xffff);
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
