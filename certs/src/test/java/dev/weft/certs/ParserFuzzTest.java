package dev.weft.certs;

import dev.weft.ip.IpPrefix;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Mangled input never escapes as anything but a {@link CertsException}: certificates and keys come
 * from files users edit and from peers on the network.
 */
class ParserFuzzTest {
  private static final byte[] CERT_DER;
  private static final String NODE_KEY_PEM;
  private static final CertificateVerifier VERIFIER;
  private static final TrustBundle BUNDLE;
  private static final byte[] REVOCATION;

  static {
    try {
      var ca = TestPki.constrainedCa();
      BUNDLE = TrustBundle.of(java.util.List.of(ca.certificate()));
      VERIFIER = new CertificateVerifier(BUNDLE, new RevocationSet());
      WeftCertificate cert =
          ca.sign(TestPki.node("a", java.util.List.of("100.64.0.1/10", "fd00:77::1/48"), java.util.List.of("web"),
              java.util.List.of("198.51.100.0/26"), null), TestPki.NOW, TestPki.RANDOM);
      CERT_DER = cert.der();
      REVOCATION = Revocation.issue(ca.certificate(), ca.privateKey(), cert, TestPki.NOW).encoded();
      var keys = NodeKeys.generate(TestPki.RANDOM);
      NODE_KEY_PEM =
          Pem.write("PRIVATE KEY", KeyCodec.pkcs8(new org.bouncycastle.crypto.params.X25519PrivateKeyParameters(keys.x25519Private())))
              + Pem.write("PRIVATE KEY", KeyCodec.pkcs8(new org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters(keys.ed25519Private())));
    } catch (CertsException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @Provide
  Arbitrary<byte[]> mutatedDer() {
    return Arbitraries.integers().between(0, CERT_DER.length - 1).list().ofMinSize(1).ofMaxSize(8)
        .flatMap(positions -> Arbitraries.bytes().list().ofSize(positions.size()).map(values -> {
          byte[] copy = CERT_DER.clone();
          for (int i = 0; i < positions.size(); i++) {
            copy[positions.get(i)] = values.get(i);
          }
          return copy;
        }));
  }

  @Provide
  Arbitrary<byte[]> truncatedDer() {
    return Arbitraries.integers().between(0, CERT_DER.length - 1).map(n -> java.util.Arrays.copyOf(CERT_DER, n));
  }

  @Property(tries = 3000)
  void mutatedCertificatesFailCleanly(@ForAll("mutatedDer") byte[] der) {
    parseCertificate(der);
  }

  @Property(tries = 500)
  void truncatedCertificatesFailCleanly(@ForAll("truncatedDer") byte[] der) {
    parseCertificate(der);
  }

  /**
   * Any BER variant of the certificate (one element's length in long form, padded, or indefinite)
   * is refused: accepting one would give a blocklisted certificate a fresh fingerprint.
   */
  @Property(tries = 1000)
  void everyNonCanonicalEncodingIsRefused(
      @ForAll @net.jqwik.api.constraints.IntRange(min = 0, max = 10_000) int element,
      @ForAll @net.jqwik.api.constraints.IntRange(min = -1, max = 3) int padding) {
    Tlv tree = Tlv.parse(CERT_DER);
    java.util.List<Tlv> elements = tree.all();
    Tlv t = elements.get(element % elements.size());
    if (padding < 0 && t.children != null) {
      t.indefinite = true;
    } else {
      t.lengthPadding = Math.max(0, padding);
    }
    byte[] reEncoded = tree.encode();
    if (java.util.Arrays.equals(reEncoded, CERT_DER)) {
      return; // a long form is the minimal one for lengths of 128 and more
    }
    org.junit.jupiter.api.Assertions.assertThrows(CertsException.class, () -> WeftCertificate.fromDer(reEncoded));
  }

  @Property(tries = 3000)
  void mutatedRevocationsFailCleanlyAndNeverVerify(@ForAll("mutatedRevocation") byte[] bytes) {
    Revocation r;
    try {
      r = Revocation.decode(bytes);
    } catch (CertsException expected) {
      return;
    }
    // One value, one encoding; and what was changed no longer carries the CA's signature.
    org.junit.jupiter.api.Assertions.assertArrayEquals(bytes, r.encoded());
    r.toString();
    r.toPem();
    if (!java.util.Arrays.equals(bytes, REVOCATION)) {
      org.junit.jupiter.api.Assertions.assertFalse(r.isValidFor(BUNDLE));
    }
  }

  @Provide
  Arbitrary<byte[]> mutatedRevocation() {
    Arbitrary<byte[]> changed = Arbitraries.integers().between(0, REVOCATION.length - 1).list().ofMinSize(1).ofMaxSize(4)
        .flatMap(positions -> Arbitraries.bytes().list().ofSize(positions.size()).map(values -> {
          byte[] copy = REVOCATION.clone();
          for (int i = 0; i < positions.size(); i++) {
            copy[positions.get(i)] = values.get(i);
          }
          return copy;
        }));
    Arbitrary<byte[]> resized = Arbitraries.integers().between(0, REVOCATION.length + 70)
        .map(n -> java.util.Arrays.copyOf(REVOCATION, n));
    return Arbitraries.oneOf(changed, resized);
  }

  @Property(tries = 1000)
  void randomRevocationBytesAndPemFailCleanly(@ForAll @Size(max = 300) byte[] bytes, @ForAll("mangledRevocationPem") String pem) {
    try {
      Revocation.decode(bytes);
    } catch (CertsException expected) {
      // refused
    }
    try {
      Revocation.fromPem(pem.getBytes(StandardCharsets.ISO_8859_1), "fuzz");
    } catch (CertsException expected) {
      // refused
    }
  }

  @Provide
  Arbitrary<String> mangledRevocationPem() {
    String s = Pem.write(Revocation.PEM_TYPE, REVOCATION);
    return Arbitraries.integers().between(0, s.length() - 1).flatMap(pos ->
        Arbitraries.chars().ascii().map(c -> s.substring(0, pos) + c + s.substring(pos + 1)));
  }

  @Property(tries = 1000)
  void randomBytesFailCleanly(@ForAll @Size(max = 600) byte[] bytes) {
    parseCertificate(bytes);
    parsePem(bytes);
  }

  @Property(tries = 1000)
  void mangledPemFailsCleanly(@ForAll("mangledPem") String pem) {
    parsePem(pem.getBytes(StandardCharsets.ISO_8859_1));
  }

  @Provide
  Arbitrary<String> mangledPem() {
    String cert = Pem.write("CERTIFICATE", CERT_DER);
    Arbitrary<String> base = Arbitraries.of(cert, NODE_KEY_PEM, "-----BEGIN CERTIFICATE-----\n" + Base64.getEncoder().encodeToString(new byte[] {0x30, (byte) 0x84, 1, 1, 1, 1}) + "\n-----END CERTIFICATE-----\n");
    return base.flatMap(s -> Arbitraries.integers().between(0, s.length() - 1).flatMap(pos ->
        Arbitraries.chars().ascii().map(c -> s.substring(0, pos) + c + s.substring(pos + 1))));
  }

  private static void parseCertificate(byte[] der) {
    WeftCertificate cert;
    try {
      cert = WeftCertificate.fromDer(der);
    } catch (CertsException expected) {
      return; // a clear refusal is the point
    }
    // What parsed must be usable: every accessor (as 'cert print' reads them) and verification.
    cert.toString();
    cert.toPem();
    cert.notBefore();
    cert.notAfter();
    cert.serial();
    cert.publicKey();
    cert.signingKey();
    cert.ips().forEach(IpPrefix::toString);
    cert.groups();
    cert.subnets().forEach(IpPrefix::toString);
    cert.constraints();
    cert.caFingerprint();
    VERIFIER.verify(cert, TestPki.NOW);
    VERIFIER.verify(der, TestPki.NOW);
  }

  @org.junit.jupiter.api.Test
  void everyDigitOfTheValidityDatesDamagedIsRefusedWhenParsed() throws Exception {
    // The UTCTime digits of notBefore and notAfter: 13 ASCII bytes each after tag 0x17, length 13.
    int found = 0;
    for (int i = 0; i + 15 <= CERT_DER.length; i++) {
      if (CERT_DER[i] != 0x17 || CERT_DER[i + 1] != 13) {
        continue;
      }
      found++;
      for (int d = 0; d < 12; d++) {
        byte[] copy = CERT_DER.clone();
        copy[i + 2 + d] = 'x';
        org.junit.jupiter.api.Assertions.assertThrows(CertsException.class, () -> WeftCertificate.fromDer(copy));
      }
    }
    org.junit.jupiter.api.Assertions.assertEquals(2, found, "both validity dates found in the DER");
  }

  private static void parsePem(byte[] pem) {
    try {
      WeftCertificate.fromPem(pem, "fuzz");
    } catch (CertsException expected) {
      // refused
    }
    try {
      NodeKeys.parse(pem, "fuzz");
    } catch (CertsException expected) {
      // refused
    }
    try {
      NodePublicKeys.parse(pem, "fuzz");
    } catch (CertsException expected) {
      // refused
    }
    try {
      CaKeyFile.parse(pem, "fuzz", () -> "pw".toCharArray());
    } catch (CertsException expected) {
      // refused
    }
  }
}
