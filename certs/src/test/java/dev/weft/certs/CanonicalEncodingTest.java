package dev.weft.certs;

import static dev.weft.certs.TestPki.NOW;
import static dev.weft.certs.TestPki.RANDOM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.operator.bc.BcEdDSAContentVerifierProviderBuilder;
import org.junit.jupiter.api.Test;

/**
 * A certificate has one encoding only. BouncyCastle reads BER and checks the signature over the
 * TBS re-encoded as DER, so without this rule a re-encoded copy of a blocklisted certificate
 * would carry a new fingerprint and a valid signature (the class of Nebula's GHSA-69x3).
 */
class CanonicalEncodingTest {
  static final CertificateAuthority CA;
  static final WeftCertificate CERT;

  static {
    try {
      CA = TestPki.ca("x");
      CERT = CA.sign(TestPki.node("n2", "100.64.0.2/10"), NOW, RANDOM);
    } catch (CertsException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Whether BouncyCastle alone would take these bytes as a certificate signed by {@code ca}. */
  static boolean bouncyCastleAccepts(byte[] bytes, WeftCertificate ca) {
    try {
      return new X509CertificateHolder(bytes)
          .isSignatureValid(new BcEdDSAContentVerifierProviderBuilder().build(new Ed25519PublicKeyParameters(ca.signingKey())));
    } catch (Exception e) {
      return false;
    }
  }

  @Test
  void theReEncodingsAreARealThreat() {
    // Without this, the refusals below could pass for the wrong reason (bytes nobody would accept).
    int accepted = 0;
    for (var e : ReEncodings.of(CERT.der()).entrySet()) {
      assertFalse(java.util.Arrays.equals(CERT.der(), e.getValue()), e.getKey());
      if (bouncyCastleAccepts(e.getValue(), CA.certificate())) {
        accepted++;
      }
    }
    assertTrue(accepted >= 8, "BouncyCastle verifies the signature of " + accepted + " re-encodings");
  }

  @Test
  void everyReEncodingOfANodeCertificateIsRefused() throws Exception {
    var revoked = new RevocationSet();
    revoked.add(CERT.fingerprint());
    var verifier = new CertificateVerifier(TrustBundle.of(List.of(CA.certificate())), revoked);
    for (var e : ReEncodings.of(CERT.der()).entrySet()) {
      String why = assertThrows(CertsException.class, () -> WeftCertificate.fromDer(e.getValue()), e.getKey()).getMessage();
      assertTrue(why.startsWith("malformed certificate: "), e.getKey() + ": " + why);
      assertFalse(why.contains("\n"), why);
      String pemWhy = assertThrows(CertsException.class,
          () -> WeftCertificate.fromPem(Pem.write("CERTIFICATE", e.getValue()).getBytes(), "n2.crt"), e.getKey()).getMessage();
      assertTrue(pemWhy.startsWith("n2.crt: malformed certificate: "), pemWhy);
      String verdict = assertInstanceOf(Verdict.Invalid.class, verifier.verify(e.getValue(), NOW), e.getKey()).reason();
      assertTrue(verdict.startsWith("malformed certificate"), verdict);
    }
  }

  @Test
  void theRefusalNamesTheEncodingProblem() {
    byte[] padded = ReEncodings.of(CERT.der()).get("outer SEQUENCE length in long form with a leading zero");
    assertEquals("malformed certificate: not in canonical DER encoding (re-encoded?)",
        assertThrows(CertsException.class, () -> WeftCertificate.fromDer(padded)).getMessage());
    byte[] nullParams = ReEncodings.of(CERT.der()).get("signature algorithm with NULL parameters");
    assertEquals("malformed certificate: signature algorithm must be Ed25519 without parameters, as in the TBS",
        assertThrows(CertsException.class, () -> WeftCertificate.fromDer(nullParams)).getMessage());
  }

  @Test
  void everyReEncodingOfACaCertificateIsRefused() {
    WeftCertificate ca = CA.certificate();
    for (var e : ReEncodings.of(ca.der()).entrySet()) {
      assertThrows(CertsException.class, () -> WeftCertificate.fromDer(e.getValue()), e.getKey());
    }
  }

  @Test
  void theCanonicalEncodingStillParses() throws Exception {
    assertEquals(CERT.fingerprint(), WeftCertificate.fromDer(CERT.der()).fingerprint());
    assertEquals(CERT.fingerprint(), WeftCertificate.fromDer(Tlv.parse(CERT.der()).encode()).fingerprint(),
        "the test's writer reproduces DER when asked for nothing unusual");
  }
}
