package dev.weft.certs;

import static dev.weft.certs.TestPki.NOW;
import static dev.weft.certs.TestPki.RANDOM;
import static dev.weft.certs.TestPki.node;
import static dev.weft.certs.TestPki.p;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CertificateAuthorityTest {

  @Test
  void caCertificateIsSelfSignedAndCarriesItsConstraints() throws Exception {
    CertificateAuthority ca = TestPki.constrainedCa();
    WeftCertificate c = ca.certificate();
    assertTrue(c.isCa());
    assertTrue(c.isSignedBy(c));
    assertEquals("acme", c.name());
    assertEquals(Optional.of(List.of(p("100.64.0.0/10"), p("fd00:77::/48"))), c.constraints().networks());
    assertEquals(Optional.of(List.of("web", "db")), c.constraints().groups());
    assertEquals(Optional.of(List.of(p("198.51.100.0/24"))), c.constraints().subnets());
    assertEquals(NOW.plus(Duration.ofDays(365)), c.notAfter());
    assertEquals(c.fingerprint(), c.caFingerprint());
  }

  @Test
  void nodeCertificateBindsEverythingItWasGiven() throws Exception {
    CertificateAuthority ca = TestPki.constrainedCa();
    NodeKeys keys = NodeKeys.generate(RANDOM);
    var req =
        new CertificateAuthority.NodeRequest(
            "Web1", List.of(p("100.64.0.10/10"), p("fd00:77::10/48")), List.of("web"), List.of(p("198.51.100.0/26")),
            Duration.ofDays(30), keys.publicKeys());
    WeftCertificate c = ca.sign(req, NOW, RANDOM);
    assertFalse(c.isCa());
    assertEquals("web1", c.name(), "names are DNS labels, stored in lower case");
    assertEquals(List.of(p("100.64.0.10/10"), p("fd00:77::10/48")), c.ips());
    assertEquals(List.of("web"), c.groups());
    assertEquals(List.of(p("198.51.100.0/26")), c.subnets());
    assertArrayEquals(keys.x25519Public(), c.publicKey());
    assertArrayEquals(keys.ed25519Public(), c.signingKey());
    assertEquals(ca.certificate().fingerprint(), c.caFingerprint());
    assertEquals(NOW.plus(Duration.ofDays(30)), c.notAfter());
    assertTrue(c.isSignedBy(ca.certificate()));
    // It survives a trip through PEM.
    WeftCertificate again = WeftCertificate.fromPem(c.toPem().getBytes(), "test").get(0);
    assertEquals(c.fingerprint(), again.fingerprint());
    assertEquals(c.ips(), again.ips());
  }

  @Test
  void withoutDurationANodeCertificateEndsJustBeforeItsCa() throws Exception {
    CertificateAuthority ca = TestPki.ca("plain");
    WeftCertificate c = ca.sign(node("a", "100.64.0.1/10"), NOW, RANDOM);
    assertEquals(ca.certificate().notAfter().minusSeconds(1), c.notAfter());
  }

  @Test
  void unconstrainedCaSignsAnyAddressGroupAndSubnet() throws Exception {
    CertificateAuthority ca = TestPki.ca("plain");
    WeftCertificate c =
        ca.sign(node("a", List.of("192.0.2.1/24"), List.of("anything"), List.of("203.0.113.0/24"), null), NOW, RANDOM);
    assertEquals(List.of("anything"), c.groups());
  }

  private static String refusal(CertificateAuthority ca, CertificateAuthority.NodeRequest r) {
    return assertThrows(CertsException.class, () -> ca.sign(r, NOW, RANDOM)).getMessage();
  }

  @Test
  void refusesIpOutsideTheCasNetworks() throws Exception {
    String why = refusal(TestPki.constrainedCa(), node("a", "192.0.2.1/24"));
    assertTrue(why.contains("outside the CA's networks"), why);
    why = refusal(TestPki.constrainedCa(), node("a", "fd00:78::1/48"));
    assertTrue(why.contains("outside the CA's networks"), why);
  }

  @Test
  void refusesAPrefixWiderThanTheCasNetwork() throws Exception {
    String why = refusal(TestPki.constrainedCa(), node("a", "100.64.0.1/8"));
    assertTrue(why.contains("outside the CA's networks"), why);
  }

  @Test
  void refusesGroupsTheCaDoesNotAllow() throws Exception {
    String why = refusal(TestPki.constrainedCa(), node("a", List.of("100.64.0.1/10"), List.of("web", "admin"), List.of(), null));
    assertTrue(why.contains("group 'admin' is not allowed"), why);
  }

  @Test
  void refusesSubnetsTheCaDoesNotAllow() throws Exception {
    String why = refusal(TestPki.constrainedCa(), node("a", List.of("100.64.0.1/10"), List.of(), List.of("203.0.113.0/24"), null));
    assertTrue(why.contains("subnet 203.0.113.0/24 is not allowed"), why);
  }

  @Test
  void refusesSubnetWithHostBits() throws Exception {
    String why = refusal(TestPki.ca("x"), node("a", List.of("100.64.0.1/10"), List.of(), List.of("192.0.2.1/24"), null));
    assertTrue(why.contains("host bits"), why);
  }

  @Test
  void refusesNamesThatAreNotDnsLabels() throws Exception {
    for (String bad : List.of("", "-a", "a-", "a.b", "a_b", "x".repeat(64), "ä", "a b")) {
      String why = refusal(TestPki.ca("x"), node(bad, "100.64.0.1/10"));
      assertTrue(why.contains("is not a DNS label"), why);
    }
  }

  @Test
  void refusesDurationBeyondTheCa() throws Exception {
    String why = refusal(TestPki.ca("x"), node("a", List.of("100.64.0.1/10"), List.of(), List.of(), Duration.ofDays(366)));
    assertTrue(why.contains("beyond the CA's expiry"), why);
  }

  @Test
  void refusesToSignWithAnExpiredCa() throws Exception {
    CertificateAuthority ca = TestPki.ca("x");
    var r = node("a", "100.64.0.1/10");
    String why = assertThrows(CertsException.class, () -> ca.sign(r, NOW.plus(Duration.ofDays(400)), RANDOM)).getMessage();
    assertTrue(why.contains("the CA expired"), why);
  }

  @Test
  void refusesNoIpsDuplicateIpsAndBadGroups() throws Exception {
    assertTrue(refusal(TestPki.ca("x"), node("a")).contains("at least one overlay IP"));
    assertTrue(refusal(TestPki.ca("x"), node("a", "100.64.0.1/10", "100.64.0.1/10")).contains("duplicate"));
    assertTrue(refusal(TestPki.ca("x"), node("a", List.of("100.64.0.1/10"), List.of("bad group"), List.of(), null))
        .contains("not a valid group name"));
  }

  @Test
  void refusesAKeyThatDoesNotMatchTheCaCertificate() throws Exception {
    CertificateAuthority a = TestPki.ca("a");
    CertificateAuthority b = TestPki.ca("b");
    String why = assertThrows(CertsException.class, () -> new CertificateAuthority(a.certificate(), b.privateKey())).getMessage();
    assertTrue(why.contains("does not match"), why);
  }

  @Test
  void refusesBadCaNames() {
    var r = new CertificateAuthority.CaRequest("", CaConstraints.NONE, Duration.ofDays(1));
    assertThrows(CertsException.class, () -> CertificateAuthority.create(r, NOW, RANDOM));
  }
}
