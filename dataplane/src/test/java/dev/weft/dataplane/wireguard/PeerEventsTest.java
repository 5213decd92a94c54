package dev.weft.dataplane.wireguard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.ip.IpPrefix;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Completed handshakes and endpoint changes reach whoever chooses paths; endpoints are values. */
class PeerEventsTest {
    private final TestNet net = new TestNet();

    @AfterEach
    void close() {
        net.close();
    }

    private static final class Recorder implements PeerEvents {
        final List<String> events = new ArrayList<>();

        @Override
        public void handshakeCompleted(byte[] publicKey) {
            events.add("handshake " + Base64.getEncoder().encodeToString(publicKey));
        }

        @Override
        public void endpointChanged(byte[] publicKey, Endpoint before, Endpoint after) {
            events.add("endpoint " + Base64.getEncoder().encodeToString(publicKey) + " "
                    + (before == null ? "none" : before.address()) + " -> " + after.address());
        }
    }

    @Test
    void handshakesAndRoamingAreEventsAndAPeerCanBeMoved() {
        TestNet.Node a = net.node("a", "192.0.2.1", 51820, WireGuardOptions.standard());
        TestNet.Node b = net.node("b", "192.0.2.2", 51820, WireGuardOptions.standard());
        Recorder onA = new Recorder();
        Recorder onB = new Recorder();
        a.device.setPeerEvents(onA);
        b.device.setPeerEvents(onB);
        a.device.addPeer(new PeerConfig(b.publicKey(), null, b.address, List.of(IpPrefix.parse(DevicePairTest.B_IP + "/32")), 0));
        b.device.addPeer(new PeerConfig(a.publicKey(), null, null, List.of(IpPrefix.parse(DevicePairTest.A_IP + "/32")), 0));
        String keyA = Base64.getEncoder().encodeToString(a.publicKey());
        String keyB = Base64.getEncoder().encodeToString(b.publicKey());
        assertEquals(List.of("endpoint " + keyB + " none -> " + b.address), onA.events, "configured");

        a.device.sendPacket(Packets.tight(Packets.ipv4(DevicePairTest.A_IP, DevicePairTest.B_IP, 100, 1)));
        net.pump();
        assertTrue(onA.events.contains("handshake " + keyB), onA.events.toString());
        assertTrue(onB.events.contains("handshake " + keyA), onB.events.toString());
        assertTrue(onB.events.contains("endpoint " + keyA + " none -> " + a.address), "b learned a's endpoint: " + onB.events);

        int before = onB.events.size();
        b.device.sendPacket(Packets.tight(Packets.ipv4(DevicePairTest.B_IP, DevicePairTest.A_IP, 100, 2)));
        net.pump();
        assertEquals(before, onB.events.size(), "no event for an unchanged endpoint");

        InetSocketAddress moved = new InetSocketAddress("192.0.2.9", 4242);
        assertTrue(b.device.setEndpoint(a.publicKey(), new Endpoint.Direct(moved)));
        assertEquals("endpoint " + keyA + " " + a.address + " -> " + moved, onB.events.get(onB.events.size() - 1));
        assertEquals(moved, b.peer(a).endpoint());
        assertArrayEquals(a.publicKey(), b.device.peers().get(0).publicKey());
    }
}
