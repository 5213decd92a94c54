package dev.weft.dataplane.tun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Segmentation of crafted super-packets; every checksum is verified with a byte-wise RFC 1071
 * sum written here, not with the splitter's {@link Checksums}.
 */
class GsoSplitterTest {
    private static final byte[] SRC4 = {100, 64, 0, 1};
    private static final byte[] DST4 = {100, 64, 0, 2};
    private static final byte[] SRC6 = v6(1);
    private static final byte[] DST6 = v6(2);

    private final List<ByteBuf> out = new ArrayList<>();
    private final GsoSplitter splitter = new GsoSplitter(PooledByteBufAllocator.DEFAULT, 16, 32);

    @AfterEach
    void release() {
        out.forEach(ByteBuf::release);
    }

    private static byte[] v6(int last) {
        byte[] a = new byte[16];
        a[0] = (byte) 0xfd;
        a[15] = (byte) last;
        return a;
    }

    /** Independent RFC 1071 sum of byte arrays, folded, not complemented. */
    private static int sum(byte[]... parts) {
        long s = 0;
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            all.writeBytes(p);
        }
        byte[] b = all.toByteArray();
        for (int i = 0; i < b.length; i++) {
            s += (i % 2 == 0) ? (b[i] & 0xff) << 8 : (b[i] & 0xff);
        }
        while (s > 0xffff) {
            s = (s & 0xffff) + (s >> 16);
        }
        return (int) s;
    }

    private static byte[] range(byte[] b, int from, int to) {
        return java.util.Arrays.copyOfRange(b, from, to);
    }

    private static byte[] pseudo(boolean v4, byte[] packet, int proto, int l4Length) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        if (v4) {
            p.writeBytes(range(packet, 12, 20));
            p.writeBytes(new byte[] {0, (byte) proto, (byte) (l4Length >> 8), (byte) l4Length});
        } else {
            p.writeBytes(range(packet, 8, 40));
            p.writeBytes(new byte[] {0, 0, (byte) (l4Length >> 8), (byte) l4Length, 0, 0, 0, (byte) proto});
        }
        return p.toByteArray();
    }

    /** An IPv4 or IPv6 packet with a TCP (20 + options bytes) or UDP header and the payload. */
    static byte[] packet(boolean v4, boolean tcp, int tcpOptions, byte[] payload, int tcpFlags, long seq) {
        int ipLen = v4 ? 20 : 40;
        int l4Len = tcp ? 20 + tcpOptions : 8;
        byte[] p = new byte[ipLen + l4Len + payload.length];
        int total = p.length;
        if (v4) {
            p[0] = 0x45;
            p[1] = 0x02; // ECT(0)
            p[2] = (byte) (total >> 8);
            p[3] = (byte) total;
            p[4] = 0x12;
            p[5] = (byte) 0xfe; // identification 0x12fe: wraps past 0x12ff
            p[6] = 0x40; // DF
            p[8] = 64;
            p[9] = (byte) (tcp ? 6 : 17);
            System.arraycopy(SRC4, 0, p, 12, 4);
            System.arraycopy(DST4, 0, p, 16, 4);
        } else {
            p[0] = 0x60;
            p[4] = (byte) ((total - 40) >> 8);
            p[5] = (byte) (total - 40);
            p[6] = (byte) (tcp ? 6 : 17);
            p[7] = 64;
            System.arraycopy(SRC6, 0, p, 8, 16);
            System.arraycopy(DST6, 0, p, 24, 16);
        }
        int l4 = ipLen;
        p[l4] = (byte) 0xc3;
        p[l4 + 1] = 0x50;
        p[l4 + 2] = 0x14;
        p[l4 + 3] = 0x51;
        if (tcp) {
            for (int i = 0; i < 4; i++) {
                p[l4 + 4 + i] = (byte) (seq >>> (24 - 8 * i));
            }
            p[l4 + 8] = 0x11;
            p[l4 + 12] = (byte) (((20 + tcpOptions) / 4) << 4);
            p[l4 + 13] = (byte) tcpFlags;
            p[l4 + 14] = (byte) 0xff;
            for (int i = 0; i < tcpOptions; i++) {
                p[l4 + 20 + i] = (byte) (i == tcpOptions - 1 ? 0 : 1); // NOPs, then end of options
            }
        } else {
            int udpLen = 8 + payload.length;
            p[l4 + 4] = (byte) (udpLen >> 8);
            p[l4 + 5] = (byte) udpLen;
        }
        System.arraycopy(payload, 0, p, ipLen + l4Len, payload.length);
        // As the kernel leaves it for CHECKSUM_PARTIAL: the pseudo-header sum, not complemented.
        int partial = sum(pseudo(v4, p, tcp ? 6 : 17, total - ipLen));
        int field = l4 + (tcp ? 16 : 6);
        p[field] = (byte) (partial >> 8);
        p[field + 1] = (byte) partial;
        return p;
    }

    private static byte[] bytes(ByteBuf b) {
        byte[] a = new byte[b.readableBytes()];
        b.getBytes(b.readerIndex(), a);
        return a;
    }

    private int split(VirtioNetHeader h, byte[] packet) {
        ByteBuf in = PooledByteBufAllocator.DEFAULT.directBuffer(packet.length);
        in.writeBytes(packet);
        int n = splitter.split(h, in, out::add);
        assertEquals(1, in.refCnt(), "the input stays the caller's");
        assertTrue(out.stream().noneMatch(o -> o == in), "segments are fresh buffers");
        in.release();
        return n;
    }

    @ParameterizedTest(name = "v4={0} tcp={1} payload={2} gso={3}")
    @CsvSource({
        "true, true, 5000, 1400", "true, true, 1400, 1400", "true, true, 1401, 1400", "true, true, 64000, 1448",
        "false, true, 5000, 1380", "false, true, 65000, 1428", "false, true, 100, 1380",
        "true, false, 4000, 1400", "true, false, 1399, 1400", "true, false, 64000, 1472",
        "false, false, 4001, 1392", "false, false, 1, 1392",
    })
    void segmentsLikeTheKernelWithValidChecksums(boolean v4, boolean tcp, int payloadLength, int gsoSize) {
        byte[] payload = new byte[payloadLength];
        new Random(payloadLength).nextBytes(payload);
        int flags = 0x80 | 0x10 | 0x08 | 0x01; // CWR ACK PSH FIN
        int options = tcp ? 12 : 0;
        long seq = 0xffff_f000L; // wraps within the super-packet
        byte[] packet = packet(v4, tcp, options, payload, flags, seq);
        int ipLen = v4 ? 20 : 40;
        int l4Len = tcp ? 20 + options : 8;
        int type = tcp ? (v4 ? VirtioNetHeader.GSO_TCPV4 : VirtioNetHeader.GSO_TCPV6) : VirtioNetHeader.GSO_UDP_L4;
        VirtioNetHeader h = new VirtioNetHeader(VirtioNetHeader.F_NEEDS_CSUM, type, ipLen + l4Len, gsoSize, ipLen,
                tcp ? 16 : 6);

        int n = split(h, packet);
        int expected = (payloadLength + gsoSize - 1) / gsoSize;
        assertEquals(expected, n);
        assertEquals(expected, out.size());
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (int i = 0; i < n; i++) {
            ByteBuf s = out.get(i);
            assertTrue(s.readerIndex() >= 16 && s.writableBytes() >= 32, "room for the WireGuard header and tag");
            byte[] seg = bytes(s);
            int segPayload = Math.min(gsoSize, payloadLength - i * gsoSize);
            assertEquals(ipLen + l4Len + segPayload, seg.length);
            byte[] l4 = range(seg, ipLen, seg.length);
            if (v4) {
                assertEquals(seg.length, ((seg[2] & 0xff) << 8) | (seg[3] & 0xff), "IPv4 total length");
                assertEquals((0x12fe + i) & 0xffff, ((seg[4] & 0xff) << 8) | (seg[5] & 0xff), "IPv4 id per segment");
                assertEquals(0xffff, sum(range(seg, 0, 20)), "IPv4 header checksum");
                assertEquals(0x02, seg[1], "ECN bits kept");
            } else {
                assertEquals(seg.length - 40, ((seg[4] & 0xff) << 8) | (seg[5] & 0xff), "IPv6 payload length");
            }
            assertEquals(0xffff, sum(pseudo(v4, seg, tcp ? 6 : 17, l4.length), l4), (tcp ? "TCP" : "UDP") + " checksum");
            if (tcp) {
                long s32 = ((l4[4] & 0xffL) << 24) | ((l4[5] & 0xff) << 16) | ((l4[6] & 0xff) << 8) | (l4[7] & 0xff);
                assertEquals((seq + (long) i * gsoSize) & 0xffff_ffffL, s32, "sequence number");
                int f = l4[13] & 0xff;
                boolean last = i == n - 1;
                assertEquals(last, (f & 0x01) != 0, "FIN only on the last");
                assertEquals(last, (f & 0x08) != 0, "PSH only on the last");
                assertEquals(i == 0, (f & 0x80) != 0, "CWR only on the first");
                assertEquals(0x10, f & 0x10, "ACK on all");
                assertArrayEquals(range(packet, ipLen + 20, ipLen + l4Len), range(l4, 20, l4Len), "options copied");
            } else {
                assertEquals(l4.length, ((l4[4] & 0xff) << 8) | (l4[5] & 0xff), "UDP length");
            }
            joined.writeBytes(range(l4, l4Len, l4.length));
        }
        assertArrayEquals(payload, joined.toByteArray(), "the payload, in order, once");
    }

    @Property(tries = 200)
    void anySizeAndSegmentSizeJoinsBackWithValidChecksums(@ForAll @IntRange(min = 1, max = 65_000) int payloadLength,
                                                         @ForAll @IntRange(min = 200, max = 9000) int gsoSize,
                                                         @ForAll boolean v4, @ForAll boolean tcp) {
        try {
            segmentsLikeTheKernelWithValidChecksums(v4, tcp, Math.min(payloadLength, 65_535 - 80), gsoSize);
        } finally {
            release();
            out.clear();
        }
    }

    @Test
    void completesAPartialChecksumWithoutGso() {
        for (boolean v4 : new boolean[] {true, false}) {
            for (boolean tcp : new boolean[] {true, false}) {
                byte[] payload = new byte[333];
                new Random(7).nextBytes(payload);
                byte[] packet = packet(v4, tcp, 0, payload, 0x18, 1);
                int ipLen = v4 ? 20 : 40;
                VirtioNetHeader h = new VirtioNetHeader(VirtioNetHeader.F_NEEDS_CSUM, VirtioNetHeader.GSO_NONE, 0, 0,
                        ipLen, tcp ? 16 : 6);
                assertEquals(1, split(h, packet));
                byte[] seg = bytes(out.get(out.size() - 1));
                byte[] l4 = range(seg, ipLen, seg.length);
                assertEquals(0xffff, sum(pseudo(v4, seg, tcp ? 6 : 17, l4.length), l4));
            }
        }
    }

    @Test
    void passesAPacketWithoutOffloadThroughUntouched() {
        byte[] packet = packet(true, false, 0, new byte[50], 0, 0);
        assertEquals(1, split(new VirtioNetHeader(0, VirtioNetHeader.GSO_NONE, 0, 0, 0, 0), packet));
        assertArrayEquals(packet, bytes(out.get(0)));
    }

    @Test
    void refusesHeadersThatDoNotFitOrDisagree() {
        byte[] tcp4 = packet(true, true, 0, new byte[3000], 0x10, 5);
        byte[] udp6 = packet(false, false, 0, new byte[3000], 0, 0);
        int csum = VirtioNetHeader.F_NEEDS_CSUM;
        VirtioNetHeader[] bad = {
            new VirtioNetHeader(csum, VirtioNetHeader.GSO_TCPV4, 40, 0, 20, 16), // no segment size
            new VirtioNetHeader(csum, VirtioNetHeader.GSO_TCPV4, 40, 1400, 24, 16), // L4 not after the IPv4 header
            new VirtioNetHeader(csum, VirtioNetHeader.GSO_TCPV6, 40, 1400, 20, 16), // IPv6 type on IPv4
            new VirtioNetHeader(csum, VirtioNetHeader.GSO_UDP_L4, 28, 1400, 20, 6), // UDP on a TCP packet
            new VirtioNetHeader(csum, VirtioNetHeader.GSO_UDP, 28, 1400, 20, 6), // UFO: never enabled
            new VirtioNetHeader(0, VirtioNetHeader.GSO_TCPV4, 40, 1400, 20, 16), // GSO without a partial checksum
            new VirtioNetHeader(csum, VirtioNetHeader.GSO_TCPV4, 40, 1400, 20, 6), // checksum field not TCP's
            new VirtioNetHeader(csum, VirtioNetHeader.GSO_NONE, 0, 0, 5000, 16), // checksum start past the end
        };
        for (VirtioNetHeader h : bad) {
            assertEquals(-1, split(h, tcp4), h.toString());
        }
        assertEquals(-1, split(new VirtioNetHeader(csum, VirtioNetHeader.GSO_TCPV6, 48, 1400, 40, 16), udp6));
        assertEquals(-1, split(new VirtioNetHeader(csum, VirtioNetHeader.GSO_TCPV4, 40, 1400, 20, 16),
                range(tcp4, 0, 30)), "truncated TCP header");
        assertEquals(0, out.size(), "nothing went out");
    }

    @Test
    void aBufferFromUnpooledWorksToo() {
        ByteBuf in = Unpooled.wrappedBuffer(packet(true, true, 0, new byte[3000], 0x10, 5));
        int n = splitter.split(new VirtioNetHeader(1, VirtioNetHeader.GSO_TCPV4, 40, 1000, 20, 16), in, out::add);
        assertEquals(3, n);
        in.release();
    }
}
