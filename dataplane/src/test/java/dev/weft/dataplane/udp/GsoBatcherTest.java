package dev.weft.dataplane.udp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class GsoBatcherTest {
    private static final InetSocketAddress A = new InetSocketAddress("198.51.100.1", 51820);
    private static final InetSocketAddress B = new InetSocketAddress("198.51.100.2", 51820);

    record Emitted(byte[] content, int segmentSize, InetSocketAddress to) {}

    private final List<Emitted> out = new ArrayList<>();
    private final List<ByteBuf> given = new ArrayList<>();
    private final GsoBatcher batcher = new GsoBatcher(PooledByteBufAllocator.DEFAULT, (c, size, to) -> {
        out.add(new Emitted(ByteBufUtil.getBytes(c), size, to));
        c.release();
    });

    private void add(int length, InetSocketAddress to, int fill) {
        ByteBuf b = Unpooled.directBuffer(length).writeZero(length);
        for (int i = 0; i < length; i++) {
            b.setByte(i, fill + i);
        }
        given.add(b);
        batcher.add(b, to);
    }

    @Test
    void aRunOfOneSizeToOneAddressIsOneWriteAndTheShortLastEndsIt() {
        for (int i = 0; i < 10; i++) {
            add(1452, A, i);
        }
        add(300, A, 10); // shorter: joins, and closes the run
        add(300, A, 11); // a new run
        batcher.flush();
        assertEquals(2, out.size());
        assertEquals(1452, out.get(0).segmentSize());
        assertEquals(10 * 1452 + 300, out.get(0).content().length);
        assertEquals(0, out.get(1).segmentSize(), "a run of one goes out as a plain datagram");
        assertEquals(300, out.get(1).content().length);
        for (ByteBuf b : given) {
            assertEquals(0, b.refCnt(), "every datagram handed in was released");
        }
    }

    @Test
    void aNewAddressALargerDatagramOrTheSegmentLimitStartsANewRun() {
        add(1000, A, 0);
        add(1000, B, 1); // other address
        add(1200, B, 2); // larger than the run's size
        for (int i = 0; i < GsoBatcher.MAX_SEGMENTS + 1; i++) {
            add(100, A, i);
        }
        batcher.flush();
        assertEquals(List.of(0, 0, 0, 100, 0), out.stream().map(Emitted::segmentSize).toList());
        assertEquals(GsoBatcher.MAX_SEGMENTS * 100, out.get(3).content().length);
    }

    @Test
    void runsStayUnderTheLargestUdpPayload() {
        for (int i = 0; i < 3; i++) {
            add(30_000, A, i);
        }
        add(40_000, A, 3);
        add(40_000, A, 4);
        batcher.flush();
        for (Emitted e : out) {
            assertTrue(e.content().length <= GsoBatcher.MAX_BYTES, "run of " + e.content().length);
        }
        assertEquals(List.of(30_000, 0, 0, 0), out.stream().map(Emitted::segmentSize).toList());
    }

    @Test
    void discardReleasesWhatIsPending() {
        add(500, A, 0);
        add(500, A, 1);
        batcher.discard();
        batcher.flush();
        assertEquals(0, out.size());
        for (ByteBuf b : given) {
            assertEquals(0, b.refCnt());
        }
    }

    /**
     * Whatever the sequence, cutting every write as the kernel does gives back exactly the
     * datagrams handed in, in order, each to its address; every write obeys GSO's rules.
     */
    @Property(tries = 300)
    void theKernelCutsTheWritesBackIntoTheSameDatagrams(@ForAll("seeds") long seed,
                                                        @ForAll @IntRange(min = 1, max = 300) int count) {
        Random r = new Random(seed);
        List<Emitted> expected = new ArrayList<>();
        int size = 1 + r.nextInt(2000);
        for (int i = 0; i < count; i++) {
            int pick = r.nextInt(10);
            if (pick == 0) {
                size = 1 + r.nextInt(r.nextBoolean() ? 2000 : 40_000);
            }
            int length = pick == 1 ? 1 + r.nextInt(size) : size;
            InetSocketAddress to = r.nextInt(8) == 0 ? B : A;
            byte[] data = new byte[length];
            r.nextBytes(data);
            expected.add(new Emitted(data, 0, to));
            ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(length).writeBytes(data);
            given.add(b);
            batcher.add(b, to);
            if (r.nextInt(50) == 0) {
                batcher.flush();
            }
        }
        batcher.flush();
        List<Emitted> cut = new ArrayList<>();
        for (Emitted e : out) {
            byte[] c = e.content();
            if (e.segmentSize() == 0) {
                cut.add(e);
                continue;
            }
            assertTrue(c.length <= GsoBatcher.MAX_BYTES);
            int segments = (c.length + e.segmentSize() - 1) / e.segmentSize();
            assertTrue(segments >= 2 && segments <= GsoBatcher.MAX_SEGMENTS, "segments " + segments);
            for (int at = 0; at < c.length; at += e.segmentSize()) {
                cut.add(new Emitted(java.util.Arrays.copyOfRange(c, at, Math.min(c.length, at + e.segmentSize())), 0, e.to()));
            }
        }
        assertEquals(expected.size(), cut.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i).content(), cut.get(i).content(), "datagram " + i);
            assertEquals(expected.get(i).to(), cut.get(i).to());
        }
        for (ByteBuf b : given) {
            assertEquals(0, b.refCnt());
        }
        out.clear();
        given.clear();
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<Long> seeds() {
        return net.jqwik.api.Arbitraries.longs();
    }
}
