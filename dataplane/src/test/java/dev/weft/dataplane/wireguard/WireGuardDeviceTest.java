package dev.weft.dataplane.wireguard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two devices on an in-memory network, driven through the public API only. */
class WireGuardDeviceTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final InetSocketAddress ADDR_A = new InetSocketAddress("192.0.2.1", 51820);
    private static final InetSocketAddress ADDR_B = new InetSocketAddress("198.51.100.2", 51820);

    private final ManualScheduler scheduler = new ManualScheduler();
    private final MemoryNetwork network = new MemoryNetwork();
    private MemoryNetwork.Node a;
    private MemoryNetwork.Node b;
    private byte[] keyA;
    private byte[] keyB;

    @BeforeEach
    void setUp() {
        keyA = Keys.generatePrivateKey(RANDOM);
        keyB = Keys.generatePrivateKey(RANDOM);
    }

    @AfterEach
    void tearDown() {
        if (a != null) {
            a.device.close();
        }
        if (b != null) {
            b.device.close();
        }
    }

    private void connect(WireGuardOptions options, byte[] psk) {
        a = network.node(ADDR_A);
        b = network.node(ADDR_B);
        a.device = new WireGuardDevice(keyA, a, scheduler, options);
        b.device = new WireGuardDevice(keyB, b, scheduler, options);
        a.device.addPeer(new PeerConfig(Keys.publicKey(keyB), psk, ADDR_B,
                List.of(IpPrefix.parse("100.64.0.2/32"), IpPrefix.parse("fd00::2/128")), 0));
        b.device.addPeer(new PeerConfig(Keys.publicKey(keyA), psk, ADDR_A,
                List.of(IpPrefix.parse("100.64.0.1/32"), IpPrefix.parse("fd00::1/128")), 0));
    }

    private PeerStatus statusOf(MemoryNetwork.Node node) {
        return node.device.peers().get(0);
    }

    @Test
    void handshakeThenDataBothWays() {
        connect(WireGuardOptions.defaults(), null);
        byte[] p1 = Packets.ipv4("100.64.0.1", "100.64.0.2", 100);
        a.device.sendPacket(Packets.heap(p1));
        network.pump();
        assertEquals(1, b.delivered.size(), "the staged packet arrives after the handshake");
        assertArrayEquals(p1, b.delivered.get(0));
        assertNotNull(statusOf(a).lastHandshake());

        byte[] p2 = Packets.ipv6("fd00::2", "fd00::1", 1000);
        b.device.sendPacket(Packets.withHeadroom(p2));
        network.pump();
        assertEquals(1, a.delivered.size());
        assertArrayEquals(p2, a.delivered.get(0));
        assertNotNull(statusOf(b).lastHandshake(), "responder's handshake completes on first data");

        for (int i = 0; i < 50; i++) {
            a.device.sendPacket(Packets.withHeadroom(Packets.ipv4("100.64.0.1", "100.64.0.2", i * 20)));
            b.device.sendPacket(Packets.heap(Packets.ipv4("100.64.0.2", "100.64.0.1", i * 25)));
        }
        network.pump();
        assertEquals(51, b.delivered.size());
        assertEquals(51, a.delivered.size());
        assertTrue(statusOf(a).txBytes() > 0 && statusOf(a).rxBytes() > 0);
        assertEquals(0, statusOf(a).rejectedBadMac() + statusOf(b).rejectedBadMac());
    }

    @Test
    void withPresharedKey() {
        byte[] psk = new byte[32];
        RANDOM.nextBytes(psk);
        connect(WireGuardOptions.defaults(), psk);
        a.device.sendPacket(Packets.heap(Packets.ipv4("100.64.0.1", "100.64.0.2", 10)));
        network.pump();
        assertEquals(1, b.delivered.size());
    }

    @Test
    void mismatchedPresharedKeyNeverConnects() {
        byte[] psk = new byte[32];
        RANDOM.nextBytes(psk);
        a = network.node(ADDR_A);
        b = network.node(ADDR_B);
        a.device = new WireGuardDevice(keyA, a, scheduler);
        b.device = new WireGuardDevice(keyB, b, scheduler);
        a.device.addPeer(new PeerConfig(Keys.publicKey(keyB), psk, ADDR_B, List.of(IpPrefix.parse("100.64.0.2/32")), 0));
        b.device.addPeer(new PeerConfig(Keys.publicKey(keyA), null, ADDR_A, List.of(IpPrefix.parse("100.64.0.1/32")), 0));
        a.device.sendPacket(Packets.heap(Packets.ipv4("100.64.0.1", "100.64.0.2", 10)));
        network.pump();
        assertEquals(0, b.delivered.size());
        assertNull(statusOf(a).lastHandshake());
        assertEquals(1, statusOf(a).rejectedBadMac(), "the response does not authenticate with the wrong PSK");
    }

    private void handshake() {
        a.device.sendPacket(Packets.heap(Packets.ipv4("100.64.0.1", "100.64.0.2", 10)));
        network.pump();
        b.device.sendPacket(Packets.heap(Packets.ipv4("100.64.0.2", "100.64.0.1", 10)));
        network.pump();
        assertEquals(1, a.delivered.size());
        assertEquals(1, b.delivered.size());
    }

    private List<MemoryNetwork.Datagram> sentOfType(int type, InetSocketAddress from) {
        return network.sent.stream().filter(d -> d.bytes()[0] == type && d.from().equals(from)).toList();
    }

    @Test
    void replayedTransportIsRejectedAndCounted() {
        connect(WireGuardOptions.defaults(), null);
        handshake();
        a.device.sendPacket(Packets.heap(Packets.ipv4("100.64.0.1", "100.64.0.2", 50)));
        network.pump();
        assertEquals(2, b.delivered.size());
        MemoryNetwork.Datagram last = network.sent.get(network.sent.size() - 1);
        b.device.receiveDatagram(io.netty.buffer.Unpooled.copiedBuffer(last.bytes()), last.from());
        b.device.receiveDatagram(io.netty.buffer.Unpooled.copiedBuffer(last.bytes()), last.from());
        assertEquals(2, b.delivered.size());
        assertEquals(2, statusOf(b).rejectedReplay());
    }

    @Test
    void tamperedTransportIsRejectedAndCounted() {
        connect(WireGuardOptions.defaults(), null);
        handshake();
        a.device.sendPacket(Packets.heap(Packets.ipv4("100.64.0.1", "100.64.0.2", 50)));
        MemoryNetwork.Datagram original = network.sent.get(network.sent.size() - 1);
        network.clearQueue();
        for (int position : new int[] {8, 20, original.bytes().length - 1}) {
            byte[] tampered = original.bytes().clone();
            tampered[position] ^= 0x40;
            b.device.receiveDatagram(io.netty.buffer.Unpooled.copiedBuffer(tampered), ADDR_A);
        }
        assertEquals(1, b.delivered.size());
        assertEquals(3, statusOf(b).rejectedBadMac());
        byte[] wrongIndex = original.bytes().clone();
        wrongIndex[4] ^= 1;
        b.device.receiveDatagram(io.netty.buffer.Unpooled.copiedBuffer(wrongIndex), ADDR_A);
        assertEquals(1, b.device.counters().unknownPeer());
        // The untouched original still gets through afterwards.
        b.device.receiveDatagram(io.netty.buffer.Unpooled.copiedBuffer(original.bytes()), ADDR_A);
        assertEquals(2, b.delivered.size());
    }

    @Test
    void replayedInitiationIsRefusedByTimestamp() {
        connect(WireGuardOptions.defaults(), null);
        handshake();
        MemoryNetwork.Datagram initiation = sentOfType(1, ADDR_A).get(0);
        int before = network.sent.size();
        scheduler.advance(Duration.ofSeconds(1));
        b.device.receiveDatagram(io.netty.buffer.Unpooled.copiedBuffer(initiation.bytes()), ADDR_A);
        assertEquals(before, network.sent.size(), "no response to a replayed initiation");
        assertEquals(1, statusOf(b).rejectedOther());
    }

    @Test
    void sourceAddressOutsideAllowedIpsIsDropped() {
        connect(WireGuardOptions.defaults(), null);
        handshake();
        b.device.sendPacket(Packets.heap(Packets.ipv4("100.64.0.77", "100.64.0.1", 20)));
        network.pump();
        assertEquals(1, a.delivered.size());
        assertEquals(1, statusOf(a).rejectedOther());
        a.device.sendPacket(Packets.heap(Packets.ipv4("100.64.0.1", "100.64.9.9", 20)));
        assertEquals(1, a.device.counters().noRoute());
    }

    @Test
    void rekeysByTimeUnderTrafficWithShortenedTimers() {
        connect(WireGuardOptions.defaults().withTimings(Timings.standard().scaledDownForTests(10)), null);
        handshake();
        int sentPackets = 1;
        for (int second = 0; second < 60; second++) {
            a.device.sendPacket(Packets.heap(Packets.ipv4("100.64.0.1", "100.64.0.2", second)));
            b.device.sendPacket(Packets.heap(Packets.ipv4("100.64.0.2", "100.64.0.1", second)));
            sentPackets++;
            network.pump();
            scheduler.advance(Duration.ofMillis(1000));
            network.pump();
        }
        assertEquals(sentPackets, b.delivered.size(), "no packet lost across rekeys");
        assertEquals(sentPackets, a.delivered.size());
        int initiations = sentOfType(1, ADDR_A).size() + sentOfType(1, ADDR_B).size();
        assertTrue(initiations >= 4, "REKEY_AFTER_TIME of 12 s over 60 s rekeys repeatedly, got " + initiations);
        assertEquals(0, statusOf(a).rejectedBadMac() + statusOf(b).rejectedBadMac());
    }

    @Test
    void rekeysByMessageCount() {
        connect(WireGuardOptions.defaults().withTimings(Timings.standard().withMessageLimits(100, 150)), null);
        handshake();
        for (int i = 0; i < 1000; i++) {
            a.device.sendPacket(Packets.heap(Packets.ipv4("100.64.0.1", "100.64.0.2", 8)));
            network.pump();
            // Initiations are at least REKEY_TIMEOUT apart, so let time pass with the traffic.
            scheduler.advance(Duration.ofMillis(60));
        }
        assertEquals(1001, b.delivered.size());
        assertTrue(sentOfType(1, ADDR_A).size() >= 9, "a new session about every 100 messages");
    }

    @Test
    void endpointRoamsOnAuthenticatedPackets() {
        connect(WireGuardOptions.defaults(), null);
        handshake();
        InetSocketAddress moved = new InetSocketAddress("192.0.2.77", 40000);
        network.move(a, moved);
        a.device.sendPacket(Packets.heap(Packets.ipv4("100.64.0.1", "100.64.0.2", 30)));
        network.pump();
        assertEquals(moved, statusOf(b).endpoint());
        b.device.sendPacket(Packets.heap(Packets.ipv4("100.64.0.2", "100.64.0.1", 30)));
        network.pump();
        assertEquals(2, a.delivered.size(), "the reply reaches the new address");
        // A forged packet from elsewhere does not move the endpoint.
        byte[] junk = Packets.ipv4("1.2.3.4", "5.6.7.8", 10);
        byte[] forged = new byte[32 + junk.length];
        forged[0] = 4;
        b.device.receiveDatagram(io.netty.buffer.Unpooled.copiedBuffer(forged), new InetSocketAddress("203.0.113.66", 1));
        assertEquals(moved, statusOf(b).endpoint());
    }

    @Test
    void passiveKeepaliveAnswersDataAfterKeepaliveTimeout() {
        connect(WireGuardOptions.defaults(), null);
        handshake();
        a.device.sendPacket(Packets.heap(Packets.ipv4("100.64.0.1", "100.64.0.2", 30)));
        network.pump();
        int before = sentOfType(4, ADDR_B).size();
        scheduler.advance(Duration.ofSeconds(11));
        network.pump();
        List<MemoryNetwork.Datagram> fromB = sentOfType(4, ADDR_B);
        assertEquals(before + 1, fromB.size());
        assertEquals(32, fromB.get(fromB.size() - 1).bytes().length, "a keepalive is an empty transport message");
        scheduler.advance(Duration.ofSeconds(60));
        network.pump();
        assertEquals(before + 1, sentOfType(4, ADDR_B).size(), "no keepalives without data");
    }

    @Test
    void persistentKeepaliveStartsSessionAndRepeats() {
        a = network.node(ADDR_A);
        b = network.node(ADDR_B);
        a.device = new WireGuardDevice(keyA, a, scheduler);
        b.device = new WireGuardDevice(keyB, b, scheduler);
        b.device.addPeer(new PeerConfig(Keys.publicKey(keyA), null, null, List.of(IpPrefix.parse("100.64.0.1/32")), 0));
        a.device.addPeer(new PeerConfig(Keys.publicKey(keyB), null, ADDR_B, List.of(IpPrefix.parse("100.64.0.2/32")), 25));
        network.pump();
        assertNotNull(statusOf(a).lastHandshake(), "the first keepalive brings up a session");
        assertEquals(ADDR_A, statusOf(b).endpoint(), "b learned a's endpoint from the handshake");
        int keepalives = sentOfType(4, ADDR_A).size();
        scheduler.advance(Duration.ofSeconds(100));
        network.pump();
        assertEquals(keepalives + 4, sentOfType(4, ADDR_A).size());
    }

    @Test
    void handshakeRetriesWithJitterThenGivesUpAndZeroes() {
        connect(WireGuardOptions.defaults(), null);
        network.dropFilter = d -> d.to().equals(ADDR_B);
        a.device.sendPacket(Packets.heap(Packets.ipv4("100.64.0.1", "100.64.0.2", 10)));
        scheduler.advance(Duration.ofSeconds(200));
        List<MemoryNetwork.Datagram> initiations = sentOfType(1, ADDR_A);
        assertTrue(initiations.size() >= 17 && initiations.size() <= 21,
                "about REKEY_ATTEMPT_TIME / REKEY_TIMEOUT attempts, got " + initiations.size());
        network.dropFilter = d -> false;
        scheduler.advance(Duration.ofSeconds(60));
        network.pump();
        assertEquals(0, b.delivered.size(), "the staged packet was dropped when the handshake gave up");
    }

    @Test
    void oldSessionsAreZeroedAfterThreeRejectAfterTimes() {
        connect(WireGuardOptions.defaults(), null);
        handshake();
        a.device.sendPacket(Packets.heap(Packets.ipv4("100.64.0.1", "100.64.0.2", 10)));
        MemoryNetwork.Datagram old = network.sent.get(network.sent.size() - 1);
        network.clearQueue();
        scheduler.advance(Duration.ofSeconds(181));
        b.device.receiveDatagram(io.netty.buffer.Unpooled.copiedBuffer(old.bytes()), ADDR_A);
        assertEquals(1, statusOf(b).rejectedOther(), "past REJECT_AFTER_TIME the session is refused");
        scheduler.advance(Duration.ofSeconds(400));
        b.device.receiveDatagram(io.netty.buffer.Unpooled.copiedBuffer(old.bytes()), ADDR_A);
        assertEquals(1, b.device.counters().unknownPeer(), "after 3 x REJECT_AFTER_TIME the keys are gone");
    }

    @Test
    void cookieReplyUnderLoadAndTheLegitimatePeerStillGetsThrough() {
        connect(WireGuardOptions.defaults().withHandshakesPerSecondLoad(5), null);
        InetSocketAddress attacker = new InetSocketAddress("203.0.113.200", 666);
        ReferenceWireGuard flood = new ReferenceWireGuard(Keys.generatePrivateKey(RANDOM), Keys.publicKey(keyB), null);
        a.device.sendPacket(Packets.heap(Packets.ipv4("100.64.0.1", "100.64.0.2", 10)));
        network.clearQueue();
        for (int step = 0; step < 200 && b.delivered.isEmpty(); step++) {
            for (int i = 0; i < 10; i++) {
                byte[] bogus = flood.createInitiation(Tai64n.stamp(scheduler.now().plusNanos(step * 100L + i)));
                b.device.receiveDatagram(io.netty.buffer.Unpooled.copiedBuffer(bogus), attacker);
            }
            if (step == 0) {
                // a's first initiation arrives in the middle of the flood.
                MemoryNetwork.Datagram first = sentOfType(1, ADDR_A).get(0);
                b.device.receiveDatagram(io.netty.buffer.Unpooled.copiedBuffer(first.bytes()), ADDR_A);
                network.pump();
            }
            scheduler.advance(Duration.ofMillis(100));
            network.pump();
        }
        assertEquals(1, b.delivered.size(), "the legitimate peer got through while under load");
        DeviceCounters counters = b.device.counters();
        assertTrue(counters.cookieRepliesSent() > 100, "flood answered with cookies: " + counters);
        assertTrue(counters.unknownPeer() <= 10, "the flood mostly never reached the DH work: " + counters);
        List<MemoryNetwork.Datagram> initiations = sentOfType(1, ADDR_A);
        byte[] retried = initiations.get(initiations.size() - 1).bytes();
        assertTrue(!java.util.Arrays.equals(new byte[16], java.util.Arrays.copyOfRange(retried, 132, 148)),
                "the retried initiation carries MAC2 from the cookie");
        assertTrue(sentOfType(3, ADDR_B).stream().anyMatch(d -> d.to().equals(ADDR_A)), "a got a cookie reply");
    }
}
