package dev.weft.dataplane.tun;

import static dev.weft.dataplane.tun.TcpSegments.ACK;
import static dev.weft.dataplane.tun.TcpSegments.FIN;
import static dev.weft.dataplane.tun.TcpSegments.PSH;
import static dev.weft.dataplane.tun.TcpSegments.SYN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The TCP coalescer on crafted segments, checked with sums written in the test; and on random
 * streams, whose merged writes cut as the kernel cuts them ({@link GsoSplitter} does what
 * {@code tcp_gso_segment} does) give back exactly the segments that went in.
 */
class TcpCoalescerTest {
    /** One write: a plain packet (header null) or a merged one with its virtio-net header. */
    record Write(VirtioNetHeader header, byte[] packet) {
        boolean merged() {
            return header != null;
        }
    }

    private final List<Write> writes = new ArrayList<>();
    private final List<ByteBuf> given = new ArrayList<>();
    private final TcpCoalescer coalescer = new TcpCoalescer(PooledByteBufAllocator.DEFAULT, new TcpCoalescer.Output() {
        @Override
        public void plain(ByteBuf packet) {
            writes.add(new Write(null, ByteBufUtil.getBytes(packet)));
            packet.release();
        }

        @Override
        public void coalesced(ByteBuf frame) {
            VirtioNetHeader h = VirtioNetHeader.read(frame, frame.readerIndex());
            writes.add(new Write(h, ByteBufUtil.getBytes(frame, frame.readerIndex() + VirtioNetHeader.SIZE,
                    frame.readableBytes() - VirtioNetHeader.SIZE)));
            frame.release();
        }
    });

    private void add(TcpSegments.Spec s) {
        add(TcpSegments.buffer(s));
    }

    private void add(ByteBuf b) {
        given.add(b);
        coalescer.add(b);
    }

    private static byte[] payload(int length, int seed) {
        byte[] p = new byte[length];
        new Random(seed).nextBytes(p);
        return p;
    }

    /** Segments of one flow: seq and IPv4 id advance, payloads as given. */
    private List<TcpSegments.Spec> stream(TcpSegments.Spec base, int... lengths) {
        List<TcpSegments.Spec> l = new ArrayList<>();
        long seq = base.seq();
        int id = base.id();
        for (int i = 0; i < lengths.length; i++) {
            l.add(base.withSeq(seq, id, payload(lengths[i], i)));
            seq += lengths[i];
            id++;
        }
        return l;
    }

    private void assertAllReleased() {
        for (ByteBuf b : given) {
            assertEquals(0, b.refCnt(), "every packet handed in is released");
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void contiguousSegmentsBecomeOneGsoWriteWithAPartialChecksum(boolean v6) {
        List<TcpSegments.Spec> in = stream(TcpSegments.spec(v6, 0).withOptions(TcpSegments.timestamps(7)),
                1388, 1388, 1388, 1388, 500);
        in.forEach(this::add);
        coalescer.flush();
        assertEquals(1, writes.size());
        Write w = writes.get(0);
        int ip = v6 ? 40 : 20;
        int tcp = 32;
        assertEquals(VirtioNetHeader.F_NEEDS_CSUM, w.header().flags());
        assertEquals(v6 ? VirtioNetHeader.GSO_TCPV6 : VirtioNetHeader.GSO_TCPV4, w.header().gsoType());
        assertEquals(1388, w.header().gsoSize());
        assertEquals(ip, w.header().csumStart());
        assertEquals(16, w.header().csumOffset());
        assertEquals(ip + tcp, w.header().headerLength());
        byte[] p = w.packet();
        assertEquals(ip + tcp + 4 * 1388 + 500, p.length);
        if (v6) {
            assertEquals(p.length - 40, ((p[4] & 0xff) << 8) | (p[5] & 0xff));
        } else {
            assertEquals(p.length, ((p[2] & 0xff) << 8) | (p[3] & 0xff));
            assertEquals(0xffff, TcpSegments.sum(p, 0, 20, 0), "IPv4 header checksum valid");
        }
        // the field holds the folded pseudo-header sum; completing it gives a valid checksum
        long pseudo = TcpSegments.pseudo(p, v6, p.length - ip);
        assertEquals((int) (pseudo % 0xffff == 0 ? 0xffff : TcpSegments.sum(new byte[0], 0, 0, pseudo)),
                ((p[ip + 16] & 0xff) << 8) | (p[ip + 17] & 0xff));
        byte[] complete = p.clone();
        TcpSegments.put16(complete, ip + 16, ~TcpSegments.sum(complete, ip, p.length - ip, 0) & 0xffff);
        assertEquals(0xffff, TcpSegments.sum(complete, ip, p.length - ip, pseudo), "completed TCP checksum valid");
        int at = ip + tcp;
        for (TcpSegments.Spec s : in) {
            assertArrayEquals(s.payload(), java.util.Arrays.copyOfRange(p, at, at + s.payload().length));
            at += s.payload().length;
        }
        assertKernelSeesTheSegments(in);
        assertAllReleased();
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aGapAFlagChangeOrNewOptionsEndTheMergedPacket(boolean v6) {
        TcpSegments.Spec base = TcpSegments.spec(v6, 0).withOptions(TcpSegments.timestamps(1));
        List<TcpSegments.Spec> in = new ArrayList<>(stream(base, 1000, 1000));
        TcpSegments.Spec last = in.get(1);
        long next = last.seq() + 1000;
        in.add(base.withSeq(next + 5, last.id() + 1, payload(1000, 9))); // a gap: starts anew
        in.add(base.withSeq(next + 1005, last.id() + 2, payload(1000, 10)).withOptions(TcpSegments.timestamps(2)));
        in.add(base.withSeq(next + 2005, last.id() + 3, payload(1000, 11)).withOptions(TcpSegments.timestamps(2))
                .withFlags(ACK | FIN)); // FIN never merges
        in.forEach(this::add);
        coalescer.flush();
        assertEquals(List.of(true, false, false, false), writes.stream().map(Write::merged).toList());
        assertKernelSeesTheSegments(in);
        assertAllReleased();
    }

    @Test
    void pshEndsAndJoinsAShorterSegmentEndsALargerOneStartsAnew() {
        TcpSegments.Spec base = TcpSegments.spec(false, 0);
        List<TcpSegments.Spec> a = stream(base, 1000, 1000, 1000);
        a.set(2, a.get(2).withFlags(ACK | PSH));
        TcpSegments.Spec after = a.get(2);
        List<TcpSegments.Spec> b = stream(base.withSeq(after.seq() + 1000, after.id() + 1, new byte[0]), 1000, 400, 400);
        List<TcpSegments.Spec> in = new ArrayList<>(a);
        in.addAll(b);
        in.forEach(this::add);
        coalescer.flush();
        // [1000, 1000, 1000 PSH] [1000, 400] [400]
        assertEquals(3, writes.size());
        assertEquals(3000 + 40, writes.get(0).packet().length);
        assertEquals(PSH | ACK, writes.get(0).packet()[33] & 0xff, "PSH of the last segment on the merged packet");
        assertEquals(1400 + 40, writes.get(1).packet().length);
        assertTrue(!writes.get(2).merged());
        assertKernelSeesTheSegments(in);
    }

    @Test
    void headerFieldsThatDifferKeepSegmentsApart() {
        TcpSegments.Spec base = TcpSegments.spec(false, 0);
        List<TcpSegments.Spec> in = stream(base, 1000, 1000, 1000, 1000, 1000);
        in.set(1, in.get(1).withTtl(63));
        in.set(2, in.get(2).withAck(78));
        in.set(3, in.get(3).withWindow(501));
        in.forEach(this::add);
        // a SYN and a lone non-consecutive IPv4 id
        TcpSegments.Spec e = in.get(4);
        TcpSegments.Spec f = base.withSeq(e.seq() + 1000, e.id() + 5, payload(1000, 3));
        add(f);
        add(base.withFlags(SYN).withSeq(1, 1, new byte[0]));
        coalescer.flush();
        assertTrue(writes.stream().noneMatch(Write::merged), "nothing merged");
        in.add(f);
        in.add(base.withFlags(SYN).withSeq(1, 1, new byte[0]));
        assertKernelSeesTheSegments(in);
        assertAllReleased();
    }

    /**
     * The merged packet's partial checksum is trusted by the kernel: a segment with a wrong
     * checksum must not merge (it goes through alone, for the kernel to drop), in either family.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aSegmentWithAWrongChecksumIsNotMerged(boolean v6) {
        List<TcpSegments.Spec> in = stream(TcpSegments.spec(v6, 0), 1000, 1000, 1000, 1000);
        for (int i = 0; i < in.size(); i++) {
            ByteBuf b = TcpSegments.buffer(in.get(i));
            if (i == 2) {
                int last = b.writerIndex() - 1;
                b.setByte(last, b.getByte(last) ^ 0x04); // payload changed, checksum not
            }
            add(b);
        }
        coalescer.flush();
        assertEquals(List.of(true, false, false), writes.stream().map(Write::merged).toList());
        assertEquals((v6 ? 60 : 40) + 2000, writes.get(0).packet().length);
        assertAllReleased();
    }

    @Test
    void otherPacketsPassAtOnceAndFlowsMergeSideBySide() {
        TcpSegments.Spec one = TcpSegments.spec(false, 0);
        TcpSegments.Spec two = new TcpSegments.Spec(true, 40001, 22, 5, 6, ACK, 100, new byte[0], 0, 64, 0, new byte[0]);
        List<TcpSegments.Spec> a = stream(one, 1200, 1200, 1200);
        List<TcpSegments.Spec> b = stream(two, 800, 800);
        add(a.get(0));
        add(b.get(0));
        ByteBuf udp = PooledByteBufAllocator.DEFAULT.directBuffer(28).writeZero(28);
        udp.setByte(0, 0x45);
        udp.setShort(2, 28);
        udp.setByte(9, 17);
        add(udp);
        assertEquals(1, writes.size(), "the UDP packet went at once");
        add(a.get(1));
        add(b.get(1));
        add(a.get(2));
        coalescer.flush();
        assertEquals(List.of(false, true, true), writes.stream().map(Write::merged).toList());
        assertAllReleased();
    }

    @Test
    void mergedPacketsStayWithinTheLimits() {
        List<TcpSegments.Spec> in = stream(TcpSegments.spec(false, 0), new int[100]);
        int[] lengths = new int[100];
        java.util.Arrays.fill(lengths, 1400);
        in = stream(TcpSegments.spec(false, 0), lengths);
        in.forEach(this::add);
        coalescer.flush();
        for (Write w : writes) {
            assertTrue(w.packet().length <= TcpCoalescer.MAX_LENGTH);
        }
        assertTrue(writes.size() >= 3);
        assertKernelSeesTheSegments(in);
        List<TcpSegments.Spec> small = stream(TcpSegments.spec(true, 0).withSeq(1, 0, new byte[0]), new int[70]);
        int[] ones = new int[70];
        java.util.Arrays.fill(ones, 10);
        small = stream(TcpSegments.spec(true, 0), ones);
        writes.clear();
        small.forEach(this::add);
        coalescer.flush();
        assertEquals(2, writes.size(), "64 segments at most per write");
    }

    /**
     * Random streams of several flows (IPv4 and IPv6, gaps, PSH, FIN, option changes, short
     * segments, random batch ends): per flow, the kernel's cut of what was written is the input,
     * byte for byte and in order.
     */
    @Property(tries = 300)
    void theKernelSeesExactlyTheSegmentsThatWentIn(@ForAll long seed, @ForAll @IntRange(min = 1, max = 400) int count) {
        Random r = new Random(seed);
        int flows = 1 + r.nextInt(TcpCoalescer.SLOTS + 3);
        TcpSegments.Spec[] next = new TcpSegments.Spec[flows];
        int[] mss = new int[flows];
        for (int f = 0; f < flows; f++) {
            boolean v6 = r.nextBoolean();
            mss[f] = 1 + r.nextInt(r.nextBoolean() ? 1400 : 3000);
            byte[] options = r.nextBoolean() ? TcpSegments.timestamps(r.nextInt()) : new byte[0];
            next[f] = new TcpSegments.Spec(v6, 1000 + f, 80, r.nextInt() & 0xffffffffL, 5, ACK, 1000, options,
                    r.nextInt(65536), 64, 0, new byte[0]);
        }
        List<TcpSegments.Spec> in = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int f = r.nextInt(flows);
            TcpSegments.Spec s = next[f];
            int length = r.nextInt(8) == 0 ? r.nextInt(mss[f] + 1) : mss[f];
            int flags = ACK;
            int pick = r.nextInt(30);
            if (pick == 0) {
                flags |= PSH;
            } else if (pick == 1) {
                flags |= FIN;
            }
            if (pick == 2) {
                s = s.withOptions(TcpSegments.timestamps(r.nextInt()));
            }
            if (pick == 3) {
                s = s.withSeq(s.seq() + 1 + r.nextInt(5000), s.id(), s.payload());
            }
            TcpSegments.Spec seg = s.withSeq(s.seq(), s.id(), payload(length, r.nextInt())).withFlags(flags);
            in.add(seg);
            next[f] = seg.withSeq((seg.seq() + length) & 0xffffffffL, (seg.id() + 1) & 0xffff, new byte[0])
                    .withFlags(ACK);
            add(seg);
            if (r.nextInt(40) == 0) {
                coalescer.flush();
            }
        }
        coalescer.flush();
        assertKernelSeesTheSegments(in);
        assertAllReleased();
        writes.clear();
        given.clear();
    }

    /** Cuts every write as the kernel does and compares, per flow, with the segments that went in. */
    private void assertKernelSeesTheSegments(List<TcpSegments.Spec> in) {
        Map<Integer, List<byte[]>> expected = new HashMap<>();
        for (TcpSegments.Spec s : in) {
            expected.computeIfAbsent(s.srcPort(), k -> new ArrayList<>()).add(TcpSegments.bytes(s));
        }
        Map<Integer, List<byte[]>> seen = new HashMap<>();
        GsoSplitter splitter = new GsoSplitter(PooledByteBufAllocator.DEFAULT, 0, 0);
        for (Write w : writes) {
            List<byte[]> packets = new ArrayList<>();
            if (!w.merged()) {
                packets.add(w.packet());
            } else {
                ByteBuf p = PooledByteBufAllocator.DEFAULT.directBuffer(w.packet().length).writeBytes(w.packet());
                int n = splitter.split(w.header(), p, seg -> {
                    packets.add(ByteBufUtil.getBytes(seg));
                    seg.release();
                });
                p.release();
                assertTrue(n >= 2, "a merged write holds segments: " + n);
            }
            for (byte[] b : packets) {
                int ip = (b[0] >> 4) == 6 ? 40 : 20;
                int port = ((b[ip] & 0xff) << 8) | (b[ip + 1] & 0xff);
                seen.computeIfAbsent(port, k -> new ArrayList<>()).add(b);
            }
        }
        assertEquals(expected.keySet(), seen.keySet());
        for (Integer port : expected.keySet()) {
            List<byte[]> e = expected.get(port);
            List<byte[]> s = seen.get(port);
            assertEquals(e.size(), s.size(), "segments of flow " + port);
            for (int i = 0; i < e.size(); i++) {
                assertArrayEquals(e.get(i), s.get(i), "flow " + port + " segment " + i);
            }
        }
    }
}
