package dev.weft.dataplane.wireguard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weft.ip.IpPrefix;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Packets wait for a session in a bounded queue; what the bound drops is counted. */
class StagingTest {
    private final TestNet net = new TestNet();

    @AfterEach
    void close() {
        net.close();
    }

    @Test
    void packetsBeyondTheQueueAreDroppedOldestFirstAndCounted() {
        WireGuardOptions options = WireGuardOptions.standard();
        TestNet.Node a = net.node("a", "192.0.2.1", 51820, options);
        TestNet.Node b = net.node("b", "192.0.2.2", 51820, options);
        a.device.addPeer(new PeerConfig(b.publicKey(), null, b.address, List.of(IpPrefix.parse(DevicePairTest.B_IP + "/32")), 0));
        int max = options.maxStagedPackets();
        for (int i = 0; i < max + 5; i++) { // no session yet: nothing is pumped, the handshake never completes
            a.device.sendPacket(Packets.tight(Packets.ipv4(DevicePairTest.A_IP, DevicePairTest.B_IP, 100, i)));
        }
        assertEquals(5, a.device.counters().stagedDropped());
    }
}
