package dev.weft.gossip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.certs.CaConstraints;
import dev.weft.certs.CertificateAuthority;
import dev.weft.certs.NodeKeys;
import dev.weft.certs.Revocation;
import dev.weft.certs.RevocationSet;
import dev.weft.certs.TrustAnchors;
import dev.weft.certs.TrustBundle;
import dev.weft.certs.WeftCertificate;
import dev.weft.ip.IpPrefix;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Members' keys come only from certificates that verify and name the member's own key. */
class CertificateDirectoryTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  private final CertificateAuthority ca = ca("net");
  private final TrustBundle trust = bundle(ca);

  private static CertificateAuthority ca(String name) {
    try {
      return CertificateAuthority.create(new CertificateAuthority.CaRequest(name, CaConstraints.NONE, Duration.ofDays(30)),
          NOW.minus(Duration.ofDays(1)), RANDOM);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static TrustBundle bundle(CertificateAuthority ca) {
    try {
      return TrustBundle.of(List.of(ca.certificate()));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private record Node(NodeKeys keys, WeftCertificate cert) {
    NodeId id() {
      return NodeId.of(keys.x25519Public());
    }
  }

  private static Node node(CertificateAuthority by, String name, Duration validity) throws Exception {
    NodeKeys keys = NodeKeys.generate(RANDOM);
    WeftCertificate cert = by.sign(new CertificateAuthority.NodeRequest(name, List.of(IpPrefix.parse("100.64.0.9/10")),
        List.of(), List.of(), validity, keys.publicKeys()), NOW.minusSeconds(60), RANDOM);
    return new Node(keys, cert);
  }

  private CertificateDirectory directory(Node self, Instant at) {
    return new CertificateDirectory(self.keys, self.cert, trust, new RevocationSet(), Clock.fixed(at, ZoneOffset.UTC));
  }

  @Test
  void followsTheTrustedCasAsTheyChangeAndRevalidateNamesTheMembersNoLongerTrusted() throws Exception {
    CertificateAuthority other = ca("other");
    Node self = node(ca, "self", Duration.ofDays(2));
    Node a = node(ca, "a", Duration.ofDays(2));
    Node b = node(other, "b", Duration.ofDays(2));
    TrustAnchors anchors = new TrustAnchors(trust);
    CertificateDirectory d = new CertificateDirectory(self.keys, self.cert, anchors, new RevocationSet(),
        Clock.fixed(NOW, ZoneOffset.UTC));
    assertTrue(d.learn(a.id(), a.cert.der()));
    assertFalse(d.learn(b.id(), b.cert.der()), "not trusted yet");
    anchors.replace(TrustBundle.of(List.of(ca.certificate(), other.certificate())));
    assertTrue(d.learn(b.id(), b.cert.der()), "trusted from the moment the CA is added");
    assertEquals(List.of(), d.revalidate());
    anchors.replace(bundle(other));
    assertEquals(List.of(a.id()), d.revalidate());
    assertFalse(d.knows(a.id()));
    assertNull(d.certificate(a.id()));
    byte[] message = {1, 2, 3};
    assertFalse(d.verify(a.id(), message, a.keys.sign(message)), "its claims and records no longer verify");
    assertFalse(d.learn(a.id(), a.cert.der()), "nor is it learned again");
    assertTrue(d.knows(b.id()));
    assertTrue(d.verify(b.id(), message, b.keys.sign(message)));
  }

  @Test
  void forgetsAMemberOfACaNoLongerTrustedEvenBeforeRevalidating() throws Exception {
    Node self = node(ca, "self", Duration.ofDays(2));
    Node a = node(ca, "a", Duration.ofDays(2));
    TrustAnchors anchors = new TrustAnchors(trust);
    CertificateDirectory d = new CertificateDirectory(self.keys, self.cert, anchors, new RevocationSet(),
        Clock.fixed(NOW, ZoneOffset.UTC));
    assertTrue(d.learn(a.id(), a.cert.der()));
    anchors.replace(bundle(ca("new")));
    assertFalse(d.knows(a.id()));
  }

  @Test
  void learnsOnlyCertificatesThatVerifyAndNameTheMembersKey() throws Exception {
    Node self = node(ca, "self", Duration.ofDays(2));
    Node a = node(ca, "a", Duration.ofDays(2));
    Node b = node(ca, "b", Duration.ofDays(2));
    Node stranger = node(ca("other"), "x", Duration.ofDays(2));
    CertificateDirectory d = directory(self, NOW);
    assertFalse(d.knows(a.id()));
    assertFalse(d.learn(a.id(), b.cert.der()), "b's certificate offered as a's");
    assertFalse(d.learn(stranger.id(), stranger.cert.der()), "a certificate of an untrusted CA");
    byte[] garbage = a.cert.der().clone();
    garbage[garbage.length - 1] ^= 1;
    assertFalse(d.learn(a.id(), garbage), "a certificate whose CA signature does not verify");
    assertTrue(d.learn(a.id(), a.cert.der()));
    assertTrue(d.knows(a.id()));
    assertArrayEquals(a.cert.der(), d.certificate(a.id()));
    byte[] message = {1, 2, 3};
    assertTrue(d.verify(a.id(), message, a.keys.sign(message)));
    assertFalse(d.verify(a.id(), message, b.keys.sign(message)));
    assertFalse(d.verify(b.id(), message, b.keys.sign(message)), "b's certificate is unknown");
    assertTrue(directory(a, NOW).verify(self.id(), message, self.keys.sign(message)) == false);
  }

  @Test
  void anExpiredCertificateStopsVerifying() throws Exception {
    Node self = node(ca, "self", Duration.ofDays(10));
    Node a = node(ca, "a", Duration.ofHours(1));
    CertificateDirectory later = directory(self, NOW.plus(Duration.ofHours(2)));
    assertFalse(later.learn(a.id(), a.cert.der()));
    assertEquals(Long.MAX_VALUE, later.validUntil(a.id()));
  }

  @Test
  void aRevocationFromTheCaEndsAMemberAndOneFromAnotherCaDoesNot() throws Exception {
    Node self = node(ca, "self", Duration.ofDays(2));
    Node a = node(ca, "a", Duration.ofDays(2));
    CertificateDirectory d = directory(self, NOW);
    assertTrue(d.learn(a.id(), a.cert.der()));
    CertificateAuthority other = ca("other");
    Node foreign = node(other, "a2", Duration.ofDays(2));
    assertNull(d.revoke(Revocation.issue(other.certificate(), other.privateKey(), foreign.cert, NOW).encoded()));
    assertNull(d.revoke(new byte[] {1, 2, 3}));
    assertEquals(a.id(), d.revoke(Revocation.issue(ca.certificate(), ca.privateKey(), a.cert, NOW).encoded()));
    assertFalse(d.knows(a.id()));
    assertFalse(d.learn(a.id(), a.cert.der()), "a revoked certificate is never learned again");
  }
}
