package dev.weft.certs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.ip.IpPrefix;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509CertificateHolder;
import org.junit.jupiter.api.Test;

/**
 * The prefix type moved to its own module; certificates keep their bytes. The fixture was issued
 * by the CA code as it was before the move (a CA constraining networks, groups and subnets, and a
 * node with IPv4 and IPv6 overlay IPs that keep host bits, and subnets).
 */
class PrefixEncodingCompatibilityTest {

  private static List<WeftCertificate> fixture() throws Exception {
    try (InputStream in = PrefixEncodingCompatibilityTest.class.getResourceAsStream("issued-before-ip-module.pem")) {
      return WeftCertificate.fromPem(in.readAllBytes(), "fixture");
    }
  }

  @Test
  void certificatesIssuedBeforeTheMoveStillVerifyWithTheSameValues() throws Exception {
    List<WeftCertificate> certs = fixture();
    WeftCertificate ca = certs.get(0);
    WeftCertificate node = certs.get(1);
    var verifier = new CertificateVerifier(TrustBundle.of(List.of(ca)), new RevocationSet());
    NodeIdentity id = assertInstanceOf(Verdict.Valid.class, verifier.verify(node.der(), TestPki.NOW)).identity();
    assertEquals(List.of(IpPrefix.parse("100.64.0.12/10"), IpPrefix.parse("fd00:77::c/48")), id.ips());
    assertEquals(List.of(IpPrefix.parse("198.51.100.0/25"), IpPrefix.parse("fd00:88:1::/48")), id.subnets());
    assertEquals(Optional.of(List.of(IpPrefix.parse("100.64.0.0/10"), IpPrefix.parse("fd00:77::/48"))),
        ca.constraints().networks());
    assertTrue(id.mayAdvertise(IpPrefix.parse("198.51.100.64/26")));
    assertFalse(id.mayAdvertise(IpPrefix.parse("198.51.100.128/26")), "outside the node's subnets");
  }

  @Test
  void prefixesEncodeToTheBytesTheFixtureHolds() throws Exception {
    List<WeftCertificate> certs = fixture();
    WeftCertificate ca = certs.get(0);
    WeftCertificate node = certs.get(1);
    assertArrayEquals(extension(node, WeftExtensions.NETWORKS), encoded(node.ips()));
    assertArrayEquals(extension(node, WeftExtensions.SUBNETS), encoded(node.subnets()));
    assertArrayEquals(extension(ca, WeftExtensions.NETWORKS), encoded(ca.constraints().networks().orElseThrow()));
    assertArrayEquals(extension(ca, WeftExtensions.SUBNETS), encoded(ca.constraints().subnets().orElseThrow()));
    assertArrayEquals(new byte[] {100, 64, 0, 12, 10}, WeftExtensions.encode(IpPrefix.parse("100.64.0.12/10")));
  }

  @Test
  void anIpv4MappedAddressInAnExtensionIsMalformed() {
    byte[] mapped = new byte[17];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    mapped[12] = 100;
    mapped[13] = 64;
    mapped[15] = 9;
    mapped[16] = (byte) 128;
    CertsException e = assertThrows(CertsException.class, () -> WeftExtensions.decodePrefix(mapped));
    assertTrue(e.getMessage().contains("IPv4-mapped"), e.getMessage());
    assertThrows(CertsException.class, () -> WeftExtensions.decodePrefix(new byte[] {1, 2, 3, 4, 33}));
    assertThrows(CertsException.class, () -> WeftExtensions.decodePrefix(new byte[6]));
  }

  private static byte[] extension(WeftCertificate cert, ASN1ObjectIdentifier oid) throws Exception {
    Extension e = new X509CertificateHolder(cert.der()).getExtension(oid);
    return e.getExtnValue().getOctets();
  }

  private static byte[] encoded(List<IpPrefix> prefixes) throws Exception {
    return WeftExtensions.prefixes(prefixes).toASN1Primitive().getEncoded("DER");
  }
}
