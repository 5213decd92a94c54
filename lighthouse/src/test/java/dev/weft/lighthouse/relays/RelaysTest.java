package dev.weft.lighthouse.relays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.dataplane.wireguard.Endpoint;
import dev.weft.dataplane.wireguard.PeerConfig;
import dev.weft.dataplane.wireguard.PeerStatus;
import dev.weft.ip.IpPrefix;
import dev.weft.lighthouse.sessions.SessionEvents;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Members A and B behind NATs that keep them apart, and relay R, each with the whole relay stack. */
class RelaysTest {
    static final String A_IP = "100.64.0.1";
    static final String B_IP = "100.64.0.2";

    RelayLab lab = new RelayLab();
    RelayLab.Member a;
    RelayLab.Member b;
    RelayLab.Member r;

    @BeforeEach
    void setUp() {
        a = lab.member("alpha", "192.0.2.1", false, true);
        b = lab.member("beta", "198.51.100.2", false, true);
        r = lab.member("relay", "203.0.113.9", true, false);
        lab.blocked = d -> (d.from().equals(a.address) && d.to().equals(b.address))
                || (d.from().equals(b.address) && d.to().equals(a.address));
        a.device.addPeer(new PeerConfig(b.node.keys().x25519Public(), null, null, List.of(IpPrefix.parse(B_IP + "/32")), 0));
        b.device.addPeer(new PeerConfig(a.node.keys().x25519Public(), null, null, List.of(IpPrefix.parse(A_IP + "/32")), 0));
    }

    @AfterEach
    void tearDown() {
        lab.close();
    }

    static ByteBuf packet(byte[] p) {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.buffer(p.length + 96);
        buf.writerIndex(32).readerIndex(32);
        return buf.writeBytes(p);
    }

    static byte[] ipv4(String src, String dst, int payload, int seed) {
        byte[] p = new byte[20 + payload];
        p[0] = 0x45;
        p[2] = (byte) (p.length >>> 8);
        p[3] = (byte) p.length;
        p[8] = 64;
        p[9] = 17;
        System.arraycopy(RelayLab.at(src, 0).getAddress().getAddress(), 0, p, 12, 4);
        System.arraycopy(RelayLab.at(dst, 0).getAddress().getAddress(), 0, p, 16, 4);
        for (int i = 20; i < p.length; i++) {
            p[i] = (byte) (seed + i);
        }
        return p;
    }

    /** A and B know R; A asks R for a binding to B; both get the offer. */
    void bound() {
        a.hello(r);
        b.hello(r);
        assertTrue(a.relays.request(a.known(r), b.id()));
        lab.pump();
        assertEquals(1, a.offered.size(), "A got the offer");
        assertEquals(1, b.offered.size(), "B got the offer");
        assertEquals(b.id(), a.offered.get(0).peer());
        assertEquals(a.id(), b.offered.get(0).peer());
        assertEquals(a.offered.get(0).endpoint(), b.offered.get(0).endpoint(), "one id, the relay's address");
        assertEquals(r.address, a.offered.get(0).endpoint().relay());
        assertEquals(1, r.relays.bindings());
    }

    @Test
    void dataReachesBOnlyThroughTheRelay() {
        bound();
        Endpoint.Relayed viaR = a.offered.get(0).endpoint();
        // what the lead's path selection does with an offer
        a.device.setEndpoint(b.node.keys().x25519Public(), viaR);
        byte[] p = ipv4(A_IP, B_IP, 200, 1);
        a.device.sendPacket(packet(p));
        lab.pump();
        assertEquals(1, b.delivered.size());
        assertArrayEquals(p, b.delivered.get(0));
        byte[] q = ipv4(B_IP, A_IP, 1000, 2);
        b.device.sendPacket(packet(q));
        lab.pump();
        assertArrayEquals(q, a.delivered.get(0));
        PeerStatus bSeesA = b.device.peers().get(0);
        assertSame(b.offered.get(0).endpoint(), bSeesA.endpointValue(), "B answers through the relay it was offered");
        assertEquals("relay", SessionEvents.path(bSeesA.endpointValue()));
        assertTrue(r.relays.forwardedBytes() > 1200, "R forwarded the handshake and both packets");
        assertEquals(0, r.delivered.size());
    }

    @Test
    void refusesAPeerItHasNotVerified() {
        a.hello(r); // B never said hello to R
        assertTrue(a.relays.request(a.known(r), b.id()));
        lab.pump();
        assertEquals(List.of(new RelayLab.Refused(b.id(), a.known(r), RelayMessage.PEER_UNKNOWN)), a.refused);
        assertTrue(a.offered.isEmpty());
        assertEquals(0, r.relays.bindings());
        assertEquals(0, r.forwarder.bindings());
    }

    @Test
    void refusesAPeerNotHeardForAMinute() {
        a.hello(r);
        b.hello(r);
        lab.clock.advanceMillis(30_000);
        a.hello(r); // A is fresh, B was last heard 30 s ago: fine
        assertTrue(a.relays.request(a.known(r), b.id()));
        lab.pump();
        assertEquals(1, a.offered.size());
        a.relays.release(b.id());
        lab.seconds(31); // B last heard 61 s ago
        RelayLab.Member c = lab.member("gamma", "192.0.2.3", false, true);
        c.hello(r);
        assertTrue(c.relays.request(c.known(r), b.id()));
        lab.pump();
        assertEquals(RelayMessage.PEER_UNKNOWN, c.refused.get(0).reason());
    }

    @Test
    void aMemberTheRelayForgotOrRevokedGetsNoBindingAndLosesItsOwn() throws Exception {
        bound();
        long id = a.offered.get(0).endpoint().id();
        // B's certificate is revoked; R learns it and forgets B
        lab.pki.revoked.addSubjectKey(b.node.keys().x25519Public());
        assertEquals(1, r.channel.revalidate().size());
        lab.seconds(1);
        assertEquals(0, r.relays.bindings(), "the binding went with B");
        assertFalse(r.forwarder.isBound(id));
        assertEquals(List.of(new RelayLab.Closed(b.id(), id)), a.closed, "A was told");
        assertNull(a.clients.attached(id));
        // B can no longer get a binding: its hello does not verify, nothing it seals is accepted
        b.hello(r);
        assertTrue(r.channel.peer(b.node.keys().x25519Public()).isEmpty(), "B's hello no longer verifies at R");
        long granted = r.relays.counters().requestsGranted();
        assertTrue(b.relays.request(b.known(r), a.id()), "B still knows R and sends");
        lab.pump();
        assertEquals(granted, r.relays.counters().requestsGranted(), "R drops what B seals unread");
        assertEquals(0, r.relays.bindings());
        // and A cannot get one to B
        a.relays.request(a.known(r), b.id());
        lab.pump();
        assertEquals(RelayMessage.PEER_UNKNOWN, a.refused.getLast().reason());
        assertEquals(0, r.relays.bindings());
    }

    @Test
    void aForgottenRequesterCannotAsk() {
        bound();
        r.channel.forget(r.known(a));
        long granted = r.relays.counters().requestsGranted();
        a.relays.request(a.known(r), b.id()); // sealed for R, which no longer knows A: dropped unread
        lab.pump();
        assertEquals(granted, r.relays.counters().requestsGranted());
    }

    @Test
    void aSecondRequestForThePairReturnsTheSameIdAndMovesTheAddresses() {
        bound();
        long id = a.offered.get(0).endpoint().id();
        assertTrue(b.relays.request(b.known(r), a.id()));
        lab.pump();
        assertEquals(1, r.relays.bindings());
        assertEquals(1, a.offered.size(), "a refresh with the same id and relay is not news");
        assertEquals(id, b.offered.getLast().endpoint().id());
    }

    @Test
    void requestsAreRateLimitedPerMember() {
        a.hello(r);
        b.hello(r);
        for (int i = 0; i < 20; i++) {
            a.relays.request(a.known(r), b.id());
        }
        lab.pump();
        assertEquals(Relays.REQUEST_BURST, r.relays.counters().requestsGranted());
        assertEquals(20 - Relays.REQUEST_BURST, r.relays.counters().requestsRateLimited());
        // B has a bucket of its own
        assertTrue(b.relays.request(b.known(r), a.id()));
        lab.pump();
        assertEquals(Relays.REQUEST_BURST + 1, r.relays.counters().requestsGranted());
    }

    @Test
    void atMost32BindingsPerRequester() {
        a.hello(r);
        List<RelayLab.Member> others = new ArrayList<>();
        for (int i = 0; i < Relays.MAX_PER_REQUESTER + 1; i++) {
            RelayLab.Member m = lab.member("m" + i, "198.51.100." + (10 + i), false, true);
            m.hello(r);
            others.add(m);
        }
        for (RelayLab.Member m : others) {
            a.relays.request(a.known(r), m.id());
            lab.pump();
            lab.clock.advanceMillis(1000); // stay within the request rate
        }
        assertEquals(Relays.MAX_PER_REQUESTER, r.relays.bindings());
        assertEquals(RelayMessage.FULL, a.refused.getLast().reason());
        assertEquals(others.getLast().id(), a.refused.getLast().peer());
    }

    @Test
    void anOfferLostOnTheWayToBIsRepeatedWithinSeconds() {
        a.hello(r);
        b.hello(r);
        int[] offersToB = {0};
        lab.blocked = d -> {
            boolean fromRToB = d.from().equals(r.address) && d.to().equals(b.address);
            return fromRToB && ++offersToB[0] == 1; // the first datagram R sends B after the hellos: the offer
        };
        assertTrue(a.relays.request(a.known(r), b.id()));
        lab.pump();
        assertEquals(1, a.offered.size(), "A got its offer");
        assertEquals(0, b.offered.size(), "B's was lost");
        lab.seconds((int) (Relays.EARLY_REPEAT_NANOS / 1_000_000_000L));
        assertEquals(1, b.offered.size(), "A's early repeat brought B the offer, long before the 20-s refresh");
        assertEquals(a.offered.get(0).endpoint(), b.offered.get(0).endpoint(), "the same binding");
        assertEquals(1, r.relays.bindings());
        assertEquals(1, a.offered.size(), "A's repeated offer only refreshed its attachment");
        lab.seconds(10);
        assertEquals(1 + Relays.EARLY_REPEATS, a.relays.counters().requestsSent(), "then only the 20-s refresh");
    }

    @Test
    void refreshedWhileUsedThenExpiresWhenReleased() {
        bound();
        long id = a.offered.get(0).endpoint().id();
        lab.seconds(120); // no frames at all, but A refreshes every 20 s
        assertTrue(r.forwarder.isBound(id));
        assertEquals(1, a.relays.attached());
        assertEquals(1, b.relays.attached(), "B's side is refreshed by the offers A's refreshes bring");
        assertTrue(a.relays.counters().requestsSent() >= 6);
        a.relays.release(b.id());
        lab.seconds(62);
        assertFalse(r.forwarder.isBound(id), "idle for 60 s: unbound");
        assertEquals(0, r.relays.bindings());
        assertEquals(List.of(new RelayLab.Closed(b.id(), id)), a.closed);
        assertEquals(List.of(new RelayLab.Closed(a.id(), id)), b.closed);
        assertNull(a.clients.attached(id));
        assertNull(b.clients.attached(id));
    }

    @Test
    void framesKeepABindingAliveWithoutRefresh() {
        bound();
        long id = a.offered.get(0).endpoint().id();
        a.device.setEndpoint(b.node.keys().x25519Public(), a.offered.get(0).endpoint());
        a.relays.release(b.id());
        for (int i = 0; i < 9; i++) {
            a.device.sendPacket(packet(ipv4(A_IP, B_IP, 10, i)));
            lab.seconds(10);
        }
        assertTrue(r.forwarder.isBound(id), "90 s of traffic, no refresh: the relay keeps the binding");
        // the clients detach what nobody refreshes (they refresh while they use a binding)
        assertEquals(6, b.delivered.size(), "delivered until B's attachment expired after 60 s");
        assertEquals(1, b.relays.counters().attachmentsExpired());
    }

    @Test
    void aRelayThatIsNotOneRefuses() {
        RelayLab.Member plain = lab.member("plain", "203.0.113.20", false, true);
        a.hello(plain);
        b.hello(plain);
        assertTrue(a.relays.request(a.known(plain), b.id()));
        lab.pump();
        assertEquals(RelayMessage.NOT_A_RELAY, a.refused.get(0).reason());
    }

    @Test
    void closeFromASideUnbindsAndTellsTheOther() {
        bound();
        long id = a.offered.get(0).endpoint().id();
        r.channel.send(r.known(b), ChannelKindRelay.KIND, new RelayMessage.Close(id).encode()); // R to B: B detaches
        lab.pump();
        assertEquals(List.of(new RelayLab.Closed(a.id(), id)), b.closed);
        // A closes at R: R unbinds and tells B (already gone there) — and a stranger's close changes nothing
        RelayLab.Member c = lab.member("gamma", "192.0.2.3", false, true);
        c.hello(r);
        c.channel.send(c.known(r), ChannelKindRelay.KIND, new RelayMessage.Close(id).encode());
        lab.pump();
        assertTrue(r.forwarder.isBound(id));
        a.channel.send(a.known(r), ChannelKindRelay.KIND, new RelayMessage.Close(id).encode());
        lab.pump();
        assertFalse(r.forwarder.isBound(id));
    }

    @Test
    void offersAreBoundedPerRelayAndCannotTakeAnotherRelaysId() {
        bound();
        long id = a.offered.get(0).endpoint().id();
        RelayLab.Member evil = lab.member("evil", "203.0.113.66", true, false);
        evil.hello(a);
        // evil offers A the id R gave it, for B: it must not redirect A's relayed path
        evil.channel.send(evil.known(a), ChannelKindRelay.KIND, new RelayMessage.Offer(id, b.node.keys().x25519Public()).encode());
        lab.pump();
        assertEquals(r.address, a.clients.attached(id).relay());
        assertEquals(1, a.offered.size());
        for (int i = 0; i < Relays.MAX_PER_RELAY + 10; i++) {
            byte[] key = new byte[32];
            key[0] = (byte) i;
            key[1] = 1;
            evil.channel.send(evil.known(a), ChannelKindRelay.KIND, new RelayMessage.Offer(1000 + i, key).encode());
        }
        lab.pump();
        assertEquals(1 + Relays.MAX_PER_RELAY, a.relays.attached());
        assertEquals(1 + Relays.MAX_PER_RELAY, a.clients.size());
    }

    @Test
    void randomMessagesNeverThrowAndStateStaysBounded() {
        bound();
        java.util.Random random = new java.util.Random(5);
        RelayLab.Member[] targets = {a, b, r};
        for (int i = 0; i < 20_000; i++) {
            byte[] payload = new byte[random.nextInt(4) == 0 ? random.nextInt(50) : new int[] {33, 41, 34, 9}[random.nextInt(4)]];
            random.nextBytes(payload);
            if (payload.length > 0 && random.nextBoolean()) {
                payload[0] = (byte) (1 + random.nextInt(4));
            }
            if (payload.length >= 33 && random.nextInt(3) == 0) { // a real member's key
                RelayLab.Member m = targets[random.nextInt(3)];
                System.arraycopy(m.node.keys().x25519Public(), 0, payload, payload[0] == RelayMessage.OFFER ? 9 : 1,
                        Math.min(32, payload.length - (payload[0] == RelayMessage.OFFER ? 9 : 1)));
            }
            RelayLab.Member to = targets[random.nextInt(3)];
            RelayLab.Member from = to == r ? (random.nextBoolean() ? a : b) : r;
            to.relays.onMessage(to.known(from), from.address, payload);
            if (i % 100 == 0) {
                lab.seconds(1);
            }
            lab.pump();
        }
        assertTrue(a.relays.attached() <= Relays.MAX_PER_RELAY && b.relays.attached() <= Relays.MAX_PER_RELAY);
        assertTrue(r.relays.bindings() <= 1, "only A and B are verified at R: one pair at most");
        assertTrue(r.relays.counters().malformed() > 0);
    }

    /** The channel kind, spelled once. */
    static final class ChannelKindRelay {
        static final int KIND = dev.weft.lighthouse.channel.ChannelKind.RELAY;
    }
}
