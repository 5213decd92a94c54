package dev.weft.dataplane.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.dataplane.crypto.Curve25519;
import dev.weft.dataplane.wireguard.Endpoint;
import dev.weft.dataplane.wireguard.PacketSink;
import dev.weft.dataplane.wireguard.WireGuardDevice;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The relay's per-frame path allocates nothing: forwarding, and the drops (wrong source, rate, unknown id). */
class RelayAllocationTest {
    static final int FRAMES = 200_000;

    @Test
    void forwardingAndDroppingAllocateNothingPerFrame() throws Exception {
        // Leak tracking records a stack trace per buffer access: nothing to measure then.
        Assumptions.assumeTrue(ResourceLeakDetector.getLevel().ordinal() < ResourceLeakDetector.Level.ADVANCED.ordinal(),
                "leak detection " + ResourceLeakDetector.getLevel() + " allocates per buffer access");
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        InetSocketAddress a = new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 1);
        InetSocketAddress b = new InetSocketAddress(InetAddress.getByName("198.51.100.2"), 2);
        InetSocketAddress stranger = new InetSocketAddress(InetAddress.getByName("192.0.2.9"), 3);
        long[] sent = {0};
        RelayForwarder forwarder = new RelayForwarder(64, (frame, to) -> {
            sent[0]++;
            frame.release();
        }, System::nanoTime);
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
            RelayClients clients = new RelayClients(device, 8);
            RelayDemux demux = new RelayDemux(forwarder, clients);
            for (long id = 1; id <= 40; id++) {
                forwarder.bind(id, a, b, id == 7 ? 1 : Long.MAX_VALUE / 4);
            }
            ByteBuf frame = PooledByteBufAllocator.DEFAULT.directBuffer(1500);
            frame.writeByte(0xF2).writeLong(3).writeZero(1400);
            ByteBuf limited = PooledByteBufAllocator.DEFAULT.directBuffer(1500);
            limited.writeByte(0xF2).writeLong(7).writeZero(1400);
            ByteBuf unknown = PooledByteBufAllocator.DEFAULT.directBuffer(1500);
            unknown.writeByte(0xF2).writeLong(999).writeZero(1400);
            long[] allocated = new long[2];
            for (int round = 0; round < 2; round++) { // the first round warms up (JIT, Netty's thread caches)
                long before = mx.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < FRAMES; i++) {
                    demux.onRelayFrame(frame.retain(), (i & 1) == 0 ? a : b);
                    demux.onRelayFrame(frame.retain(), stranger);
                    demux.onRelayFrame(limited.retain(), a);
                    demux.onRelayFrame(unknown.retain(), a);
                }
                allocated[round] = mx.getCurrentThreadAllocatedBytes() - before;
            }
            assertEquals(1, frame.refCnt());
            frame.release();
            limited.release();
            unknown.release();
            assertEquals(2L * FRAMES + 1, sent[0]); // the limited binding lets its first burst through
            double perFrame = allocated[1] / (4.0 * FRAMES);
            System.out.printf("relay frame path: %.4f bytes allocated per frame (%d frames)%n", perFrame, 4 * FRAMES);
            assertTrue(perFrame < 0.05, "allocates per frame: " + perFrame + " bytes");
            assertTrue(clients.size() == 0 && device.counters().internalErrors() == 0);
            assertEquals(0, Endpoint.Relayed.FRAME_TYPE - 0xF2);
        }
    }
}
