package dev.weft.lighthouse.channel;

import static dev.weft.lighthouse.channel.ChannelCounters.Counter.DROP_BAD_CERTIFICATE;
import static dev.weft.lighthouse.channel.ChannelCounters.Counter.DROP_BAD_SIGNATURE;
import static dev.weft.lighthouse.channel.ChannelCounters.Counter.DROP_HELLO_REPLAYED;
import static dev.weft.lighthouse.channel.ChannelCounters.Counter.DROP_HELLO_STALE;
import static dev.weft.lighthouse.channel.ChannelCounters.Counter.DROP_MALFORMED;
import static dev.weft.lighthouse.channel.ChannelCounters.Counter.DROP_SELF;
import static dev.weft.lighthouse.channel.ChannelCounters.Counter.HELLO_VERIFIED;
import static dev.weft.lighthouse.channel.ChannelCounters.Counter.PEERS_DROPPED_INVALID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.certs.Revocation;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** A hello keeps state only when everything about it verifies. */
class HelloTest {
    private static final java.net.InetSocketAddress EVIL = Net.at("203.0.113.66", 5000);

    private static void assertNothingKept(Fixture f) {
        assertTrue(f.b.peers().isEmpty(), "no peer kept");
        assertTrue(f.recB.verified.isEmpty());
        assertEquals(0, f.b.helloNoncesKept(), "not even the nonce");
        assertEquals(0, f.net.bytesTo(EVIL), "and nothing answered");
    }

    @Test
    void forgedSignatureKeepsNothing() {
        Fixture f = new Fixture();
        byte[] hello = f.helloFrom(f.nodeA);
        hello[Wire.signedLength(f.nodeA.certificate().der().length) + 5] ^= 1;
        f.b.receive(hello, EVIL);
        assertEquals(1, f.b.counters().get(DROP_BAD_SIGNATURE));
        assertNothingKept(f);
    }

    @Test
    void helloSignedByAnotherKeyKeepsNothing() {
        Fixture f = new Fixture();
        Pki.Node mallory = f.pki.node("mallory");
        f.b.receive(Fixture.hello(mallory, f.nodeA.certificate().der(), f.clock.wallMillis(), 0), EVIL);
        assertEquals(1, f.b.counters().get(DROP_BAD_SIGNATURE));
        assertNothingKept(f);
    }

    @Test
    void expiredCertificateKeepsNothing() {
        Fixture f = new Fixture();
        Pki.Node shortLived = f.pki.node("brief", Duration.ofHours(1));
        f.clock.advanceMillis(Duration.ofHours(2).toMillis());
        f.b.receive(f.helloFrom(shortLived), EVIL);
        assertEquals(1, f.b.counters().get(DROP_BAD_CERTIFICATE));
        assertNothingKept(f);
    }

    @Test
    void otherCaCertificateKeepsNothing() {
        Fixture f = new Fixture();
        Pki other = new Pki("other", Fixture.NOW);
        f.b.receive(f.helloFrom(other.node("stranger")), EVIL);
        assertEquals(1, f.b.counters().get(DROP_BAD_CERTIFICATE));
        assertNothingKept(f);
    }

    @Test
    void revokedAndReEncodedRevokedCertificatesKeepNothing() throws Exception {
        Fixture f = new Fixture();
        Pki.Node revoked = f.pki.node("revoked");
        f.pki.revoked.add(Revocation.issue(f.pki.ca.certificate(), f.pki.ca.privateKey(), revoked.certificate(),
                Fixture.NOW), f.pki.bundle);
        f.b.receive(f.helloFrom(revoked), EVIL);
        assertEquals(1, f.b.counters().get(DROP_BAD_CERTIFICATE));

        byte[] der = revoked.certificate().der();
        assertEquals((byte) 0x82, der[1], "a certificate of 256..65535 bytes: two length bytes");
        byte[] longForm = new byte[der.length + 1]; // the outer length as 0x83 00 LL LL: BER, same certificate
        longForm[0] = der[0];
        longForm[1] = (byte) 0x83;
        System.arraycopy(der, 2, longForm, 3, der.length - 2);
        f.b.receive(Fixture.hello(revoked, longForm, f.clock.wallMillis(), 0), EVIL);
        byte[] trailing = Arrays.copyOf(der, der.length + 1);
        f.b.receive(Fixture.hello(revoked, trailing, f.clock.wallMillis(), 0), EVIL);
        assertEquals(3, f.b.counters().get(DROP_BAD_CERTIFICATE));
        assertNothingKept(f);
    }

    @Test
    void staleFutureReplayedAndSelfHellosKeepNothing() {
        Fixture f = new Fixture();
        f.b.receive(Fixture.hello(f.nodeA, f.nodeA.certificate().der(), f.clock.wallMillis() - 61_000, 0), EVIL);
        f.b.receive(Fixture.hello(f.nodeA, f.nodeA.certificate().der(), f.clock.wallMillis() + 61_000, 0), EVIL);
        assertEquals(2, f.b.counters().get(DROP_HELLO_STALE));
        f.b.receive(f.helloFrom(f.nodeB), EVIL);
        assertEquals(1, f.b.counters().get(DROP_SELF));
        assertTrue(f.b.peers().isEmpty());

        byte[] good = f.helloFrom(f.nodeA);
        f.b.receive(good, Fixture.A);
        assertEquals(1, f.b.peers().size());
        f.b.receive(good, EVIL);
        assertEquals(1, f.b.counters().get(DROP_HELLO_REPLAYED));
        assertEquals(Fixture.A, f.b.peers().get(0).address());
        assertEquals(0, f.net.bytesTo(EVIL));
    }

    @Test
    void malformedHellosAreDroppedBeforeVerification() {
        Fixture f = new Fixture();
        byte[] good = f.helloFrom(f.nodeA);
        byte[] padded = good.clone();
        padded[Wire.HELLO_SIZE - 1] = 1;
        byte[] flags = good.clone();
        flags[2] = 2;
        byte[] version = good.clone();
        version[1] = 2;
        for (byte[] bad : new byte[][] {padded, flags, version, Arrays.copyOf(good, 1199), Arrays.copyOf(good, 1201)}) {
            f.b.receive(bad, Fixture.A);
        }
        assertEquals(5, f.b.counters().get(DROP_MALFORMED));
        assertEquals(0, f.b.counters().get(HELLO_VERIFIED));
    }

    @Test
    void revalidateDropsAPeerRevokedLater() throws Exception {
        Fixture f = new Fixture().introduced();
        var alpha = f.recB.verified.get(0);
        f.pki.revoked.add(Revocation.issue(f.pki.ca.certificate(), f.pki.ca.privateKey(), f.nodeA.certificate(),
                Fixture.NOW), f.pki.bundle);
        assertEquals(java.util.List.of(alpha), f.b.revalidate());
        assertTrue(f.b.peers().isEmpty());
        assertEquals(1, f.b.counters().get(PEERS_DROPPED_INVALID));
        assertFalse(f.b.send(alpha, Fixture.A, ChannelKind.GOSSIP, new byte[1]));
        // what the revoked node still seals is refused, and its new hellos too
        f.a.send(f.recA.verified.get(0), Fixture.B, ChannelKind.GOSSIP, new byte[1]);
        f.a.hello(Fixture.B);
        f.net.pump();
        assertTrue(f.recB.messages.isEmpty());
        assertTrue(f.b.peers().isEmpty());
        assertEquals(1, f.b.counters().get(DROP_BAD_CERTIFICATE));
    }

    @Test
    void aKnownPeerIsNotMovedByAHello() {
        Fixture f = new Fixture().introduced();
        f.b.receive(f.helloFrom(f.nodeA), EVIL);
        assertEquals(Fixture.A, f.b.peers().get(0).address());
    }

    @Test
    void constructorRefusesACertificateOfOtherKeys() {
        Fixture f = new Fixture();
        assertThrows(IllegalArgumentException.class, () -> new ControlChannel(f.nodeA.keys(), f.nodeB.certificate(),
                f.pki::verifier, f.clock, (d, t) -> { }, Runnable::run, new Recorder(), ChannelLimits.defaults()));
    }
}
