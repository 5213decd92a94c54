package dev.weft.dataplane.wireguard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.ip.IpPrefix;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Two (or three) devices over an in-memory network, driven like a user drives them. */
class DevicePairTest {
    static final String A_IP = "100.64.0.1";
    static final String B_IP = "100.64.0.2";
    static final String B_IP6 = "fd00::2";
    static final String A_IP6 = "fd00::1";

    /** Shortened timers (the test-only setting). */
    static final WireGuardOptions SHORT = WireGuardOptions.standard().withTimers(Duration.ofSeconds(3),
            Duration.ofSeconds(5), Duration.ofSeconds(4), Duration.ofMillis(500), Duration.ofSeconds(1));

    TestNet net = new TestNet();
    TestNet.Node a;
    TestNet.Node b;

    @AfterEach
    void close() {
        net.close();
    }

    void pair(WireGuardOptions options, byte[] psk) {
        a = net.node("a", "192.0.2.1", 51820, options);
        b = net.node("b", "192.0.2.2", 51820, options);
        a.device.addPeer(new PeerConfig(b.publicKey(), psk, b.address,
                List.of(IpPrefix.parse(B_IP + "/32"), IpPrefix.parse(B_IP6 + "/128")), 0));
        b.device.addPeer(new PeerConfig(a.publicKey(), psk, a.address,
                List.of(IpPrefix.parse(A_IP + "/32"), IpPrefix.parse(A_IP6 + "/128")), 0));
    }

    List<TestNet.Datagram> sentOfType(TestNet.Node n, int type) {
        List<TestNet.Datagram> out = new ArrayList<>();
        for (TestNet.Datagram d : n.sent) {
            if (d.buf().getByte(0) == type) {
                out.add(d);
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void handshakeFromEitherSideThenDataBothWays(boolean aInitiates) {
        pair(WireGuardOptions.standard(), null);
        TestNet.Node first = aInitiates ? a : b;
        TestNet.Node second = aInitiates ? b : a;
        String firstIp = aInitiates ? A_IP : B_IP;
        String secondIp = aInitiates ? B_IP : A_IP;
        byte[] p1 = Packets.ipv4(firstIp, secondIp, 1000, 1);
        first.device.sendPacket(Packets.withHeadroom(p1));
        net.pump();
        assertEquals(1, sentOfType(first, 1).size(), "one initiation");
        assertEquals(1, sentOfType(second, 2).size(), "one response");
        assertEquals(1, second.delivered.size());
        assertArrayEquals(p1, second.delivered.get(0));

        byte[] p2 = Packets.ipv4(secondIp, firstIp, 77, 2);
        second.device.sendPacket(Packets.tight(p2));
        net.pump();
        assertArrayEquals(p2, first.delivered.get(0));
        byte[] p3 = Packets.ipv6(aInitiates ? A_IP6 : B_IP6, aInitiates ? B_IP6 : A_IP6, 300, 3);
        first.device.sendPacket(Packets.tight(p3));
        net.pump();
        assertArrayEquals(p3, second.delivered.get(1));

        PeerStatus s = first.peer(second);
        assertNotNull(s.lastHandshake());
        assertNotNull(second.peer(first).lastHandshake());
        assertTrue(s.txBytes() > 1000 && s.rxBytes() > 77, s.toString());
        assertEquals(0, s.rejectedBadMac() + s.rejectedReplay() + s.rejectedOther());
        // Transport messages are padded to 16 bytes: header 16 + 97 padded to 112 + tag 16.
        TestNet.Datagram small = sentOfType(second, 4).get(sentOfType(second, 4).size() - 1);
        assertEquals(16 + 112 + 16, small.buf().readableBytes());
    }

    @Test
    void replayedTransportPacketIsRejectedAndCounted() {
        pair(WireGuardOptions.standard(), null);
        a.device.sendPacket(Packets.tight(Packets.ipv4(A_IP, B_IP, 100, 1)));
        net.pump();
        assertEquals(1, b.delivered.size());
        TestNet.Datagram data = sentOfType(a, 4).get(0);
        net.inject(data.buf().copy(), data.from(), data.to());
        net.pump();
        assertEquals(1, b.delivered.size());
        assertEquals(1, b.peer(a).rejectedReplay());
    }

    @Test
    void tamperedTransportPacketIsRejectedAndCounted() {
        pair(WireGuardOptions.standard(), null);
        a.device.sendPacket(Packets.tight(Packets.ipv4(A_IP, B_IP, 100, 1)));
        net.pump();
        a.device.sendPacket(Packets.tight(Packets.ipv4(A_IP, B_IP, 100, 2)));
        net.tap = d -> {
            if (d.buf().getByte(0) == 4) {
                d.buf().setByte(40, d.buf().getByte(40) ^ 0x20);
            }
            return d;
        };
        net.pump();
        assertEquals(1, b.delivered.size());
        assertEquals(1, b.peer(a).rejectedBadMac());
    }

    @Test
    void replayedInitiationIsRefused() {
        pair(WireGuardOptions.standard(), null);
        a.device.sendPacket(Packets.tight(Packets.ipv4(A_IP, B_IP, 10, 1)));
        net.pump();
        TestNet.Datagram init = sentOfType(a, 1).get(0);
        int responses = sentOfType(b, 2).size();
        net.run(Duration.ofSeconds(1));
        net.inject(init.buf().copy(), init.from(), init.to());
        net.pump();
        assertEquals(responses, sentOfType(b, 2).size(), "no response to a replayed initiation");
        assertEquals(1, b.device.counters().handshakeReplays());
    }

    @Test
    void rekeysUnderTrafficWithoutLoss() {
        pair(SHORT, null);
        int sent = 0;
        for (int i = 0; i < 150; i++) { // 15 s of traffic both ways, REKEY_AFTER_TIME 3 s
            // Staggered: sends in exact lockstep make both sides initiate at the same instant,
            // a collision real networks break by timing noise (and wireguard-go has too).
            a.device.sendPacket(Packets.withHeadroom(Packets.ipv4(A_IP, B_IP, 200, i)));
            net.run(Duration.ofMillis(50));
            b.device.sendPacket(Packets.withHeadroom(Packets.ipv4(B_IP, A_IP, 200, i)));
            sent++;
            net.run(Duration.ofMillis(50));
        }
        assertEquals(sent, b.delivered.size());
        assertEquals(sent, a.delivered.size());
        int initiations = sentOfType(a, 1).size() + sentOfType(b, 1).size();
        assertTrue(initiations >= 4, "rekeyed repeatedly: " + initiations);
        java.util.Set<Integer> receivers = new java.util.HashSet<>();
        for (TestNet.Datagram d : sentOfType(a, 4)) {
            receivers.add(d.buf().getIntLE(4));
        }
        assertTrue(receivers.size() >= 4, "new sessions were used: " + receivers.size());
    }

    @Test
    void rekeysAfterMessageLimit() {
        pair(WireGuardOptions.standard().withRekeyAfterMessages(20), null);
        for (int i = 0; i < 60; i++) {
            a.device.sendPacket(Packets.tight(Packets.ipv4(A_IP, B_IP, 50, i)));
            net.run(Duration.ofMillis(200));
        }
        assertEquals(60, b.delivered.size());
        assertTrue(sentOfType(a, 1).size() >= 2, "message count triggered a new handshake");
    }

    @Test
    void aKeyIsNeverUsedForRejectAfterMessagesOrMore() {
        pair(WireGuardOptions.standard().withMessageLimits(10, 15), null);
        a.device.sendPacket(Packets.tight(Packets.ipv4(A_IP, B_IP, 50, 0)));
        net.pump();
        net.tap = d -> {
            if (d.buf().getByte(0) != 4) { // no new handshake can complete
                d.buf().release();
                return null;
            }
            return d;
        };
        for (int i = 1; i < 40; i++) {
            a.device.sendPacket(Packets.tight(Packets.ipv4(A_IP, B_IP, 50, i)));
            net.run(Duration.ofMillis(200));
        }
        long maxCounter = sentOfType(a, 4).stream().mapToLong(d -> d.buf().getLongLE(8)).max().orElseThrow();
        assertEquals(14, maxCounter, "counters stop below REJECT_AFTER_MESSAGES");
        assertEquals(15, b.delivered.size());
        // A forged-high counter is refused before any decryption is attempted.
        TestNet.Datagram last = sentOfType(a, 4).get(sentOfType(a, 4).size() - 1);
        ByteBuf high = last.buf().copy();
        high.setLongLE(8, 15);
        net.inject(high, last.from(), last.to());
        net.pump();
        assertEquals(1, b.peer(a).rejectedOther());
    }

    @Test
    void aKeyIsNeverUsedAfterRejectAfterTime() {
        pair(SHORT, null);
        a.device.sendPacket(Packets.tight(Packets.ipv4(A_IP, B_IP, 50, 0)));
        net.pump();
        TestNet.Datagram old = sentOfType(a, 4).get(0);
        net.tap = d -> {
            if (d.buf().getByte(0) != 4) {
                d.buf().release();
                return null;
            }
            return d;
        };
        net.run(Duration.ofMillis(5100)); // REJECT_AFTER_TIME is 5 s here
        int sentBefore = sentOfType(a, 4).size();
        a.device.sendPacket(Packets.tight(Packets.ipv4(A_IP, B_IP, 50, 1)));
        net.pump();
        assertEquals(sentBefore, sentOfType(a, 4).size(), "expired key not used: the packet waits for a handshake");
        ByteBuf late = old.buf().copy();
        late.setLongLE(8, 7);
        net.inject(late, old.from(), old.to());
        net.pump();
        assertEquals(1, b.delivered.size());
        assertEquals(1, b.peer(a).rejectedOther(), "expired key refused on receive");
    }

    @Test
    void passiveKeepaliveAnswersOneWayData() {
        pair(SHORT, null);
        a.device.sendPacket(Packets.tight(Packets.ipv4(A_IP, B_IP, 50, 1)));
        net.pump();
        int before = sentOfType(b, 4).size();
        net.run(Duration.ofMillis(1500)); // KEEPALIVE_TIMEOUT is 1 s here
        List<TestNet.Datagram> after = sentOfType(b, 4);
        assertEquals(before + 1, after.size(), "one keepalive");
        assertEquals(32, after.get(after.size() - 1).buf().readableBytes(), "empty payload");
        assertEquals(0, a.delivered.size());
    }

    @Test
    void persistentKeepaliveKeepsSending() {
        pair(SHORT, null);
        a.device.updatePeer(new PeerConfig(b.publicKey(), null, b.address, List.of(IpPrefix.parse(B_IP + "/32")), 2));
        net.run(Duration.ofSeconds(10));
        int keepalives = sentOfType(a, 4).size();
        assertTrue(keepalives >= 4, "persistent keepalives: " + keepalives);
        assertNotNull(a.peer(b).lastHandshake(), "a keepalive with no session starts a handshake");
    }

    @Test
    void handshakeRetriesThenGivesUpAfterRekeyAttemptTime() {
        pair(SHORT, null);
        net.tap = d -> {
            d.buf().release();
            return null; // b is unreachable
        };
        a.device.sendPacket(Packets.tight(Packets.ipv4(A_IP, B_IP, 50, 1)));
        net.run(Duration.ofSeconds(20));
        int initiations = sentOfType(a, 1).size();
        // As wireguard-go: retries while attempts <= REKEY_ATTEMPT_TIME / REKEY_TIMEOUT (8 here).
        assertEquals(SHORT.maxTimerHandshakes() + 2, initiations);
        List<TestNet.Datagram> inits = sentOfType(a, 1);
        assertNotEquals(inits.get(0).buf().getIntLE(4), inits.get(1).buf().getIntLE(4), "fresh sender index");
    }

    @Test
    void keysAreZeroedAfterThreeTimesRejectAfterTime() {
        pair(SHORT, null);
        a.device.sendPacket(Packets.tight(Packets.ipv4(A_IP, B_IP, 50, 1)));
        net.pump();
        TestNet.Datagram data = sentOfType(a, 4).get(0);
        Keypair used = a.device.peerByKey(b.publicKey()).current;
        net.run(Duration.ofSeconds(16)); // 3 * REJECT_AFTER_TIME (5 s here)
        assertNull(a.device.peerByKey(b.publicKey()).current);
        assertTrue(used.isDestroyed(), "key bytes zeroed");
        // Nothing may decrypt with the old session any more.
        ByteBuf replay = data.buf().copy();
        net.inject(replay, data.from(), data.to());
        net.pump();
        assertEquals(1, b.delivered.size());
        assertEquals(1, b.device.counters().unknownPeer(), "old index is gone with its keys");
    }

    @Test
    void endpointRoamsOnAuthenticatedPackets() {
        pair(WireGuardOptions.standard(), null);
        a.device.sendPacket(Packets.tight(Packets.ipv4(A_IP, B_IP, 50, 1)));
        net.pump();
        InetSocketAddress moved = new InetSocketAddress("198.51.100.7", 40000);
        a.moveTo(moved);
        a.device.sendPacket(Packets.tight(Packets.ipv4(A_IP, B_IP, 50, 2)));
        net.pump();
        assertEquals(moved, b.peer(a).endpoint());
        b.device.sendPacket(Packets.tight(Packets.ipv4(B_IP, A_IP, 50, 3)));
        net.pump();
        assertEquals(1, a.delivered.size(), "reply reached the new address");
        // An unauthenticated packet from elsewhere does not move the endpoint.
        ByteBuf junk = Unpooled.buffer(48);
        junk.writeIntLE(4).writeIntLE(sentOfType(a, 4).get(0).buf().getIntLE(4)).writeLongLE(99).writeZero(32);
        net.inject(junk, new InetSocketAddress("203.0.113.9", 1), b.address);
        net.pump();
        assertEquals(moved, b.peer(a).endpoint());
    }

    @Test
    void presharedKeyWorksAndMismatchFails() {
        byte[] psk = new byte[32];
        psk[5] = 9;
        pair(WireGuardOptions.standard(), psk);
        a.device.sendPacket(Packets.tight(Packets.ipv4(A_IP, B_IP, 50, 1)));
        net.pump();
        assertEquals(1, b.delivered.size());

        byte[] other = psk.clone();
        other[0] = 1;
        b.device.updatePeer(new PeerConfig(a.publicKey(), other, a.address, List.of(IpPrefix.parse(A_IP + "/32")), 0));
        b.device.setPrivateKey(b.privateKey); // drop sessions, keep the key
        a.device.setPrivateKey(a.privateKey);
        net.run(Duration.ofSeconds(6)); // past REKEY_TIMEOUT since the last initiation
        a.device.sendPacket(Packets.tight(Packets.ipv4(A_IP, B_IP, 50, 2)));
        net.pump();
        assertEquals(1, b.delivered.size(), "no session with a different preshared key");
        assertEquals(1, a.peer(b).rejectedBadMac(), "response fails to authenticate");
    }

    @Test
    void innerSourceMustBeAnAllowedIpOfThePeer() {
        pair(WireGuardOptions.standard(), null);
        a.device.sendPacket(Packets.tight(Packets.ipv4("100.64.0.99", B_IP, 50, 1)));
        net.pump();
        assertEquals(0, b.delivered.size());
        assertEquals(1, b.peer(a).rejectedOther());
    }

    @Test
    void badPeerKeysAreRefusedClearly() {
        pair(WireGuardOptions.standard(), null);
        IllegalArgumentException own = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> a.device.addPeer(new PeerConfig(a.publicKey(), null, null, List.of(), 0)));
        assertTrue(own.getMessage().contains("own public key"));
        IllegalArgumentException lowOrder = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> a.device.addPeer(new PeerConfig(new byte[32], null, null,
                        List.of(), 0)));
        assertTrue(lowOrder.getMessage().contains("low-order"));
        assertEquals(1, a.device.peers().size());
    }

    @Test
    void packetsWithoutRouteAreCounted() {
        pair(WireGuardOptions.standard(), null);
        a.device.sendPacket(Packets.tight(Packets.ipv4(A_IP, "100.64.9.9", 50, 1)));
        a.device.sendPacket(Unpooled.buffer(0));
        net.pump();
        assertEquals(2, a.device.counters().noRoute());
        assertTrue(a.sent.isEmpty());
    }

    @Test
    void unknownPeerIsRefused() {
        pair(WireGuardOptions.standard(), null);
        TestNet.Node c = net.node("c", "192.0.2.3", 51820, WireGuardOptions.standard());
        c.device.addPeer(new PeerConfig(b.publicKey(), null, b.address, List.of(IpPrefix.parse(B_IP + "/32")), 0));
        c.device.sendPacket(Packets.tight(Packets.ipv4("100.64.0.3", B_IP, 50, 1)));
        net.pump();
        assertEquals(1, b.device.counters().unknownPeer());
        assertTrue(sentOfType(b, 2).isEmpty());
    }

    @Test
    void cookieReplyUnderLoadLetsTheLegitimatePeerThrough() {
        pair(SHORT.withUnderLoadHandshakesPerSecond(20), null);
        byte[] mac1Key = NoiseHelpers.hash(NoiseHelpers.LABEL_MAC1, b.publicKey());
        java.util.Random random = new java.util.Random(1);
        AtomicInteger floodSources = new AtomicInteger();
        Runnable flood = () -> {
            for (int i = 0; i < 10; i++) {
                byte[] msg = new byte[148];
                random.nextBytes(msg);
                msg[0] = 1;
                msg[1] = 0;
                msg[2] = 0;
                msg[3] = 0;
                System.arraycopy(NoiseHelpers.mac(mac1Key, msg, 0, 116), 0, msg, 116, 16);
                java.util.Arrays.fill(msg, 132, 148, (byte) 0);
                int n = floodSources.incrementAndGet();
                net.inject(Unpooled.wrappedBuffer(msg),
                        new InetSocketAddress("203.0.113." + (n % 250 + 1), 1000 + n % 5000), b.address);
            }
        };
        for (int i = 0; i < 10; i++) {
            flood.run();
            net.run(Duration.ofMillis(100));
        }
        a.device.sendPacket(Packets.tight(Packets.ipv4(A_IP, B_IP, 50, 1)));
        for (int i = 0; i < 40 && b.delivered.isEmpty(); i++) {
            flood.run();
            net.run(Duration.ofMillis(100));
        }
        assertEquals(1, b.delivered.size(), "legitimate peer got through");
        assertTrue(b.device.counters().cookiesSent() > 100, "flood answered with cookies");
        assertTrue(sentOfType(b, 3).stream().anyMatch(d -> d.to().equals(a.address)), "a got a cookie too");
        assertTrue(sentOfType(a, 1).size() >= 2, "a retried with mac2");
        assertEquals(2, sentOfType(b, 2).size() + 1, "b answered exactly a's valid initiation");
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void restartOfEitherSideRecovers(boolean restartB) {
        pair(SHORT, null);
        a.device.sendPacket(Packets.tight(Packets.ipv4(A_IP, B_IP, 50, 0)));
        net.pump();
        b.device.sendPacket(Packets.tight(Packets.ipv4(B_IP, A_IP, 50, 0)));
        net.pump();
        assertEquals(1, a.delivered.size());
        TestNet.Node old = restartB ? b : a;
        TestNet.Node other = restartB ? a : b;
        old.device.close();
        net.run(Duration.ofSeconds(1));
        TestNet.Node fresh = net.node(old.name + "2", old.address.getHostString(), old.address.getPort(), SHORT,
                old.privateKey);
        fresh.device.addPeer(new PeerConfig(other.publicKey(), null, other.address,
                List.of(IpPrefix.parse((restartB ? A_IP : B_IP) + "/32")), 0));
        // The side that kept its session sends into the void until its new-handshake timer
        // (KEEPALIVE + REKEY_TIMEOUT without an answer) starts over.
        String from = restartB ? A_IP : B_IP;
        String to = restartB ? B_IP : A_IP;
        for (int i = 1; i <= 40; i++) {
            other.device.sendPacket(Packets.tight(Packets.ipv4(from, to, 50, i)));
            net.run(Duration.ofMillis(100));
        }
        assertTrue(fresh.delivered.size() >= 20, "traffic resumed: " + fresh.delivered.size());
        assertTrue(fresh.device.counters().unknownPeer() > 0, "old-session packets were refused");
        fresh.device.sendPacket(Packets.tight(Packets.ipv4(to, from, 50, 99)));
        net.pump();
        assertArrayEquals(Packets.ipv4(to, from, 50, 99), other.delivered.get(other.delivered.size() - 1));
    }

    @Test
    void removedPeerAndClosedDeviceStopWorking() {
        pair(WireGuardOptions.standard(), null);
        a.device.sendPacket(Packets.tight(Packets.ipv4(A_IP, B_IP, 50, 1)));
        net.pump();
        assertTrue(b.device.removePeer(a.publicKey()));
        a.device.sendPacket(Packets.tight(Packets.ipv4(A_IP, B_IP, 50, 2)));
        net.pump();
        assertEquals(1, b.delivered.size());
        assertTrue(b.device.peers().isEmpty());
        a.device.close();
        ByteBuf p = Packets.tight(Packets.ipv4(A_IP, B_IP, 50, 3));
        a.device.sendPacket(p);
        assertEquals(0, p.refCnt(), "closed device releases what it is given");
        assertNull(null);
    }
}
