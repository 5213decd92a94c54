package dev.weft.dataplane.wireguard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.ip.IpPrefix;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two WireGuard devices that reach each other only through a relay's forwarder, in memory. */
class RelayedSessionTest {
    static final String A_IP = "100.64.0.1";
    static final String B_IP = "100.64.0.2";
    static final long ID = 0x1122334455667788L;

    RelayNet net = new RelayNet();
    RelayNet.Node a;
    RelayNet.Node b;
    RelayNet.Node r;
    Endpoint.Relayed aToB;
    Endpoint.Relayed bToA;

    @BeforeEach
    void setUp() {
        a = net.node("192.0.2.1", 51820);
        b = net.node("198.51.100.2", 51820);
        r = net.node("203.0.113.9", 4242);
        // B has no endpoint for A: it learns the relayed one from A's initiation.
        a.device.addPeer(new PeerConfig(b.publicKey(), null, null, List.of(IpPrefix.parse(B_IP + "/32")), 0));
        b.device.addPeer(new PeerConfig(a.publicKey(), null, null, List.of(IpPrefix.parse(A_IP + "/32")), 0));
        assertTrue(r.forwarder.bind(ID, a.address, b.address, 1_000_000));
        aToB = new Endpoint.Relayed(r.address, ID);
        bToA = new Endpoint.Relayed(r.address, ID);
        assertTrue(a.clients.attach(aToB));
        assertTrue(b.clients.attach(bToA));
        net.blocked = d -> (d.from().equals(a.address) && d.to().equals(b.address))
                || (d.from().equals(b.address) && d.to().equals(a.address));
    }

    @AfterEach
    void tearDown() {
        net.close();
    }

    static ByteBuf packet(byte[] p) {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.buffer(p.length + 96);
        buf.writerIndex(32).readerIndex(32);
        buf.writeBytes(p);
        return buf;
    }

    void relayedSession() {
        a.device.setEndpoint(b.publicKey(), aToB);
        byte[] p = Packets.ipv4(A_IP, B_IP, 100, 1);
        a.device.sendPacket(packet(p));
        net.pump();
        assertArrayEquals(p, b.delivered.getLast());
    }

    @Test
    void handshakeAndDataBothWaysOnlyThroughTheRelay() {
        relayedSession();
        byte[] back = Packets.ipv4(B_IP, A_IP, 1300, 2);
        b.device.sendPacket(packet(back));
        // a tight buffer: the copying path leaves room for the frame header too
        byte[] back2 = Packets.ipv4(B_IP, A_IP, 10, 3);
        b.device.sendPacket(io.netty.buffer.Unpooled.wrappedBuffer(back2.clone()));
        net.pump();
        assertEquals(2, a.delivered.size());
        assertArrayEquals(back, a.delivered.get(0));
        assertArrayEquals(back2, a.delivered.get(1));

        assertSame(bToA, b.peer(a).endpointValue(), "B learnt the relayed endpoint from A's initiation");
        assertEquals(r.address, b.peer(a).endpoint());
        assertSame(aToB, a.peer(b).endpointValue());
        assertEquals(0, net.count(a.address, b.address) + net.count(b.address, a.address), "nothing sent direct");
        assertTrue(net.count(a.address, r.address) >= 2 && net.count(b.address, r.address) >= 3);
        for (RelayNet.Datagram d : net.log) {
            if (d.to().equals(r.address)) {
                assertEquals(0xF2, d.buf().getUnsignedByte(0));
                assertEquals(ID, d.buf().getLong(1));
            }
        }
        assertTrue(r.forwarder.counters().framesForwarded() >= 5);
        assertEquals(0, r.delivered.size(), "the relay has no session: it sees no plaintext");
    }

    @Test
    void roamsFromRelayedToDirectAndBack() {
        relayedSession();
        net.blocked = d -> false;
        a.device.setEndpoint(b.publicKey(), new Endpoint.Direct(b.address));
        byte[] p = Packets.ipv4(A_IP, B_IP, 50, 4);
        a.device.sendPacket(packet(p));
        net.pump();
        assertArrayEquals(p, b.delivered.getLast());
        assertEquals(new Endpoint.Direct(a.address), b.peer(a).endpointValue(), "B roamed to the direct path");
        long viaRelay = r.forwarder.counters().framesForwarded();
        byte[] q = Packets.ipv4(B_IP, A_IP, 50, 5);
        b.device.sendPacket(packet(q));
        net.pump();
        assertArrayEquals(q, a.delivered.getLast());
        assertEquals(viaRelay, r.forwarder.counters().framesForwarded(), "the answer went direct");

        a.device.setEndpoint(b.publicKey(), aToB);
        a.device.sendPacket(packet(p));
        net.pump();
        assertSame(bToA, b.peer(a).endpointValue(), "B roamed back to the relay (the attached instance)");
        b.device.sendPacket(packet(q));
        net.pump();
        assertEquals(viaRelay + 2, r.forwarder.counters().framesForwarded());
    }

    @Test
    void aChosenDirectPathIsNotPulledBackToTheRelayByPacketsTheOtherSideStillRelays() {
        relayedSession();
        net.blocked = d -> false;
        a.device.setEndpoint(b.publicKey(), new Endpoint.Direct(b.address)); // A's path selection found it
        byte[] q = Packets.ipv4(B_IP, A_IP, 50, 6);
        b.device.setEndpoint(a.publicKey(), bToA); // B has not switched yet
        b.device.sendPacket(packet(q));
        net.pump();
        assertArrayEquals(q, a.delivered.getLast(), "relayed packets are still taken");
        assertEquals(new Endpoint.Direct(b.address), a.peer(b).endpointValue(), "A stays on its direct path");
        a.device.setEndpoint(b.publicKey(), aToB); // A's selection gives the direct path up
        b.device.setEndpoint(a.publicKey(), new Endpoint.Direct(a.address));
        b.device.sendPacket(packet(q));
        net.pump();
        assertEquals(new Endpoint.Direct(b.address), a.peer(b).endpointValue(), "a direct packet moves a relayed session");
    }

    @Test
    void movingAPeerWhoseHandshakeIsPendingInitiatesAtOnce() {
        // The first guess is a dead direct address; the move to the relay must not wait 5 s.
        InetSocketAddress dead = RelayNet.at("192.0.2.99", 51820);
        a.device.setEndpoint(b.publicKey(), new Endpoint.Direct(dead));
        a.device.sendPacket(packet(Packets.ipv4(A_IP, B_IP, 10, 6)));
        net.pump();
        assertEquals(1, net.count(a.address, dead));
        a.device.setEndpoint(b.publicKey(), aToB);
        net.pump();
        assertEquals(1, b.delivered.size(), "handshake through the relay at once, staged packet delivered");
        assertSame(aToB, a.peer(b).endpointValue());

        // at most one initiation per 100 ms per peer when moved back and forth while pending
        a.device.removePeer(b.publicKey());
        a.device.addPeer(new PeerConfig(b.publicKey(), null, dead, List.of(IpPrefix.parse(B_IP + "/32")), 0));
        net.blocked = d -> true;
        a.device.sendPacket(packet(Packets.ipv4(A_IP, B_IP, 10, 7)));
        net.pump();
        long before = initiationsFrom(a);
        a.device.setEndpoint(b.publicKey(), aToB);
        a.device.setEndpoint(b.publicKey(), new Endpoint.Direct(dead));
        a.device.setEndpoint(b.publicKey(), aToB);
        net.pump();
        assertEquals(before + 1, initiationsFrom(a));
        net.run(Duration.ofMillis(150));
        a.device.setEndpoint(b.publicKey(), new Endpoint.Direct(dead));
        net.pump();
        assertEquals(before + 2, initiationsFrom(a));
    }

    @Test
    void noInitiationOnAMoveWhenNothingIsPending() {
        relayedSession();
        long before = initiationsFrom(a);
        a.device.setEndpoint(b.publicKey(), new Endpoint.Direct(b.address));
        net.pump();
        assertEquals(before, initiationsFrom(a), "the session is up: data follows the move");
    }

    long initiationsFrom(RelayNet.Node n) {
        return net.log.stream().filter(d -> d.from().equals(n.address)).filter(d -> {
            int at = d.buf().getUnsignedByte(0) == 0xF2 ? 9 : 0;
            return d.buf().readableBytes() > at && d.buf().getByte(at) == 1;
        }).count();
    }

    @Test
    void framesFromAWrongSourceAreDropped() {
        relayedSession();
        RelayNet.Node mallory = net.node("192.0.2.66", 51820);
        long forwarded = r.forwarder.counters().framesForwarded();
        ByteBuf frame = frame(ID, 200);
        r.receive(frame, mallory.address);
        assertEquals(0, frame.refCnt());
        assertEquals(1, r.forwarder.counters().droppedWrongSource());
        assertEquals(forwarded, r.forwarder.counters().framesForwarded());
        // and at the client: a frame with the attached id but not from the relay
        ByteBuf spoofed = frame(ID, 200);
        b.receive(spoofed, mallory.address);
        assertEquals(0, spoofed.refCnt());
        assertEquals(1, b.clients.counters().droppedWrongSource());
    }

    @Test
    void unknownIdsAreDroppedAndCounted() {
        ByteBuf frame = frame(42, 100);
        r.receive(frame, a.address);
        assertEquals(0, frame.refCnt());
        assertEquals(1, r.demux.counters().unknownId());
        assertTrue(r.forwarder.unbind(ID));
        ByteBuf after = frame(ID, 100);
        r.receive(after, a.address);
        assertEquals(0, after.refCnt());
        assertEquals(2, r.demux.counters().unknownId());
        assertFalse(r.forwarder.unbind(ID));
    }

    @Test
    void rateLimitPerBinding() {
        long id = 7;
        assertTrue(r.forwarder.bind(id, a.address, b.address, 10_000)); // burst: one second's worth
        for (int i = 0; i < 20; i++) {
            r.receive(frame(id, 1000 - RelayFrameConstants.HEADER), a.address);
        }
        net.pump();
        assertEquals(10, r.forwarder.counters().framesForwarded());
        assertEquals(10, r.forwarder.counters().droppedRate());
        net.run(Duration.ofMillis(500));
        for (int i = 0; i < 20; i++) {
            r.receive(frame(id, 1000 - RelayFrameConstants.HEADER), b.address);
        }
        net.pump();
        assertEquals(15, r.forwarder.counters().framesForwarded());
        assertEquals(25, r.forwarder.counters().droppedRate());
        assertEquals(15 * 1000, r.forwarder.counters().bytesForwarded());
    }

    @Test
    void boundedTablesAndLastUse() {
        for (long id = 100; r.forwarder.bindings() < r.forwarder.maxBindings(); id++) {
            assertTrue(r.forwarder.bind(id, a.address, b.address, 1000));
        }
        assertFalse(r.forwarder.bind(99, a.address, b.address, 1000), "full");
        assertTrue(r.forwarder.bind(ID, b.address, a.address, 1000), "an existing id is re-bound when full");
        long t0 = r.forwarder.lastUsedNanos(ID);
        net.run(Duration.ofSeconds(3));
        assertEquals(t0, r.forwarder.lastUsedNanos(ID));
        r.receive(frame(ID, 10), a.address);
        net.pump();
        assertEquals(net.clock.nanoTime(), r.forwarder.lastUsedNanos(ID));
        assertEquals(dev.weft.dataplane.relay.RelayForwarder.UNKNOWN, r.forwarder.lastUsedNanos(99));
        for (long id = 1; a.clients.size() < a.clients.maxAttached(); id++) {
            assertTrue(a.clients.attach(new Endpoint.Relayed(r.address, 1000 + id)));
        }
        assertFalse(a.clients.attach(new Endpoint.Relayed(r.address, 5)));
        assertTrue(a.clients.detach(ID));
        assertTrue(a.clients.attach(new Endpoint.Relayed(r.address, 5)));
    }

    static ByteBuf frame(long id, int payload) {
        ByteBuf f = PooledByteBufAllocator.DEFAULT.buffer(9 + payload);
        f.writeByte(0xF2).writeLong(id);
        f.writeByte(4); // looks like a transport message; the relay does not care
        f.writeZero(payload - 1);
        return f;
    }

    /** The frame layout as the tests spell it. */
    static final class RelayFrameConstants {
        static final int HEADER = Endpoint.Relayed.FRAME_HEADER;
    }
}
