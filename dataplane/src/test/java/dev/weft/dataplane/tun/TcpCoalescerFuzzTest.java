package dev.weft.dataplane.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Random bytes and bit-flipped, truncated or lengthened copies of real segments into the
 * coalescer (what a peer could send through the tunnel): it never throws, releases every buffer
 * handed in exactly once, and every merged write it makes is one the splitter accepts within the limits.
 */
class TcpCoalescerFuzzTest {
    @Property(tries = 500)
    void anyInputIsPassedOnOrMergedNeverLostOrThrown(@ForAll long seed) {
        Random r = new Random(seed);
        List<ByteBuf> given = new ArrayList<>();
        int[] counts = new int[2];
        GsoSplitter splitter = new GsoSplitter(PooledByteBufAllocator.DEFAULT, 0, 0);
        TcpCoalescer c = new TcpCoalescer(PooledByteBufAllocator.DEFAULT, new TcpCoalescer.Output() {
            @Override
            public void plain(ByteBuf packet) {
                counts[0]++;
                packet.release();
            }

            @Override
            public void coalesced(ByteBuf frame) {
                counts[1]++;
                assertTrue(frame.readableBytes() - VirtioNetHeader.SIZE <= TcpCoalescer.MAX_LENGTH);
                VirtioNetHeader h = VirtioNetHeader.read(frame, frame.readerIndex());
                frame.skipBytes(VirtioNetHeader.SIZE);
                int n = splitter.split(h, frame, ByteBuf::release);
                assertTrue(n >= 2, "the kernel's cut of a merged write: " + n);
                frame.release();
            }
        });
        TcpSegments.Spec base = TcpSegments.spec(r.nextBoolean(), 0).withOptions(TcpSegments.timestamps(3));
        long seq = base.seq();
        int id = base.id();
        int n = 1 + r.nextInt(200);
        for (int i = 0; i < n; i++) {
            byte[] b;
            if (r.nextInt(5) == 0) {
                b = new byte[r.nextInt(100)];
                r.nextBytes(b);
                if (b.length > 0 && r.nextBoolean()) {
                    b[0] = (byte) (r.nextBoolean() ? 0x45 : 0x60);
                }
            } else {
                byte[] payload = new byte[1 + r.nextInt(1400)];
                b = TcpSegments.bytes(base.withSeq(seq, id, payload));
                seq += payload.length;
                id++;
                int mutation = r.nextInt(4);
                if (mutation == 1) {
                    b[r.nextInt(Math.min(b.length, 60))] ^= (byte) (1 << r.nextInt(8));
                } else if (mutation == 2) {
                    b = java.util.Arrays.copyOf(b, r.nextInt(b.length + 1));
                } else if (mutation == 3) {
                    b = java.util.Arrays.copyOf(b, b.length + 1 + r.nextInt(10));
                }
            }
            ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(b.length + 1).writeBytes(b);
            given.add(buf);
            c.add(buf);
            if (r.nextInt(20) == 0) {
                c.flush();
            }
        }
        c.flush();
        for (ByteBuf b : given) {
            assertEquals(0, b.refCnt(), "released exactly once");
        }
        assertTrue(counts[0] + counts[1] > 0);
    }
}
