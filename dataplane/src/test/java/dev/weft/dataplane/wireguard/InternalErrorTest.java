package dev.weft.dataplane.wireguard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.weft.dataplane.crypto.Curve25519;
import dev.weft.ip.IpPrefix;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A bug (here: a sink that throws) is counted as an internal error and surfaces, never as malformed input. */
class InternalErrorTest {
    private static final InetSocketAddress A = new InetSocketAddress("192.0.2.1", 51820);
    private static final InetSocketAddress B = new InetSocketAddress("192.0.2.2", 51820);
    private static final IllegalStateException BUG = new IllegalStateException("a bug in the sink");

    private final ManualClock clock = new ManualClock();
    private final List<ByteBuf> fromA = new ArrayList<>();
    private final List<WireGuardDevice> devices = new ArrayList<>();

    @AfterEach
    void close() {
        devices.forEach(WireGuardDevice::close);
        fromA.forEach(ByteBuf::release);
    }

    private WireGuardDevice device(PacketSink sink) {
        WireGuardDevice d = new WireGuardDevice(Curve25519.generatePrivateKey(new SecureRandom()), sink, clock,
                WireGuardOptions.standard(), UnpooledByteBufAllocator.DEFAULT);
        devices.add(d);
        return d;
    }

    private static PacketSink throwing(boolean onSend, boolean onFlush) {
        return new PacketSink() {
            @Override
            public void sendDatagram(ByteBuf datagram, InetSocketAddress to) {
                datagram.release();
                if (onSend) {
                    throw BUG;
                }
            }

            @Override
            public void deliverPacket(ByteBuf ipPacket) {
                ipPacket.release();
            }

            @Override
            public void flush() {
                if (onFlush) {
                    throw BUG;
                }
            }
        };
    }

    private void connect(WireGuardDevice a, WireGuardDevice b) {
        a.addPeer(new PeerConfig(b.publicKey(), null, B, List.of(IpPrefix.parse("100.64.0.2/32")), 0));
        b.addPeer(new PeerConfig(a.publicKey(), null, A, List.of(IpPrefix.parse("100.64.0.1/32")), 0));
    }

    @Test
    void aFailingSinkWhileAnsweringAnInitiationIsAnInternalErrorNotMalformed() {
        WireGuardDevice a = device(new PacketSink() {
            @Override
            public void sendDatagram(ByteBuf datagram, InetSocketAddress to) {
                fromA.add(datagram);
            }

            @Override
            public void deliverPacket(ByteBuf ipPacket) {
                ipPacket.release();
            }
        });
        WireGuardDevice b = device(throwing(true, false));
        connect(a, b);
        a.sendPacket(Packets.withHeadroom(Packets.ipv4("100.64.0.1", "100.64.0.2", 100, 1)));
        assertEquals(1, fromA.size(), "the initiation");
        ByteBuf initiation = fromA.remove(0);

        RuntimeException thrown = assertThrows(RuntimeException.class, () -> b.receiveDatagram(initiation, A));
        assertSame(BUG, thrown, "the bug surfaces");
        assertEquals(0, initiation.refCnt(), "and the datagram is still released");
        DeviceCounters c = b.counters();
        assertEquals(0, c.malformed(), "a well-formed initiation is not malformed");
        assertEquals(1, c.internalErrors());
    }

    @Test
    void aFailingFlushIsCountedAndTheTimersGoOn() {
        WireGuardDevice b = device(throwing(false, true));
        clock.advance(Duration.ofMillis(500), () -> { });
        long ticks = 500 / WireGuardOptions.standard().tickInterval().toMillis();
        assertEquals(ticks, b.counters().internalErrors(), "one per tick: each tick still runs");
        assertEquals(0, b.counters().malformed());
    }
}
