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
}
