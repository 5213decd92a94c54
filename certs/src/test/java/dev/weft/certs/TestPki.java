package dev.weft.certs;

import dev.weft.ip.IpPrefix;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Builds CAs and node certificates for tests, at a fixed instant. */
final class TestPki {
  static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
  static final SecureRandom RANDOM = new SecureRandom();

  private TestPki() {}

  static IpPrefix p(String s) {
    return IpPrefix.parse(s);
  }

  static CertificateAuthority ca(String name) throws CertsException {
    return CertificateAuthority.create(
        new CertificateAuthority.CaRequest(name, CaConstraints.NONE, Duration.ofDays(365)), NOW, RANDOM);
  }

  static CertificateAuthority constrainedCa() throws CertsException {
    var c =
        new CaConstraints(
            Optional.of(List.of(p("100.64.0.0/10"), p("fd00:77::/48"))),
            Optional.of(List.of("web", "db")),
            Optional.of(List.of(p("198.51.100.0/24"))));
    return CertificateAuthority.create(new CertificateAuthority.CaRequest("acme", c, Duration.ofDays(365)), NOW, RANDOM);
  }

  static CertificateAuthority.NodeRequest node(String name, String... ips) {
    List<IpPrefix> prefixes = java.util.Arrays.stream(ips).map(TestPki::p).toList();
    return new CertificateAuthority.NodeRequest(
        name, prefixes, List.of(), List.of(), null, NodeKeys.generate(RANDOM).publicKeys());
  }

  static CertificateAuthority.NodeRequest node(
      String name, List<String> ips, List<String> groups, List<String> subnets, Duration duration) {
    return new CertificateAuthority.NodeRequest(
        name, ips.stream().map(TestPki::p).toList(), groups, subnets.stream().map(TestPki::p).toList(), duration,
        NodeKeys.generate(RANDOM).publicKeys());
  }
}
