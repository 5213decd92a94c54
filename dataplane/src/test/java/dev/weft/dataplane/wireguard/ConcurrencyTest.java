package dev.weft.dataplane.wireguard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.dataplane.crypto.Curve25519;
import dev.weft.ip.IpPrefix;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Sends and receives on several threads at once, both directions, pooled direct buffers:
 * every packet arrives intact, nothing is rejected, nothing leaks into an exception.
 */
class ConcurrencyTest {
    private static final int SENDERS = 2;
    private static final int PER_SENDER = 2000;

    /** Queues datagrams for a pump thread; counts and checks delivered packets. */
    static final class QueueSink implements PacketSink {
        final ConcurrentLinkedQueue<ByteBuf> out = new ConcurrentLinkedQueue<>();
        final AtomicLong delivered = new AtomicLong();
        final AtomicLong corrupt = new AtomicLong();

        @Override
        public void sendDatagram(ByteBuf datagram, InetSocketAddress to) {
            out.add(datagram);
        }

        @Override
        public void deliverPacket(ByteBuf ipPacket) {
            int at = ipPacket.readerIndex();
            int seed = ipPacket.getByte(at + 20) - 20;
            for (int i = 20; i < ipPacket.readableBytes(); i++) {
                if (ipPacket.getByte(at + i) != (byte) (seed + i)) {
                    corrupt.incrementAndGet();
                    break;
                }
            }
            ipPacket.release();
            delivered.incrementAndGet();
        }
    }

    @Test
    void concurrentSendAndReceiveBothWays() throws Exception {
        ManualClock clock = new ManualClock();
        QueueSink sinkA = new QueueSink();
        QueueSink sinkB = new QueueSink();
        InetSocketAddress addrA = new InetSocketAddress("192.0.2.1", 1);
        InetSocketAddress addrB = new InetSocketAddress("192.0.2.2", 1);
        PooledByteBufAllocator alloc = new PooledByteBufAllocator(true);
        byte[] keyA = Curve25519.generatePrivateKey(new java.security.SecureRandom());
        byte[] keyB = Curve25519.generatePrivateKey(new java.security.SecureRandom());
        try (WireGuardDevice a = new WireGuardDevice(keyA, sinkA, clock, WireGuardOptions.standard(), alloc);
             WireGuardDevice b = new WireGuardDevice(keyB, sinkB, clock, WireGuardOptions.standard(), alloc)) {
            a.addPeer(new PeerConfig(b.publicKey(), null, addrB, List.of(IpPrefix.parse("100.64.0.2/32")), 0));
            b.addPeer(new PeerConfig(a.publicKey(), null, addrA, List.of(IpPrefix.parse("100.64.0.1/32")), 0));
            CountDownLatch done = new CountDownLatch(2 * SENDERS);
            Thread pumpAB = pump(sinkA, b, addrA, done);
            Thread pumpBA = pump(sinkB, a, addrB, done);
            // Establish the session first so no packet waits in the (bounded) staging queue.
            a.sendPacket(buf(alloc, "100.64.0.1", "100.64.0.2", 0));
            while (sinkB.delivered.get() + sinkA.delivered.get() == 0) {
                Thread.sleep(1);
            }
            for (int s = 0; s < SENDERS; s++) {
                int seed = s;
                new Thread(() -> {
                    for (int i = 0; i < PER_SENDER; i++) {
                        a.sendPacket(buf(alloc, "100.64.0.1", "100.64.0.2", seed + i));
                    }
                    done.countDown();
                }).start();
                new Thread(() -> {
                    for (int i = 0; i < PER_SENDER; i++) {
                        b.sendPacket(buf(alloc, "100.64.0.2", "100.64.0.1", seed * 3 + i));
                    }
                    done.countDown();
                }).start();
            }
            assertTrue(done.await(60, TimeUnit.SECONDS));
            pumpAB.join(60_000);
            pumpBA.join(60_000);
            assertEquals(SENDERS * PER_SENDER + 1, sinkB.delivered.get());
            assertEquals(SENDERS * PER_SENDER, sinkA.delivered.get());
            assertEquals(0, sinkA.corrupt.get() + sinkB.corrupt.get());
            for (WireGuardDevice d : List.of(a, b)) {
                PeerStatus s = d.peers().get(0);
                assertEquals(0, s.rejectedBadMac() + s.rejectedReplay() + s.rejectedOther(), s.toString());
                assertEquals(0, d.counters().malformed());
            }
        }
    }

    private static Thread pump(QueueSink from, WireGuardDevice to, InetSocketAddress source, CountDownLatch senders) {
        Thread t = new Thread(() -> {
            while (true) {
                ByteBuf d = from.out.poll();
                if (d == null) {
                    if (senders.getCount() == 0 && from.out.isEmpty()) {
                        return;
                    }
                    Thread.onSpinWait();
                    continue;
                }
                to.receiveDatagram(d, source);
            }
        });
        t.start();
        return t;
    }

    private static ByteBuf buf(PooledByteBufAllocator alloc, String src, String dst, int seed) {
        byte[] p = Packets.ipv4(src, dst, 200 + seed % 1000, seed);
        ByteBuf b = alloc.buffer(p.length + 48);
        b.setIndex(16, 16);
        b.writeBytes(p);
        return b;
    }
}
