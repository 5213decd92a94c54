package dev.weft.certs;

import static dev.weft.certs.TestPki.NOW;
import static dev.weft.certs.TestPki.RANDOM;
import static dev.weft.certs.TestPki.node;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RevocationTest {
  final CertificateAuthority ca;
  final CertificateAuthority other;
  final NodePublicKeys keys = NodeKeys.generate(RANDOM).publicKeys();
  final WeftCertificate cert;
  final TrustBundle bundle;

  RevocationTest() throws CertsException {
    ca = TestPki.ca("acme");
    other = TestPki.ca("other");
    cert = ca.sign(request("web1", "100.64.0.1/10", Duration.ofDays(30)), NOW, RANDOM);
    bundle = TrustBundle.of(List.of(ca.certificate(), other.certificate()));
  }

  CertificateAuthority.NodeRequest request(String name, String ip, Duration d) {
    return new CertificateAuthority.NodeRequest(name, List.of(TestPki.p(ip)), List.of(), List.of(), d, keys);
  }

  Revocation revoke(WeftCertificate c) throws CertsException {
    return Revocation.issue(ca.certificate(), ca.privateKey(), c, NOW.plusMillis(1234));
  }

  static String reason(Verdict v) {
    return assertInstanceOf(Verdict.Invalid.class, v).reason();
  }

  @Test
  void carriesWhatNamesTheCertificateAndSurvivesBinaryAndPem() throws Exception {
    Revocation r = revoke(cert);
    assertEquals(ca.certificate().fingerprint(), r.caFingerprint());
    assertEquals(cert.fingerprint(), r.certFingerprint());
    assertEquals(cert.serial(), r.serial());
    assertArrayEquals(cert.publicKey(), r.subjectKey());
    assertEquals(NOW.plusSeconds(1), r.issuedAt(), "kept to the second");
    byte[] enc = r.encoded();
    assertTrue(enc.length <= 256 && enc.length <= Revocation.MAX_ENCODED, enc.length + " bytes");
    assertArrayEquals("WFRV".getBytes(StandardCharsets.US_ASCII), Arrays.copyOf(enc, 4));
    assertEquals(1, enc[4], "version");
    int n = enc[69];
    assertEquals(174 + n, enc.length);
    assertEquals(cert.serial(), new BigInteger(1, Arrays.copyOfRange(enc, 70, 70 + n)));
    assertEquals(r.issuedAt().getEpochSecond(), ByteBuffer.wrap(enc, 70 + n + 32, 8).getLong(), "big-endian seconds");
    Revocation back = Revocation.decode(enc);
    assertEquals(r, back);
    assertArrayEquals(enc, back.encoded());
    assertTrue(back.isValidFor(bundle));
    String pem = r.toPem();
    assertTrue(pem.startsWith("-----BEGIN WEFT REVOCATION-----"), pem);
    assertEquals(List.of(r, r), Revocation.fromPem((pem + pem).getBytes(StandardCharsets.US_ASCII), "two"));
  }

  @Test
  void onlyTheIssuingCaRevokesAndOnlyNodeCertificates() throws Exception {
    WeftCertificate theirs = other.sign(node("x", "100.64.0.9/10"), NOW, RANDOM);
    assertEquals("certificate 'x' was not issued by CA 'acme'",
        assertThrows(CertsException.class, () -> revoke(theirs)).getMessage());
    assertEquals("the CA key does not match the CA certificate", assertThrows(CertsException.class,
        () -> Revocation.issue(ca.certificate(), other.privateKey(), cert, NOW)).getMessage());
    assertTrue(assertThrows(CertsException.class, () -> revoke(ca.certificate())).getMessage().contains("is a CA certificate"));
    assertTrue(assertThrows(CertsException.class,
        () -> Revocation.issue(cert, ca.privateKey(), cert, NOW)).getMessage().contains("is not a CA certificate"));
  }

  @Test
  void verifiesOnlyTheSignatureOfTheTrustedCaItNames() throws Exception {
    Revocation r = revoke(cert);
    r.verify(bundle);
    assertTrue(assertThrows(CertsException.class, () -> r.verify(TrustBundle.of(List.of(other.certificate()))))
        .getMessage().startsWith("revocation by unknown CA " + ca.certificate().fingerprint()));
    // Every byte it signs matters: change any one and the signature no longer holds.
    byte[] enc = r.encoded();
    for (int i = 5; i < enc.length; i++) {
      byte[] copy = enc.clone();
      copy[i] ^= 0x01;
      Revocation changed;
      try {
        changed = Revocation.decode(copy);
      } catch (CertsException e) {
        continue; // e.g. a serial with a leading zero
      }
      assertFalse(changed.isValidFor(bundle), "byte " + i);
    }
    // Another CA's key cannot speak for this CA.
    WeftCertificate mine = other.sign(node("y", "100.64.0.8/10"), NOW, RANDOM);
    byte[] forged = Revocation.issue(other.certificate(), other.privateKey(), mine, NOW).encoded();
    System.arraycopy(enc, 5, forged, 5, 32); // now names acme
    String why = assertThrows(CertsException.class, () -> Revocation.decode(forged).verify(bundle)).getMessage();
    assertEquals("revocation has a bad signature: not signed by CA 'acme'", why);
  }

  @Test
  void aRevocationRefusesTheCertificateItsSerialAndItsKeyEvenAfterItExpires() throws Exception {
    RevocationSet set = new RevocationSet();
    var verifier = new CertificateVerifier(bundle, set);
    assertTrue(verifier.verify(cert, NOW).isValid());
    assertTrue(set.add(revoke(cert), bundle));
    assertFalse(set.add(revoke(cert), bundle), "nothing new the second time");
    assertEquals("certificate " + cert.fingerprint() + " is revoked by CA 'acme'", reason(verifier.verify(cert, NOW)));
    assertTrue(set.containsSerial(ca.certificate().fingerprint(), cert.serial()));
    assertTrue(set.containsSubjectKey(cert.publicKey()));
    assertArrayEquals(cert.publicKey(), set.revokedSubjectKeys().get(0));

    // Long after the revoked certificate expired, the CA signs a new one for the same key: refused.
    Instant later = NOW.plus(Duration.ofDays(60));
    WeftCertificate again = ca.sign(request("web1", "100.64.0.1/10", Duration.ofDays(30)), later, RANDOM);
    Revocation old = Revocation.decode(revoke(cert).encoded());
    RevocationSet fresh = new RevocationSet();
    fresh.add(old, bundle);
    assertTrue(reason(new CertificateVerifier(bundle, fresh).verify(again, later.plusSeconds(60)))
        .endsWith("its key " + java.util.Base64.getEncoder().encodeToString(keys.x25519()) + " is revoked by CA 'acme'"));
  }

  @Test
  void anUnverifiedRevocationChangesNothing() throws Exception {
    RevocationSet set = new RevocationSet();
    Revocation r = revoke(cert);
    assertThrows(CertsException.class, () -> set.add(r, TrustBundle.of(List.of(other.certificate()))));
    byte[] enc = r.encoded();
    enc[enc.length - 1] ^= 1;
    Revocation bad = Revocation.decode(enc);
    assertThrows(CertsException.class, () -> set.add(bad, bundle));
    assertEquals(0, set.size());
    assertTrue(new CertificateVerifier(bundle, set).verify(cert, NOW).isValid());
  }

  @Test
  void decodingIsStrictAndSaysWhy() throws Exception {
    byte[] enc = revoke(cert).encoded();
    int n = enc[69];
    assertDecodeFails("malformed revocation: 0 bytes (expected 175 to 194)", new byte[0]);
    assertDecodeFails("malformed revocation: " + (enc.length + 1) + " bytes do not match a serial of " + n + " bytes",
        Arrays.copyOf(enc, enc.length + 1));
    assertDecodeFails("malformed revocation: " + (enc.length - 1) + " bytes do not match", Arrays.copyOf(enc, enc.length - 1));
    assertDecodeFails("malformed revocation: not a weft revocation (bad magic)", set(enc, 0, 'X'));
    assertDecodeFails("malformed revocation: unsupported version 2", set(enc, 4, 2));
    assertDecodeFails("malformed revocation: serial length 0", set(enc, 69, 0));
    assertDecodeFails("malformed revocation: serial length 21", set(enc, 69, 21));
    assertDecodeFails("malformed revocation: serial has a leading zero byte", set(enc, 70, 0));
    assertDecodeFails("malformed revocation: issue time out of range", set(enc, 70 + n + 32, 0x80));
    assertDecodeFails("malformed revocation: 500 bytes", new byte[500]);
  }

  private static byte[] set(byte[] b, int i, int v) {
    byte[] c = b.clone();
    c[i] = (byte) v;
    return c;
  }

  private static void assertDecodeFails(String prefix, byte[] bytes) {
    String why = assertThrows(CertsException.class, () -> Revocation.decode(bytes)).getMessage();
    assertTrue(why.startsWith(prefix), why);
  }
}
