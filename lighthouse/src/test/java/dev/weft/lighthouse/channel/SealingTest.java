package dev.weft.lighthouse.channel;

import dev.weft.certs.NodeIdentity;

import static dev.weft.lighthouse.channel.ChannelCounters.Counter.DROP_SEALED_BAD_TAG;
import static dev.weft.lighthouse.channel.ChannelCounters.Counter.DROP_SEALED_REPLAYED;
import static dev.weft.lighthouse.channel.ChannelCounters.Counter.DROP_SEALED_STALE;
import static dev.weft.lighthouse.channel.ChannelCounters.Counter.DROP_SEALED_UNKNOWN_SENDER;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SealingTest {
    private static final byte[] PAYLOAD = "a gossip packet".getBytes(StandardCharsets.US_ASCII);

    private static Net.Datagram sendOne(Fixture f) {
        int before = f.net.sent.size();
        assertTrue(f.a.send(f.recA.verified.get(0), Fixture.B, ChannelKind.GOSSIP, PAYLOAD));
        Net.Datagram d = f.net.sent.get(before);
        f.net.discard();
        return d;
    }

    @Test
    void helloIntroducesBothSidesAndSealedMessagesRoundTrip() throws Exception {
        Fixture f = new Fixture().introduced();
        assertEquals(1, f.a.peers().size());
        assertEquals(1, f.b.peers().size());
        assertEquals("beta", f.recA.verified.get(0).name());
        assertEquals("alpha", f.recB.verified.get(0).name());
        assertEquals(Fixture.A, f.b.peers().get(0).address());

        assertTrue(f.a.send(f.recA.verified.get(0), Fixture.B, ChannelKind.GOSSIP, PAYLOAD));
        f.net.pump();
        assertEquals(1, f.recB.messages.size());
        Recorder.Message m = f.recB.messages.get(0);
        assertEquals("alpha", m.peer().name());
        assertEquals(ChannelKind.GOSSIP, m.kind());
        assertArrayEquals(PAYLOAD, m.payload());
        assertEquals(Fixture.A, m.from());

        var pong = f.a.ping(f.recA.verified.get(0), Fixture.B);
        f.net.pump();
        Pong p = pong.get(1, TimeUnit.SECONDS);
        assertEquals(Fixture.A, p.reflexive(), "the pong echoes where the ping came from");
        assertEquals(Fixture.B, p.from());
        assertEquals(1, f.recA.pongs.size());
        assertEquals(0, f.a.pendingPings());
        assertTrue(f.net.sent.stream().allMatch(d -> d.bytes().length <= Wire.MAX_DATAGRAM));
    }

    /** Across two NATs a punched sealed ping may be the first thing through: no hello ever crossed. */
    @Test
    void aMemberVouchedForByGossipIsTakenOnItsFirstSealedMessageAndNothingIsKeptForAForgery() throws Exception {
        Fixture f = new Fixture();
        String keyA = java.util.Base64.getEncoder().encodeToString(f.nodeA.keys().x25519Public());
        // A knows B from gossip: introduced by certificate, no hello
        assertTrue(f.a.introduce(f.nodeB.certificate().der(), Fixture.B));
        NodeIdentity b = f.a.peers().get(0).identity();

        // B does not vouch for A yet: the message is dropped, nothing kept
        assertTrue(f.a.send(b, Fixture.B, ChannelKind.GOSSIP, PAYLOAD));
        f.net.pump();
        assertEquals(0, f.b.peers().size());
        assertEquals(0, f.recB.messages.size());

        // a forgery under A's key, with B vouching for A: verified, fails to open, nothing kept
        f.recB.vouched.put(keyA, f.nodeA.certificate().der());
        byte[] forged = Wire.sealedHeader(f.nodeA.keys().x25519Public(), f.clock.wallMillis(), new byte[Wire.SEALED_NONCE]);
        forged = java.util.Arrays.copyOf(forged, forged.length + 1 + Wire.TAG + PAYLOAD.length);
        f.b.receive(forged, Net.at("203.0.113.66", 4242));
        f.net.pump();
        assertEquals(0, f.b.peers().size(), "an attacker's address never becomes A's");
        assertEquals(0, f.recB.messages.size());

        // A's real sealed message: B takes A as a peer where it came from, and delivers the message
        assertTrue(f.a.send(b, Fixture.B, ChannelKind.GOSSIP, PAYLOAD));
        f.net.pump();
        assertEquals(1, f.b.peers().size());
        assertEquals(Fixture.A, f.b.peers().get(0).address());
        assertEquals(1, f.recB.messages.size());
        assertArrayEquals(PAYLOAD, f.recB.messages.get(0).payload());
        assertEquals(0, f.recB.verified.size(), "no hello was involved");
    }

    @Test
    void pongIsNeverLargerThanItsPing() {
        Fixture f = new Fixture().introduced();
        int first = f.net.sent.size();
        f.a.ping(f.recA.verified.get(0), Fixture.B);
        f.net.pump();
        byte[] ping = f.net.sent.get(first).bytes();
        byte[] pong = f.net.sent.get(first + 1).bytes();
        assertTrue(pong.length <= ping.length, pong.length + " > " + ping.length);
        assertEquals(Wire.PING_PAYLOAD, Wire.pong(1, Net.at("2001:db8::1", 1)).length);
    }

    @Test
    void everyTamperedByteIsRefusedAndTheOriginalStillArrives() {
        Fixture f = new Fixture().introduced();
        Net.Datagram d = sendOne(f);
        for (int i = 0; i < d.bytes().length; i++) {
            byte[] t = d.bytes().clone();
            t[i] ^= (byte) 0x40;
            f.b.receive(t, Fixture.A);
        }
        assertEquals(0, f.recB.messages.size());
        var c = f.b.counters();
        long refused = c.get(DROP_SEALED_BAD_TAG) + c.get(DROP_SEALED_UNKNOWN_SENDER) + c.get(DROP_SEALED_STALE)
                + c.get(ChannelCounters.Counter.DROP_UNKNOWN_TYPE) + c.get(ChannelCounters.Counter.DROP_RATE_SOURCE);
        assertEquals(d.bytes().length, refused);
        assertEquals(32, c.get(DROP_SEALED_UNKNOWN_SENDER) + c.get(ChannelCounters.Counter.DROP_RATE_SOURCE),
                "each flipped byte of the sender key: unknown, and rate-limited as unauthenticated past the burst");
        f.b.receive(d.bytes(), Fixture.A);
        assertEquals(1, f.recB.messages.size(), "tampered copies must not burn the nonce");
    }

    @Test
    void replayIsRefused() {
        Fixture f = new Fixture().introduced();
        Net.Datagram d = sendOne(f);
        f.b.receive(d.bytes(), Fixture.A);
        f.b.receive(d.bytes(), Fixture.A);
        f.b.receive(d.bytes(), Net.at("203.0.113.9", 999));
        assertEquals(1, f.recB.messages.size());
        assertEquals(2, f.b.counters().get(DROP_SEALED_REPLAYED));
        assertEquals(Fixture.A, f.b.peers().get(0).address(), "a replay from elsewhere does not move the peer");
    }

    @Test
    void staleAndFutureTimestampsAreRefused() {
        Fixture f = new Fixture().introduced();
        Net.Datagram old = sendOne(f);
        f.clock.advanceMillis(61_000);
        f.b.receive(old.bytes(), Fixture.A);
        assertEquals(1, f.b.counters().get(DROP_SEALED_STALE));
        Net.Datagram fresh = sendOne(f);
        f.clock.advanceMillis(-122_000); // the sender now looks 61 s in the future
        f.b.receive(fresh.bytes(), Fixture.A);
        assertEquals(2, f.b.counters().get(DROP_SEALED_STALE));
        assertEquals(0, f.recB.messages.size());
    }

    @Test
    void aMessageForOnePeerDoesNotOpenAtAnother() {
        Fixture f = new Fixture().introduced();
        Pki.Node c = f.pki.node("gamma");
        ControlChannel gamma = new ControlChannel(c.keys(), c.certificate(), f.pki::verifier, f.clock,
                f.net.senderFor(Net.at("192.0.2.3", 1)), Runnable::run, new Recorder(), ChannelLimits.defaults());
        f.net.attach(Net.at("192.0.2.3", 1), gamma);
        gamma.hello(Fixture.A);
        f.net.pump();
        Net.Datagram d = sendOne(f); // A to B
        gamma.receive(d.bytes(), Fixture.A);
        assertEquals(1, gamma.counters().get(DROP_SEALED_BAD_TAG));
        // and reflected back at its sender: A is not its own peer
        f.a.receive(d.bytes(), Fixture.B);
        assertEquals(1, f.a.counters().get(DROP_SEALED_UNKNOWN_SENDER));
    }

    @Test
    void sendRefusesWhatItCannotCarry() {
        Fixture f = new Fixture().introduced();
        var beta = f.recA.verified.get(0);
        assertThrows(IllegalArgumentException.class, () -> f.a.send(beta, Fixture.B, 0, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> f.a.send(beta, Fixture.B, ChannelKind.PING, new byte[0]));
        assertThrows(IllegalArgumentException.class,
                () -> f.a.send(beta, Fixture.B, ChannelKind.GOSSIP, new byte[ControlChannel.maxPayload() + 1]));
        assertTrue(f.a.send(beta, Fixture.B, ChannelKind.GOSSIP, new byte[ControlChannel.maxPayload()]));
        f.a.forget(beta);
        assertFalse(f.a.send(beta, Fixture.B, ChannelKind.GOSSIP, PAYLOAD));
        assertTrue(f.a.ping(beta, Fixture.B).isCompletedExceptionally());
    }

    @Test
    void replayWindowFloorCoversEvictedNonces() {
        ReplayWindow w = new ReplayWindow(4);
        for (int i = 1; i <= 4; i++) {
            assertTrue(w.accept(100 + i, i, i));
        }
        assertFalse(w.accept(103, 3, 3), "in the ring");
        assertTrue(w.accept(200, 5, 5)); // pushes out stamp 101
        assertFalse(w.accept(101, 1, 1), "pushed out, but under the floor");
        assertTrue(w.accept(150, 6, 6), "new and above the floor");
    }
}
