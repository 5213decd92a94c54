package dev.weft.dataplane.wireguard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.dataplane.crypto.Curve25519;
import dev.weft.ip.IpPrefix;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A sink that buffers writes until {@link PacketSink#flush()} still gets timer output out:
 * the device flushes after timer ticks, and leaves flushing of packet-path output to the
 * caller's batch.
 */
class SinkFlushTest {

    /** Holds datagrams until flushed, like a Netty channel written without flush. */
    private static final class BufferingSink implements PacketSink {
        final List<byte[]> pending = new ArrayList<>();
        final List<byte[]> onTheWire = new ArrayList<>();
        int flushes;

        @Override
        public void sendDatagram(ByteBuf datagram, InetSocketAddress to) {
            byte[] b = new byte[datagram.readableBytes()];
            datagram.readBytes(b);
            datagram.release();
            pending.add(b);
        }

        @Override
        public void deliverPacket(ByteBuf ipPacket) {
            ipPacket.release();
        }

        @Override
        public void flush() {
            flushes++;
            onTheWire.addAll(pending);
            pending.clear();
        }
    }

    @Test
    void timerOutputIsFlushedPacketPathOutputIsLeftToTheCaller() {
        ManualClock clock = new ManualClock();
        BufferingSink sink = new BufferingSink();
        SecureRandom random = new SecureRandom();
        try (WireGuardDevice device = new WireGuardDevice(Curve25519.generatePrivateKey(random), sink, clock,
                WireGuardOptions.standard(), UnpooledByteBufAllocator.DEFAULT)) {
            device.addPeer(new PeerConfig(Curve25519.publicKey(Curve25519.generatePrivateKey(random)), null,
                    new InetSocketAddress("192.0.2.9", 51820), List.of(IpPrefix.parse("100.64.0.9/32")), 0));
            int flushesBefore = sink.flushes;
            device.sendPacket(Packets.tight(Packets.ipv4("100.64.0.1", "100.64.0.9", 20, 1)));
            assertEquals(1, sink.pending.size(), "the initiation waits for the caller's flush");
            assertEquals(flushesBefore, sink.flushes, "the packet path does not flush on its own");
            sink.flush();
            // No answer: the retransmission comes from the timers, which must flush it themselves.
            clock.advance(Duration.ofSeconds(6), () -> { });
            assertTrue(sink.onTheWire.size() >= 2, "the retried initiation went out: " + sink.onTheWire.size());
            assertEquals(0, sink.pending.size(), "nothing left behind in the sink's buffer");
            assertEquals(Messages.TYPE_INITIATION, sink.onTheWire.get(sink.onTheWire.size() - 1)[0]);
        }
    }
}
