package dev.weft.dataplane.tun;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;

/**
 * TCP segments crafted for the coalescer's tests, with checksums from a byte-wise RFC 1071 sum
 * written here (not the production {@link Checksums}).
 */
final class TcpSegments {
    static final byte[] SRC4 = {100, 64, 0, 1};
    static final byte[] DST4 = {100, 64, 0, 2};
    static final byte[] SRC6 = {(byte) 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    static final byte[] DST6 = {(byte) 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
    static final int ACK = 0x10;
    static final int PSH = 0x08;
    static final int FIN = 0x01;
    static final int SYN = 0x02;

    private TcpSegments() {
    }

    /** What varies between the segments of a test. */
    record Spec(boolean v6, int srcPort, int dstPort, long seq, long ack, int flags, int window, byte[] options,
                int id, int ttl, int tos, byte[] payload) {
        Spec withSeq(long s, int i, byte[] p) {
            return new Spec(v6, srcPort, dstPort, s, ack, flags, window, options, i, ttl, tos, p);
        }

        Spec withFlags(int f) {
            return new Spec(v6, srcPort, dstPort, seq, ack, f, window, options, id, ttl, tos, payload);
        }

        Spec withOptions(byte[] o) {
            return new Spec(v6, srcPort, dstPort, seq, ack, flags, window, o, id, ttl, tos, payload);
        }

        Spec withTtl(int t) {
            return new Spec(v6, srcPort, dstPort, seq, ack, flags, window, options, id, t, tos, payload);
        }

        Spec withAck(long a) {
            return new Spec(v6, srcPort, dstPort, seq, a, flags, window, options, id, ttl, tos, payload);
        }

        Spec withWindow(int w) {
            return new Spec(v6, srcPort, dstPort, seq, ack, flags, w, options, id, ttl, tos, payload);
        }
    }

    static Spec spec(boolean v6, int payload) {
        return new Spec(v6, 40000, 5201, 1000, 77, ACK, 500, new byte[0], 9, 64, 0, new byte[payload]);
    }

    /** Timestamps option (NOP, NOP, TS) with the given value. */
    static byte[] timestamps(int tsval) {
        return new byte[] {1, 1, 8, 10, (byte) (tsval >> 24), (byte) (tsval >> 16), (byte) (tsval >> 8), (byte) tsval,
            0, 0, 0, 5};
    }

    /** The packet's bytes with complete, valid checksums. */
    static byte[] bytes(Spec s) {
        int ip = s.v6() ? 40 : 20;
        int tcp = 20 + s.options().length;
        int total = ip + tcp + s.payload().length;
        byte[] b = new byte[total];
        if (s.v6()) {
            b[0] = (byte) (0x60 | (s.tos() >> 4));
            b[1] = (byte) (s.tos() << 4);
            put16(b, 4, tcp + s.payload().length);
            b[6] = 6;
            b[7] = (byte) s.ttl();
            System.arraycopy(SRC6, 0, b, 8, 16);
            System.arraycopy(DST6, 0, b, 24, 16);
        } else {
            b[0] = 0x45;
            b[1] = (byte) s.tos();
            put16(b, 2, total);
            put16(b, 4, s.id());
            b[6] = 0x40; // DF
            b[8] = (byte) s.ttl();
            b[9] = 6;
            System.arraycopy(SRC4, 0, b, 12, 4);
            System.arraycopy(DST4, 0, b, 16, 4);
            put16(b, 10, ~sum(b, 0, 20, 0) & 0xffff);
        }
        put16(b, ip, s.srcPort());
        put16(b, ip + 2, s.dstPort());
        put32(b, ip + 4, s.seq());
        put32(b, ip + 8, s.ack());
        b[ip + 12] = (byte) ((tcp / 4) << 4);
        b[ip + 13] = (byte) s.flags();
        put16(b, ip + 14, s.window());
        System.arraycopy(s.options(), 0, b, ip + 20, s.options().length);
        System.arraycopy(s.payload(), 0, b, ip + tcp, s.payload().length);
        put16(b, ip + 16, ~sum(b, ip, total - ip, pseudo(b, s.v6(), total - ip)) & 0xffff);
        return b;
    }

    static ByteBuf buffer(Spec s) {
        byte[] b = bytes(s);
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(32 + b.length);
        buf.writeZero(32).writeBytes(b).readerIndex(32);
        return buf;
    }

    /** Pseudo-header sum of a packet (IPv4 or IPv6) for TCP of the given length. */
    static long pseudo(byte[] b, boolean v6, int l4Length) {
        return v6 ? sum(b, 8, 32, 6 + l4Length) : sum(b, 12, 8, 6 + l4Length);
    }

    /** Byte-wise RFC 1071 sum of {@code b[from, from+length)} plus {@code start}, folded, not complemented. */
    static int sum(byte[] b, int from, int length, long start) {
        long s = start;
        for (int i = 0; i < length; i++) {
            s += (i % 2 == 0) ? (b[from + i] & 0xff) << 8 : (b[from + i] & 0xff);
        }
        while (s > 0xffff) {
            s = (s & 0xffff) + (s >> 16);
        }
        return (int) s;
    }

    static void put16(byte[] b, int at, int v) {
        b[at] = (byte) (v >> 8);
        b[at + 1] = (byte) v;
    }

    static void put32(byte[] b, int at, long v) {
        b[at] = (byte) (v >> 24);
        b[at + 1] = (byte) (v >> 16);
        b[at + 2] = (byte) (v >> 8);
        b[at + 3] = (byte) v;
    }
}
