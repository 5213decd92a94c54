package dev.weft.dataplane.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.dataplane.crypto.Curve25519;
import dev.weft.dataplane.wireguard.Endpoint;
import dev.weft.dataplane.wireguard.PacketSink;
import dev.weft.dataplane.wireguard.WireGuardDevice;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Random bytes into the relay frame dispatch (forwarder, clients and the WireGuard device behind
 * them): nothing throws, every buffer is released exactly once, the counters add up.
 */
class RelayDemuxFuzzTest {
    static InetSocketAddress at(String ip, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(ip), port);
    }

    @Test
    void randomFramesNeverThrowNorLeak() throws Exception {
        InetSocketAddress a = at("192.0.2.1", 1);
        InetSocketAddress b = at("198.51.100.2", 2);
        InetSocketAddress relay = at("203.0.113.9", 3);
        InetSocketAddress other = at("192.0.2.77", 4);
        InetSocketAddress[] sources = {a, b, relay, other};
        AtomicLong sent = new AtomicLong();
        List<ByteBuf> forwarded = new ArrayList<>();
        PacketSink sink = new PacketSink() {
            @Override
            public void sendDatagram(ByteBuf datagram, InetSocketAddress to) {
                datagram.release();
            }

            @Override
            public void deliverPacket(ByteBuf ipPacket) {
                ipPacket.release();
            }
        };
        try (WireGuardDevice device = new WireGuardDevice(Curve25519.generatePrivateKey(new SecureRandom()), sink)) {
            long[] now = {0};
            RelayForwarder forwarder = new RelayForwarder(8, (frame, to) -> {
                sent.incrementAndGet();
                forwarded.add(frame);
            }, () -> now[0]);
            RelayClients clients = new RelayClients(device, 8);
            RelayDemux demux = new RelayDemux(forwarder, clients);
            long[] ids = {1, 2, -1, 0x0102030405060708L};
            forwarder.bind(ids[0], a, b, 1 << 20);
            forwarder.bind(ids[1], b, a, 3000);
            clients.attach(new Endpoint.Relayed(relay, ids[2]));
            clients.attach(new Endpoint.Relayed(relay, ids[3]));

            Random random = new Random(12);
            List<ByteBuf> all = new ArrayList<>();
            for (int i = 0; i < 50_000; i++) {
                int length = random.nextInt(10) == 0 ? random.nextInt(12) : random.nextInt(1600);
                ByteBuf f = random.nextBoolean() ? PooledByteBufAllocator.DEFAULT.directBuffer(length + 3)
                        : PooledByteBufAllocator.DEFAULT.heapBuffer(length + 3);
                int skip = random.nextInt(3);
                f.writerIndex(skip).readerIndex(skip);
                byte[] bytes = new byte[length];
                random.nextBytes(bytes);
                f.writeBytes(bytes);
                if (length > 0 && random.nextInt(8) != 0) {
                    f.setByte(skip, 0xF2);
                }
                if (length >= 9 && random.nextInt(4) != 0) {
                    f.setLong(skip + 1, ids[random.nextInt(ids.length)]);
                }
                if (length >= 13 && random.nextBoolean()) {
                    f.setIntLE(skip + 9, 1 + random.nextInt(4)); // a WireGuard type for the device
                }
                all.add(f);
                f.retain(); // keep one reference to check that dispatch released its own
                demux.onRelayFrame(f, sources[random.nextInt(sources.length)]);
                now[0] += random.nextInt(1_000_000);
            }
            for (ByteBuf f : forwarded) {
                f.release();
            }
            for (ByteBuf f : all) {
                assertEquals(1, f.refCnt(), "dispatch released exactly its own reference");
                f.release();
            }
            RelayForwarder.Counters fc = forwarder.counters();
            RelayDemux.Counters dc = demux.counters();
            RelayClients.Counters cc = clients.counters();
            assertEquals(sent.get(), fc.framesForwarded());
            assertEquals(50_000, fc.framesForwarded() + fc.droppedWrongSource() + fc.droppedRate() + dc.malformed()
                    + dc.unknownId() + cc.framesReceived() + cc.droppedWrongSource());
            assertTrue(fc.framesForwarded() > 0 && fc.droppedRate() > 0 && fc.droppedWrongSource() > 0);
            assertTrue(dc.malformed() > 0 && dc.unknownId() > 0 && cc.framesReceived() > 0 && cc.droppedWrongSource() > 0);
            assertEquals(0, device.counters().internalErrors());
        }
    }
}
