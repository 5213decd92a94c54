package dev.weft.dataplane.wireguard;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.ip.IpPrefix;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The handshake and timer state machine converges whatever the network did: after a spell
 * of random loss, duplication and reordering with traffic from both sides at random moments, once the
 * network heals, data flows both ways within a few REKEY_TIMEOUTs.
 */
class LossyNetworkPropertyTest {

    @Property(tries = 60)
    void sessionsRecoverAfterLossAndDuplication(@ForAll long seed, @ForAll @IntRange(min = 0, max = 90) int lossPercent,
                                                @ForAll @IntRange(min = 0, max = 50) int duplicatePercent,
                                                @ForAll @IntRange(min = 0, max = 50) int delayPercent) {
        Random random = new Random(seed);
        try (TestNet net = new TestNet()) {
            TestNet.Node a = net.node("a", "192.0.2.1", 51820, DevicePairTest.SHORT);
            TestNet.Node b = net.node("b", "192.0.2.2", 51820, DevicePairTest.SHORT);
            a.device.addPeer(new PeerConfig(b.publicKey(), null, b.address, List.of(IpPrefix.parse("100.64.0.2/32")), 0));
            b.device.addPeer(new PeerConfig(a.publicKey(), null, a.address, List.of(IpPrefix.parse("100.64.0.1/32")), 0));
            boolean[] faulty = {true};
            java.util.List<TestNet.Datagram> delayed = new java.util.ArrayList<>();
            net.tap = d -> {
                if (faulty[0] && random.nextInt(100) < delayPercent) {
                    delayed.add(d); // reordered: released at a later step
                    return null;
                }
                if (faulty[0] && random.nextInt(100) < lossPercent) {
                    d.buf().release();
                    return null;
                }
                if (faulty[0] && random.nextInt(100) < duplicatePercent) {
                    net.inject(d.buf().copy(), d.from(), d.to());
                }
                return d;
            };
            for (int step = 0; step < 100; step++) { // 10 s of chaos
                if (random.nextInt(4) == 0) {
                    a.device.sendPacket(Packets.tight(Packets.ipv4("100.64.0.1", "100.64.0.2", 40, step)));
                }
                if (random.nextInt(4) == 0) {
                    b.device.sendPacket(Packets.tight(Packets.ipv4("100.64.0.2", "100.64.0.1", 40, step)));
                }
                if (!delayed.isEmpty() && random.nextBoolean()) {
                    java.util.Collections.shuffle(delayed, random);
                    for (TestNet.Datagram d : delayed) {
                        net.inject(d.buf(), d.from(), d.to());
                    }
                    delayed.clear();
                }
                net.run(Duration.ofMillis(random.nextInt(200)));
            }
            faulty[0] = false;
            for (TestNet.Datagram d : delayed) {
                net.inject(d.buf(), d.from(), d.to());
            }
            int aBefore = a.delivered.size();
            int bBefore = b.delivered.size();
            for (int step = 0; step < 60; step++) { // 6 s healed
                a.device.sendPacket(Packets.tight(Packets.ipv4("100.64.0.1", "100.64.0.2", 40, 1000 + step)));
                b.device.sendPacket(Packets.tight(Packets.ipv4("100.64.0.2", "100.64.0.1", 40, 1000 + step)));
                net.run(Duration.ofMillis(100));
            }
            int toB = b.delivered.size() - bBefore;
            int toA = a.delivered.size() - aBefore;
            assertTrue(toB >= 30 && toA >= 30, "after healing a->b " + toB + ", b->a " + toA);
            assertTrue(a.peer(b).rejectedBadMac() == 0 && b.peer(a).rejectedBadMac() == 0, "nothing forged here");
        }
    }
}
