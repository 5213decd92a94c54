package dev.weft.dataplane.wireguard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The device against the independent whitepaper reference, in both roles, with and without PSK. */
class ReferenceHandshakeTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final InetSocketAddress REF_ADDR = new InetSocketAddress("203.0.113.9", 4242);

    private final ManualScheduler scheduler = new ManualScheduler();
    private final CapturingSink sink = new CapturingSink();

    private WireGuardDevice device(byte[] key, byte[] refPublic, byte[] psk) {
        WireGuardDevice device = new WireGuardDevice(key, sink, scheduler);
        device.addPeer(new PeerConfig(refPublic, psk, REF_ADDR, List.of(IpPrefix.parse("100.64.0.9/32")), 0));
        return device;
    }

    private static byte[] psk(boolean withPsk) {
        if (!withPsk) {
            return null;
        }
        byte[] psk = new byte[32];
        RANDOM.nextBytes(psk);
        return psk;
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void referenceInitiatesDeviceResponds(boolean withPsk) {
        byte[] psk = psk(withPsk);
        byte[] deviceKey = Keys.generatePrivateKey(RANDOM);
        byte[] refKey = Keys.generatePrivateKey(RANDOM);
        ReferenceWireGuard ref = new ReferenceWireGuard(refKey, Keys.publicKey(deviceKey), psk);
        try (WireGuardDevice device = device(deviceKey, Keys.publicKey(refKey), psk)) {
            byte[] initiation = ref.createInitiation(Tai64n.stamp(scheduler.now()));
            device.receiveDatagram(Unpooled.wrappedBuffer(initiation), REF_ADDR);
            assertEquals(1, sink.datagrams.size(), "device answers with a response");
            assertEquals(REF_ADDR, sink.datagrams.get(0).to());
            assertTrue(ref.consumeResponse(sink.takeLast()), "the reference accepts the device's response");

            byte[] inbound = Packets.ipv4("100.64.0.9", "100.64.0.1", 77);
            device.receiveDatagram(Unpooled.wrappedBuffer(ref.transport(inbound)), REF_ADDR);
            assertEquals(1, sink.delivered.size());
            assertArrayEquals(inbound, sink.delivered.get(0), "padding stripped, plaintext exact");

            byte[] outbound = Packets.ipv4("100.64.0.1", "100.64.0.9", 1300);
            device.sendPacket(Unpooled.wrappedBuffer(outbound));
            byte[] transport = sink.takeLast();
            assertEquals(16 + 1328 + 16, transport.length, "1320-byte packet padded to 1328");
            byte[] opened = ref.openTransport(transport);
            assertNotNull(opened);
            assertArrayEquals(outbound, Arrays.copyOf(opened, outbound.length));
            assertNotNull(device.peers().get(0).lastHandshake());
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void deviceInitiatesReferenceResponds(boolean withPsk) {
        byte[] psk = psk(withPsk);
        byte[] deviceKey = Keys.generatePrivateKey(RANDOM);
        byte[] refKey = Keys.generatePrivateKey(RANDOM);
        ReferenceWireGuard ref = new ReferenceWireGuard(refKey, Keys.publicKey(deviceKey), psk);
        try (WireGuardDevice device = device(deviceKey, Keys.publicKey(refKey), psk)) {
            byte[] outbound = Packets.ipv4("100.64.0.1", "100.64.0.9", 33);
            device.sendPacket(Unpooled.wrappedBuffer(outbound));
            byte[] initiation = sink.takeLast();
            byte[] timestamp = ref.consumeInitiation(initiation);
            assertNotNull(timestamp, "the reference accepts the device's initiation");
            assertArrayEquals(Tai64n.stamp(scheduler.now()), timestamp);

            device.receiveDatagram(Unpooled.wrappedBuffer(ref.createResponse()), REF_ADDR);
            byte[] transport = sink.takeLast();
            byte[] opened = ref.openTransport(transport);
            assertNotNull(opened, "the staged packet goes out on the new session");
            assertArrayEquals(outbound, Arrays.copyOf(opened, outbound.length));

            byte[] inbound = Packets.ipv4("100.64.0.9", "100.64.0.1", 5);
            device.receiveDatagram(Unpooled.wrappedBuffer(ref.transport(inbound)), REF_ADDR);
            assertArrayEquals(inbound, sink.delivered.get(0));
        }
    }
}
