package dev.weft.dataplane.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class UdpEndpointTest {
    record Received(String kind, int firstByte, int length, InetSocketAddress from) {}

    @Test
    void demultiplexesByFirstByteAndNormalizesIpv4Senders() throws Exception {
        BlockingQueue<Received> got = new LinkedBlockingQueue<>();
        try (UdpEndpoint udp = UdpEndpoint.bind(0, 2048,
                (b, from) -> record(got, "wg", b, from), (b, from) -> record(got, "control", b, from));
             DatagramSocket client = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), udp.port());
            for (int first : new int[] {0x01, 0x04, 0xF0, 0xFF, 0x00, 0x05, 0x7F, 0xEF}) {
                client.send(new DatagramPacket(new byte[] {(byte) first, 9, 9}, 3, to));
            }
            client.send(new DatagramPacket(new byte[0], 0, to));
            client.send(new DatagramPacket(new byte[] {0x02}, 1, to)); // marks the end (in order on loopback)

            assertEquals(new Received("wg", 1, 3, (InetSocketAddress) client.getLocalSocketAddress()), next(got));
            assertEquals("wg", next(got).kind());
            Received control = next(got);
            assertEquals("control", control.kind());
            assertEquals(0xF0, control.firstByte());
            assertInstanceOf(Inet4Address.class, control.from().getAddress(), "IPv4 sender as IPv4, not ::ffff:");
            assertEquals(0xFF, next(got).firstByte());
            assertEquals(new Received("wg", 2, 1, (InetSocketAddress) client.getLocalSocketAddress()), next(got));
            UdpCounters c = udp.counters();
            assertEquals(3, c.wireguard());
            assertEquals(2, c.control());
            assertEquals(5, c.dropped());
        }
    }

    @Test
    void relayFramesGoToTheRelayReceiverOrAreDroppedWithoutOne() throws Exception {
        BlockingQueue<Received> got = new LinkedBlockingQueue<>();
        for (boolean withRelay : new boolean[] {true, false}) {
            RelayReceiver relay = withRelay ? (b, from) -> record(got, "relay", b, from) : null;
            try (UdpEndpoint udp = UdpEndpoint.bind(0, 2048, (b, from) -> record(got, "wg", b, from),
                    (b, from) -> record(got, "control", b, from), relay);
                 DatagramSocket client = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), udp.port());
                client.send(new DatagramPacket(new byte[] {(byte) 0xF2, 1, 2, 3, 4, 5, 6, 7, 8, 4}, 10, to));
                client.send(new DatagramPacket(new byte[] {(byte) 0xF1, 9}, 2, to));
                if (withRelay) {
                    assertEquals(new Received("relay", 0xF2, 10, (InetSocketAddress) client.getLocalSocketAddress()),
                            next(got));
                }
                assertEquals(0xF1, next(got).firstByte(), "the control channel keeps 0xF0 and 0xF1");
                UdpCounters c = udp.counters();
                assertEquals(withRelay ? 1 : 0, c.relay());
                assertEquals(withRelay ? 0 : 1, c.dropped(), "without a relay receiver: dropped, counted");
                assertEquals(1, c.control());
            }
        }
        assertEquals(UdpEndpoint.RELAY_FRAME, dev.weft.dataplane.wireguard.Endpoint.Relayed.FRAME_TYPE);
    }

    @Test
    void whatAReceiverQueuesIsFlushedAtTheEndOfTheReadBatch() throws Exception {
        UdpEndpoint[] self = new UdpEndpoint[1];
        try (UdpEndpoint udp = UdpEndpoint.bind(0, 2048, (b, f) -> b.release(), ControlHandler.discarding(),
                (frame, from) -> self[0].write(frame, from)); // a relay forwarding back to the sender
             DatagramSocket client = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            self[0] = udp;
            client.setSoTimeout(5000);
            InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), udp.port());
            for (int i = 0; i < 3; i++) {
                client.send(new DatagramPacket(new byte[] {(byte) 0xF2, 0, 0, 0, 0, 0, 0, 0, (byte) i, 4}, 10, to));
            }
            for (int i = 0; i < 3; i++) {
                DatagramPacket p = new DatagramPacket(new byte[16], 16);
                client.receive(p); // times out unless the queued writes were flushed
                assertEquals(10, p.getLength());
            }
        }
    }

    @Test
    void sendsToIpv4AndIpv6Peers() throws Exception {
        try (UdpEndpoint udp = UdpEndpoint.bind(0, 2048, (b, f) -> b.release(), ControlHandler.discarding());
             DatagramSocket v4 = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
             DatagramSocket v6 = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("::1"), 0))) {
            for (DatagramSocket s : new DatagramSocket[] {v4, v6}) {
                s.setSoTimeout(5000);
                udp.send(Unpooled.wrappedBuffer(new byte[] {(byte) 0xF1, 42}), (InetSocketAddress) s.getLocalSocketAddress());
                DatagramPacket p = new DatagramPacket(new byte[16], 16);
                s.receive(p);
                assertEquals(2, p.getLength());
                assertEquals(42, p.getData()[1]);
                assertEquals(udp.port(), p.getPort());
            }
            udp.write(Unpooled.wrappedBuffer(new byte[] {1, 2, 3}), (InetSocketAddress) v4.getLocalSocketAddress());
            udp.flush();
            DatagramPacket p = new DatagramPacket(new byte[16], 16);
            v4.receive(p);
            assertEquals(3, p.getLength());
        }
    }

    @Test
    void countsEveryDatagramDroppedByConcurrentWritersOnAFullQueue() throws Exception {
        try (UdpEndpoint udp = UdpEndpoint.bind(0, 2048, (b, f) -> b.release(), ControlHandler.discarding());
             DatagramSocket sink = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            InetSocketAddress to = (InetSocketAddress) sink.getLocalSocketAddress();
            // Queue without flushing until the queue is over its high-water mark.
            while (udp.counters().droppedOutbound() == 0) {
                udp.write(Unpooled.directBuffer(65_000).writeZero(65_000), to);
            }
            long before = udp.counters().droppedOutbound();
            int threads = 4;
            int each = 200_000;
            java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
            java.util.List<Thread> writers = new java.util.ArrayList<>();
            java.util.concurrent.atomic.AtomicInteger leaked = new java.util.concurrent.atomic.AtomicInteger();
            for (int t = 0; t < threads; t++) {
                Thread w = new Thread(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < each; i++) {
                        ByteBuf b = Unpooled.buffer(1).writeByte(1);
                        udp.write(b, to);
                        if (b.refCnt() != 0) {
                            leaked.incrementAndGet();
                        }
                    }
                });
                w.start();
                writers.add(w);
            }
            start.countDown();
            for (Thread w : writers) {
                w.join();
            }
            assertEquals(0, leaked.get(), "every dropped datagram released");
            assertEquals((long) threads * each, udp.counters().droppedOutbound() - before, "no drop lost by racing writers");
        }
    }

    /**
     * A batch written on the loop leaves as GSO writes, and a plain socket receives each
     * datagram as it was written (the kernel cuts them), in order; with GSO off, the same.
     */
    @Test
    void aBatchOnTheLoopLeavesAsGsoWritesAndArrivesAsTheDatagramsWritten() throws Exception {
        for (boolean gso : new boolean[] {true, false}) {
            try (UdpEndpoint udp = UdpEndpoint.bind(0, 2048, (b, f) -> b.release(), ControlHandler.discarding(), null,
                    new UdpOffloads(gso, false));
                 DatagramSocket sink = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                sink.setSoTimeout(5000);
                sink.setReceiveBufferSize(4 << 20);
                InetSocketAddress to = (InetSocketAddress) sink.getLocalSocketAddress();
                int[] sizes = new int[100];
                for (int i = 0; i < sizes.length; i++) {
                    sizes[i] = i < 40 ? 1452 : i == 40 ? 900 : i < 90 ? 100 + i * 10 : 64;
                }
                udp.eventLoop().submit(() -> {
                    for (int i = 0; i < sizes.length; i++) {
                        ByteBuf b = io.netty.buffer.PooledByteBufAllocator.DEFAULT.directBuffer(sizes[i]);
                        for (int j = 0; j < sizes[i]; j++) {
                            b.writeByte(i + j);
                        }
                        udp.write(b, to);
                    }
                    udp.flush();
                }).sync();
                for (int i = 0; i < sizes.length; i++) {
                    DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
                    sink.receive(p);
                    assertEquals(sizes[i], p.getLength(), "datagram " + i);
                    for (int j = 0; j < sizes[i]; j++) {
                        assertEquals((byte) (i + j), p.getData()[j], "datagram " + i + " byte " + j);
                    }
                }
                UdpOffloadCounters c = udp.offloadCounters();
                assertEquals(gso, udp.gso());
                assertEquals(0, c.gsoFailures());
                if (gso) {
                    // 1452 x 40 + 900, then growing sizes one by one, the last of them (990) with the
                    // first 64 (shorter: it ends that run), then 64 x 9
                    assertEquals(3, c.gsoWrites(), c.toString());
                    assertEquals(41 + 2 + 9, c.gsoDatagrams(), c.toString());
                } else {
                    assertEquals(0, c.gsoWrites());
                }
            }
        }
    }

    /**
     * GSO writes from one endpoint to another that receives with GRO: the kernel hands the
     * run over in one read, and the receiver still sees every datagram, intact and in order,
     * from the sender's address; without GRO on the receiver the same datagrams arrive one by one.
     */
    @Test
    void aGroReadIsCutIntoTheDatagramsSent() throws Exception {
        for (boolean gro : new boolean[] {true, false}) {
            BlockingQueue<byte[]> got = new LinkedBlockingQueue<>();
            java.util.Set<InetSocketAddress> senders = java.util.concurrent.ConcurrentHashMap.newKeySet();
            DatagramReceiver receiver = (b, from) -> {
                got.add(io.netty.buffer.ByteBufUtil.getBytes(b));
                senders.add(from);
                b.release();
            };
            try (UdpEndpoint rx = UdpEndpoint.bind(0, 2048, receiver, ControlHandler.discarding(), null,
                    new UdpOffloads(false, gro));
                 UdpEndpoint tx = UdpEndpoint.bind(0, 2048, (b, f) -> b.release(), ControlHandler.discarding(), null,
                    UdpOffloads.ALL)) {
                InetSocketAddress to = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), rx.port());
                int count = 150;
                int[] sizes = new int[count];
                for (int i = 0; i < count; i++) {
                    sizes[i] = i == 63 || i == count - 1 ? 333 : 1452;
                }
                tx.eventLoop().submit(() -> {
                    for (int i = 0; i < count; i++) {
                        ByteBuf b = io.netty.buffer.PooledByteBufAllocator.DEFAULT.directBuffer(sizes[i]);
                        b.writeByte(4);
                        for (int j = 1; j < sizes[i]; j++) {
                            b.writeByte(i * 7 + j);
                        }
                        tx.write(b, to);
                    }
                    tx.flush();
                }).sync();
                for (int i = 0; i < count; i++) {
                    byte[] d = got.poll(5, TimeUnit.SECONDS);
                    if (d == null) {
                        throw new AssertionError("datagram " + i + " did not arrive, gro " + gro + ", " + rx.offloadCounters());
                    }
                    assertEquals(sizes[i], d.length, "datagram " + i);
                    for (int j = 1; j < sizes[i]; j++) {
                        assertEquals((byte) (i * 7 + j), d[j], "datagram " + i + " byte " + j);
                    }
                }
                assertEquals(java.util.Set.of(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), tx.port())), senders);
                UdpOffloadCounters c = rx.offloadCounters();
                assertEquals(gro, c.groReads() > 0, c.toString());
                assertEquals(count, rx.counters().wireguard());
                if (gro) {
                    assertTrue(c.groDatagrams() > c.groReads(), c.toString());
                }
            }
        }
    }

    /**
     * A kernel that refuses a GSO write (here: segments larger than the path MTU, EINVAL, in a
     * namespace whose loopback has an MTU of 1280): GSO turns itself off after that one write and
     * the next batch arrives as plain (fragmented) datagrams. Root only.
     */
    @Test
    void aRefusedGsoWriteTurnsGsoOffAndTheNextBatchArrives() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(dev.weft.dataplane.tun.NetnsThread.isRoot(), "skipped: needs root");
        String name = "wgso" + ProcessHandle.current().pid() % 100000;
        try (dev.weft.dataplane.tun.NetnsThread ns = dev.weft.dataplane.tun.NetnsThread.create(name)) {
            assertEquals(0, dev.weft.dataplane.tun.NetnsThread.run("ip", "-n", name, "link", "set", "lo", "mtu", "1280", "up").exit());
            BlockingQueue<Integer> got = new LinkedBlockingQueue<>();
            UdpEndpoint rx = ns.call(() -> UdpEndpoint.bind(0, 2048, (b, f) -> {
                got.add(b.readableBytes());
                b.release();
            }, ControlHandler.discarding(), null, UdpOffloads.NONE));
            UdpEndpoint tx = ns.call(() -> UdpEndpoint.bind(0, 2048, (b, f) -> b.release(), ControlHandler.discarding(),
                    null, new UdpOffloads(true, false)));
            try {
                InetSocketAddress to = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), rx.port());
                Runnable batch = () -> {
                    for (int i = 0; i < 10; i++) {
                        ByteBuf b = io.netty.buffer.PooledByteBufAllocator.DEFAULT.directBuffer(1452);
                        b.writeByte(4).writeZero(1451);
                        tx.write(b, to);
                    }
                    tx.flush();
                };
                assertTrue(tx.gso());
                tx.eventLoop().submit(batch).sync();
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (tx.gso() && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertEquals(false, tx.gso(), "GSO off after the refused write");
                assertEquals(1, tx.offloadCounters().gsoFailures());
                got.clear(); // the refused run's datagrams are lost, as on a full queue
                tx.eventLoop().submit(batch).sync();
                for (int i = 0; i < 10; i++) {
                    Integer n = got.poll(5, TimeUnit.SECONDS);
                    assertEquals(1452, n, "datagram " + i + " of the batch after the fallback");
                }
                assertEquals(1, tx.offloadCounters().gsoWrites());
            } finally {
                tx.close();
                rx.close();
            }
        }
    }

    @Test
    void normalizesMappedAddressesOnly() throws Exception {
        InetAddress mapped = java.net.Inet6Address.getByAddress(null,
                new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 198, 51, 100, 7}, null);
        InetSocketAddress n = Addresses.normalize(new InetSocketAddress(mapped, 4242));
        assertEquals(new InetSocketAddress(InetAddress.getByName("198.51.100.7"), 4242), n);
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 1);
        assertEquals(v6, Addresses.normalize(v6));
    }

    private static void record(BlockingQueue<Received> q, String kind, ByteBuf b, InetSocketAddress from) {
        q.add(new Received(kind, b.getUnsignedByte(b.readerIndex()), b.readableBytes(), from));
        b.release();
    }

    private static Received next(BlockingQueue<Received> q) throws InterruptedException {
        Received r = q.poll(5, TimeUnit.SECONDS);
        if (r == null) {
            throw new AssertionError("nothing received within 5 s");
        }
        return r;
    }
}
