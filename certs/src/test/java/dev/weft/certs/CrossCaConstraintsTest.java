package dev.weft.certs;

import static dev.weft.certs.TestPki.NOW;
import static dev.weft.certs.TestPki.RANDOM;
import static dev.weft.certs.TestPki.node;
import static dev.weft.certs.TestPki.p;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.ip.IpPrefix;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.junit.jupiter.api.Test;

/**
 * With several CAs trusted, each one's limits must hold for its own certificates: a CA that
 * limits networks but says nothing of subnets must not let its nodes route everything.
 */
class CrossCaConstraintsTest {
  static final String NO_SUBNETS = "the CA limits networks and grants no subnets";

  static CertificateAuthority ca(String name, Optional<List<IpPrefix>> subnets) throws CertsException {
    var c = new CaConstraints(Optional.of(List.of(p("100.64.0.0/10"), p("fd00:77::/48"))), Optional.empty(), subnets);
    return CertificateAuthority.create(new CertificateAuthority.CaRequest(name, c, Duration.ofDays(365)), NOW, RANDOM);
  }

  /**
   * What a CA key signs when nothing checks the constraints (a weft before this rule, or another
   * tool): a real certificate of {@code ca} with {@code subnets} added.
   */
  static WeftCertificate signedRegardless(CertificateAuthority ca, String name, List<String> subnets) throws Exception {
    WeftCertificate plain = ca.sign(node(name, "100.64.0.9/10"), NOW, RANDOM);
    var b = new X509v3CertificateBuilder(new X509CertificateHolder(plain.der()));
    b.addExtension(WeftExtensions.SUBNETS, false, WeftExtensions.prefixes(subnets.stream().map(TestPki::p).toList()));
    return WeftCertificate.fromDer(b.build(new Ed25519ContentSigner(ca.privateKey())).getEncoded());
  }

  @Test
  void aCaLimitingNetworksOnlyGrantsNoSubnetsWhenSeveralCasAreTrusted() throws Exception {
    CertificateAuthority networksOnly = ca("networks-only", Optional.empty());
    CertificateAuthority explicitAny = ca("explicit-any", Optional.of(CaConstraints.ANY_SUBNET));
    CertificateAuthority unconstrained = TestPki.ca("unconstrained");
    var verifier = new CertificateVerifier(
        TrustBundle.of(List.of(networksOnly.certificate(), explicitAny.certificate(), unconstrained.certificate())),
        new RevocationSet());

    for (String s : List.of("0.0.0.0/0", "203.0.113.0/24", "::/0")) {
      WeftCertificate c = signedRegardless(networksOnly, "a", List.of(s));
      assertTrue(c.isSignedBy(networksOnly.certificate()));
      String why = assertInstanceOf(Verdict.Invalid.class, verifier.verify(c, NOW)).reason();
      assertEquals("subnet " + s + " is not allowed: " + NO_SUBNETS
          + " (a CA grants them with --subnets, or any with --any-subnet)", why);
    }
    assertTrue(verifier.verify(networksOnly.sign(node("plain", "100.64.0.1/10"), NOW, RANDOM), NOW).isValid(),
        "its certificates without subnets are fine");

    WeftCertificate any = explicitAny.sign(
        node("b", List.of("100.64.0.2/10"), List.of(), List.of("0.0.0.0/0", "::/0"), null), NOW, RANDOM);
    assertTrue(verifier.verify(any, NOW).isValid());
    assertTrue(verifier.verify(signedRegardless(explicitAny, "b2", List.of("203.0.113.0/24")), NOW).isValid());

    WeftCertificate free = unconstrained.sign(
        node("c", List.of("192.0.2.3/24"), List.of(), List.of("0.0.0.0/0", "198.51.100.0/24"), null), NOW, RANDOM);
    assertTrue(verifier.verify(free, NOW).isValid(), "a CA without networks keeps granting any subnet");
  }

  @Test
  void signingRefusesWhatVerificationWouldRefuse() throws Exception {
    CertificateAuthority networksOnly = ca("networks-only", Optional.empty());
    for (String s : List.of("0.0.0.0/0", "203.0.113.0/24")) {
      String why = assertThrows(CertsException.class, () -> networksOnly.sign(
          node("a", List.of("100.64.0.1/10"), List.of(), List.of(s), null), NOW, RANDOM)).getMessage();
      assertTrue(why.contains(NO_SUBNETS), why);
    }
    CertificateAuthority listed = ca("listed", Optional.of(List.of(p("198.51.100.0/24"))));
    listed.sign(node("a", List.of("100.64.0.1/10"), List.of(), List.of("198.51.100.0/25"), null), NOW, RANDOM);
    assertTrue(assertThrows(CertsException.class, () -> listed.sign(
        node("a", List.of("100.64.0.1/10"), List.of(), List.of("0.0.0.0/0"), null), NOW, RANDOM))
        .getMessage().contains("subnet 0.0.0.0/0 is not allowed by the CA"));
  }

  @Test
  void grantedSubnetsSaysWhatTheRuleMeans() throws Exception {
    assertEquals(Optional.of(List.of()), ca("n", Optional.empty()).certificate().constraints().grantedSubnets());
    assertEquals(Optional.of(CaConstraints.ANY_SUBNET),
        ca("a", Optional.of(CaConstraints.ANY_SUBNET)).certificate().constraints().grantedSubnets());
    assertEquals(Optional.empty(), CaConstraints.NONE.grantedSubnets());
  }
}
