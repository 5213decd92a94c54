package dev.weft.certs;

import static dev.weft.certs.TestPki.NOW;
import static dev.weft.certs.TestPki.RANDOM;
import static dev.weft.certs.TestPki.node;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CertificateVerifierTest {
  private static String reason(Verdict v) {
    return assertInstanceOf(Verdict.Invalid.class, v).reason();
  }

  @Test
  void acceptsACertificateOfATrustedCaAndYieldsItsIdentity() throws Exception {
    CertificateAuthority ca = TestPki.constrainedCa();
    WeftCertificate c = ca.sign(node("a", List.of("100.64.0.1/10"), List.of("db"), List.of("198.51.100.64/26"), null), NOW, RANDOM);
    var verifier = new CertificateVerifier(TrustBundle.of(List.of(ca.certificate())), new RevocationSet());
    NodeIdentity id = assertInstanceOf(Verdict.Valid.class, verifier.verify(c.der(), NOW)).identity();
    assertEquals("a", id.name());
    assertEquals(List.of("db"), id.groups());
    assertArrayEquals(c.publicKey(), id.x25519PublicKey());
    assertArrayEquals(c.signingKey(), id.ed25519PublicKey());
    assertTrue(id.mayAdvertise(TestPki.p("198.51.100.80/28")));
    assertTrue(!id.mayAdvertise(TestPki.p("198.51.100.128/28")));
  }

  @Test
  void followsTheAnchorsWhenTheirBundleIsReplacedEvenAfterAVerdictWasCached() throws Exception {
    CertificateAuthority one = TestPki.ca("one");
    CertificateAuthority two = TestPki.ca("two");
    WeftCertificate a = one.sign(node("a", "100.64.0.1/10"), NOW, RANDOM);
    WeftCertificate b = two.sign(node("b", "100.64.0.2/10"), NOW, RANDOM);
    TrustAnchors anchors = new TrustAnchors(TrustBundle.of(List.of(one.certificate())));
    var verifier = new CertificateVerifier(anchors, new RevocationSet());
    assertTrue(verifier.verify(a, NOW).isValid());
    assertTrue(reason(verifier.verify(b, NOW)).contains("unknown CA"), "the refusal is cached now");
    anchors.replace(TrustBundle.of(List.of(one.certificate(), two.certificate())));
    assertTrue(verifier.verify(b, NOW).isValid(), "a CA added is trusted at once");
    assertTrue(verifier.verifyCa(two.certificate(), NOW).isValid());
    anchors.replace(TrustBundle.of(List.of(two.certificate())));
    assertTrue(reason(verifier.verify(a, NOW)).contains("unknown CA"), "a CA removed is not trusted, cached or not");
    assertTrue(verifier.verify(b, NOW).isValid());
    assertTrue(reason(verifier.verifyCa(one.certificate(), NOW)).contains("unknown CA"));
  }

  @Test
  void refusesExpiredAndNotYetValid() throws Exception {
    CertificateAuthority ca = TestPki.ca("x");
    WeftCertificate c = ca.sign(node("a", List.of("100.64.0.1/10"), List.of(), List.of(), Duration.ofDays(1)), NOW, RANDOM);
    var verifier = new CertificateVerifier(TrustBundle.of(List.of(ca.certificate())), new RevocationSet());
    assertTrue(reason(verifier.verify(c, NOW.plus(Duration.ofDays(2)))).contains("expired"));
    assertTrue(reason(verifier.verify(c, NOW.minus(Duration.ofDays(1)))).contains("not valid before"));
    assertTrue(verifier.verify(c, NOW).isValid(), "the cached structural verdict does not hide the time check");
  }

  @Test
  void refusesACertificateOfAnUnknownCa() throws Exception {
    CertificateAuthority ours = TestPki.ca("ours");
    CertificateAuthority theirs = TestPki.ca("theirs");
    WeftCertificate c = theirs.sign(node("a", "100.64.0.1/10"), NOW, RANDOM);
    var verifier = new CertificateVerifier(TrustBundle.of(List.of(ours.certificate())), new RevocationSet());
    assertTrue(reason(verifier.verify(c, NOW)).contains("unknown CA"));
  }

  @Test
  void refusesABadSignature() throws Exception {
    CertificateAuthority ca = TestPki.ca("x");
    byte[] der = ca.sign(node("a", "100.64.0.1/10"), NOW, RANDOM).der();
    der[der.length - 5] ^= 1; // inside the signature value
    var verifier = new CertificateVerifier(TrustBundle.of(List.of(ca.certificate())), new RevocationSet());
    assertTrue(reason(verifier.verify(der, NOW)).contains("bad signature"));
  }

  @Test
  void refusesBlocklistedCertificatesEvenAfterAValidVerdictWasCached() throws Exception {
    CertificateAuthority ca = TestPki.ca("x");
    WeftCertificate c = ca.sign(node("a", "100.64.0.1/10"), NOW, RANDOM);
    RevocationSet revoked = new RevocationSet();
    var verifier = new CertificateVerifier(TrustBundle.of(List.of(ca.certificate())), revoked);
    assertTrue(verifier.verify(c, NOW).isValid());
    revoked.add(c.fingerprint());
    assertTrue(reason(verifier.verify(c, NOW)).contains("blocklisted"));
  }

  @Test
  void refusesEveryCertificateOfABlocklistedOrExpiredCa() throws Exception {
    CertificateAuthority ca = TestPki.ca("x");
    WeftCertificate c = ca.sign(node("a", "100.64.0.1/10"), NOW, RANDOM);
    RevocationSet revoked = new RevocationSet();
    var verifier = new CertificateVerifier(TrustBundle.of(List.of(ca.certificate())), revoked);
    assertTrue(verifier.verify(c, NOW).isValid());
    // The node certificate ends a second before its CA: one second later only the CA has expired.
    assertTrue(reason(verifier.verify(c, ca.certificate().notAfter().plusSeconds(1))).contains("expired"));
    revoked.add(ca.certificate().fingerprint());
    assertTrue(reason(verifier.verify(c, NOW)).contains("CA " + ca.certificate().fingerprint() + " is blocklisted"));
    assertTrue(reason(verifier.verifyCa(ca.certificate(), NOW)).contains("is blocklisted"));
  }

  @Test
  void trustsSeveralCasAtOnceForRotation() throws Exception {
    CertificateAuthority old = TestPki.ca("old");
    CertificateAuthority fresh = TestPki.ca("new");
    var verifier =
        new CertificateVerifier(TrustBundle.of(List.of(old.certificate(), fresh.certificate())), new RevocationSet());
    assertTrue(verifier.verify(old.sign(node("a", "100.64.0.1/10"), NOW, RANDOM), NOW).isValid());
    assertTrue(verifier.verify(fresh.sign(node("b", "100.64.0.2/10"), NOW, RANDOM), NOW).isValid());
  }

  @Test
  void refusesACaCertificateWhereANodeIsExpectedAndMalformedBytes() throws Exception {
    CertificateAuthority ca = TestPki.ca("x");
    var verifier = new CertificateVerifier(TrustBundle.of(List.of(ca.certificate())), new RevocationSet());
    assertTrue(reason(verifier.verify(ca.certificate(), NOW)).contains("CA certificate"));
    assertTrue(reason(verifier.verify(new byte[] {0x30, 0x03, 1, 2, 3}, NOW)).contains("malformed"));
    assertTrue(verifier.verifyCa(ca.certificate(), NOW).isValid());
    assertTrue(reason(verifier.verifyCa(TestPki.ca("y").certificate(), NOW)).contains("unknown CA"));
  }

  @Test
  void revocationListRefusesGarbageWithTheLineNumber(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    var file = dir.resolve("block");
    java.nio.file.Files.writeString(file, "# revoked\n" + "ab".repeat(32) + "  # laptop\n\nnot-a-fingerprint\n");
    String why = org.junit.jupiter.api.Assertions.assertThrows(CertsException.class, () -> RevocationSet.load(file)).getMessage();
    assertTrue(why.endsWith(":4: not a SHA-256 fingerprint (64 hex digits)"), why);
    java.nio.file.Files.writeString(file, "# revoked\n" + "AB".repeat(32) + "\n");
    assertTrue(RevocationSet.load(file).contains("ab".repeat(32)));
  }

  /** Serial numbers come from the random source only: a fixed one makes two certificates share one. */
  private static java.security.SecureRandom fixedSerials() {
    return new java.security.SecureRandom() {
      @Override
      public void nextBytes(byte[] bytes) {
        java.util.Arrays.fill(bytes, (byte) 0x42);
      }
    };
  }

  @Test
  void aRevokedKeyRefusesEveryCertificateForThatKey() throws Exception {
    CertificateAuthority ca = TestPki.ca("x");
    NodePublicKeys keys = NodeKeys.generate(RANDOM).publicKeys();
    var first = new CertificateAuthority.NodeRequest("a", List.of(TestPki.p("100.64.0.1/10")), List.of(), List.of(), null, keys);
    var second = new CertificateAuthority.NodeRequest("b", List.of(TestPki.p("100.64.0.2/10")), List.of(), List.of(), null, keys);
    WeftCertificate a = ca.sign(first, NOW, RANDOM);
    WeftCertificate b = ca.sign(second, NOW, RANDOM);
    RevocationSet revoked = new RevocationSet();
    var verifier = new CertificateVerifier(TrustBundle.of(List.of(ca.certificate())), revoked);
    assertTrue(verifier.verify(b, NOW).isValid());
    revoked.addSubjectKey(a.publicKey());
    assertTrue(reason(verifier.verify(a, NOW)).contains("its key " + java.util.Base64.getEncoder().encodeToString(a.publicKey()) + " is blocklisted"));
    assertTrue(reason(verifier.verify(b, NOW)).contains("is blocklisted"), "a re-issued certificate for the key too");
    assertTrue(revoked.containsSubjectKey(a.publicKey()));
    assertArrayEquals(a.publicKey(), revoked.revokedSubjectKeys().get(0));
  }

  @Test
  void aRevokedSerialRefusesEveryCertificateOfThatCaWithIt() throws Exception {
    CertificateAuthority ca = TestPki.ca("x");
    CertificateAuthority other = TestPki.ca("y");
    WeftCertificate a = ca.sign(node("a", "100.64.0.1/10"), NOW, fixedSerials());
    WeftCertificate b = ca.sign(node("b", "100.64.0.2/10"), NOW, fixedSerials());
    WeftCertificate elsewhere = other.sign(node("c", "100.64.0.3/10"), NOW, fixedSerials());
    assertEquals(a.serial(), b.serial());
    assertEquals(a.serial(), elsewhere.serial());
    RevocationSet revoked = new RevocationSet();
    var verifier = new CertificateVerifier(TrustBundle.of(List.of(ca.certificate(), other.certificate())), revoked);
    revoked.addSerial(ca.certificate().fingerprint(), a.serial());
    assertTrue(reason(verifier.verify(b, NOW)).contains("serial " + a.serial().toString(16) + " of CA "
        + ca.certificate().fingerprint() + " is blocklisted"));
    assertTrue(verifier.verify(elsewhere, NOW).isValid(), "a serial is revoked for its CA only");
  }

  @Test
  void blocklistFilesNameSerialsAndKeysToo(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    CertificateAuthority ca = TestPki.ca("x");
    WeftCertificate a = ca.sign(node("a", "100.64.0.1/10"), NOW, RANDOM);
    WeftCertificate b = ca.sign(node("b", "100.64.0.2/10"), NOW, RANDOM);
    var file = dir.resolve("block");
    java.nio.file.Files.writeString(file, "serial " + ca.certificate().fingerprint().toUpperCase() + " " + a.serial().toString(16)
        + "  # lost laptop\nkey " + java.util.Base64.getEncoder().encodeToString(b.publicKey()) + "\n");
    var verifier = new CertificateVerifier(TrustBundle.of(List.of(ca.certificate())), RevocationSet.load(file));
    assertTrue(reason(verifier.verify(a, NOW)).contains("serial"));
    assertTrue(reason(verifier.verify(b, NOW)).contains("its key"));
    for (String bad : List.of("serial " + "ab".repeat(32), "serial xyz 12", "serial " + "ab".repeat(32) + " " + "f".repeat(41),
        "key AAAA", "key !!", "key", "ab".repeat(32) + " extra")) {
      java.nio.file.Files.writeString(file, "# first\n" + bad + "\n");
      String why = org.junit.jupiter.api.Assertions.assertThrows(CertsException.class, () -> RevocationSet.load(file)).getMessage();
      assertTrue(why.startsWith(file + ":2: "), why);
    }
  }
}
