package dev.weft.dataplane.tun;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The TCP coalescer's hot path allocates nothing per segment in the steady state: segments
 * arrive in pooled buffers, merged packets are built in pooled buffers, and the flow table is
 * fixed (measured with {@code ThreadMXBean} over 700,000 segments, less what the same buffers
 * cost the pool without the coalescer).
 */
class OffloadAllocationTest {
    @Test
    void mergingSegmentsAllocatesNothingPerSegment() throws Exception {
        Assumptions.assumeTrue(ResourceLeakDetector.getLevel().ordinal() < ResourceLeakDetector.Level.ADVANCED.ordinal(),
                "leak detection " + ResourceLeakDetector.getLevel() + " allocates per buffer access");
        // On an event-loop kind of thread, as in the dataplane: Netty 4.2 recycles its pooled
        // buffer objects only there (elsewhere every pooled buffer is a new object).
        Throwable[] failure = new Throwable[1];
        Thread t = new io.netty.util.concurrent.FastThreadLocalThread(() -> {
            try {
                measure();
            } catch (Throwable e) {
                failure[0] = e;
            }
        });
        t.start();
        t.join();
        if (failure[0] != null) {
            throw new AssertionError(failure[0]);
        }
    }

    private static void measure() {
        int flows = 4;
        int perBatch = 44;
        byte[][][] templates = new byte[flows][perBatch][];
        for (int f = 0; f < flows; f++) {
            TcpSegments.Spec base = new TcpSegments.Spec(f % 2 == 1, 2000 + f, 80, 1, 2, TcpSegments.ACK, 100,
                    TcpSegments.timestamps(f), 0, 64, 0, new byte[0]);
            for (int i = 0; i < perBatch; i++) {
                templates[f][i] = TcpSegments.bytes(base.withSeq(1 + 1400L * i, i, new byte[1400]));
            }
        }
        long[] merged = new long[1];
        TcpCoalescer c = new TcpCoalescer(PooledByteBufAllocator.DEFAULT, new TcpCoalescer.Output() {
            @Override
            public void plain(ByteBuf packet) {
                packet.release();
            }

            @Override
            public void coalesced(ByteBuf frame) {
                merged[0]++;
                frame.release();
            }
        });
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().threadId();
        int rounds = 6000;
        long before = 0;
        for (int round = 0; round < rounds; round++) {
            if (round == rounds / 3) { // warmed up: JIT done, pools filled
                before = mx.getThreadAllocatedBytes(thread);
            }
            for (int i = 0; i < perBatch; i++) {
                for (int f = 0; f < flows; f++) {
                    byte[] t = templates[f][i];
                    ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(t.length + 64);
                    b.writerIndex(32).readerIndex(32);
                    b.writeBytes(t);
                    c.add(b);
                }
            }
            c.flush();
        }
        long segments = (long) (rounds - rounds / 3) * perBatch * flows;
        long total = mx.getThreadAllocatedBytes(thread) - before;
        // The same buffers, held until the batch ends and then released, without the coalescer:
        // what the pool itself costs with that many buffers out (Netty 4.2 allocates per buffer).
        ByteBuf[] held = new ByteBuf[perBatch * flows];
        long baseline = 0;
        for (int round = 0; round < rounds; round++) {
            if (round == rounds / 3) {
                baseline = mx.getThreadAllocatedBytes(thread);
            }
            int n = 0;
            for (int i = 0; i < perBatch; i++) {
                for (int f = 0; f < flows; f++) {
                    byte[] t = templates[f][i];
                    ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(t.length + 64);
                    b.writerIndex(32).readerIndex(32);
                    b.writeBytes(t);
                    held[n++] = b;
                }
            }
            for (int i = 0; i < n; i++) {
                held[i].release();
            }
        }
        baseline = mx.getThreadAllocatedBytes(thread) - baseline;
        System.out.printf("the pool alone: %.3f bytes per buffer%n", (double) baseline / segments);
        double perSegment = (double) (total - baseline) / segments;
        System.out.printf("TcpCoalescer: %.3f bytes allocated per segment over %d segments, %d merged writes%n",
                perSegment, segments, merged[0]);
        assertTrue(merged[0] >= (long) rounds * flows, "segments were merged: " + merged[0]);
        assertTrue(perSegment < 1.0, perSegment + " bytes per segment");
        // the UDP side: runs of one size to one address copied into GSO buffers
        dev.weft.dataplane.udp.GsoBatcherProbe batcher = new dev.weft.dataplane.udp.GsoBatcherProbe();
        java.net.InetSocketAddress to = new java.net.InetSocketAddress("198.51.100.1", 51820);
        for (int round = 0; round < rounds; round++) {
            if (round == rounds / 3) {
                before = mx.getThreadAllocatedBytes(thread);
            }
            for (int i = 0; i < perBatch * flows; i++) {
                ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(1452 + 64);
                b.writerIndex(1452);
                batcher.add(b, to);
            }
            batcher.flush();
        }
        double perDatagram = (double) (mx.getThreadAllocatedBytes(thread) - before - baseline) / segments;
        System.out.printf("GsoBatcher: %.3f bytes allocated per datagram, %d runs%n", perDatagram, batcher.runs());
        assertTrue(batcher.runs() >= (long) rounds * 2, "runs: " + batcher.runs());
        assertTrue(perDatagram < 1.0, perDatagram + " bytes per datagram");
    }
}
