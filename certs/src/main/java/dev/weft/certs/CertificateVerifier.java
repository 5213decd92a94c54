package dev.weft.certs;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Decides whether to trust a peer's certificate: issued by a CA of the bundle (signature checked),
 * within the CA's constraints and validity, valid now, not revoked.
 *
 * <p>The costly part, the signature and constraint check, depends only on the certificate and the
 * bundle, so its outcome is cached by fingerprint, for one bundle: when the {@link TrustAnchors}
 * move to another bundle (a reload), the cache starts afresh. Time and revocation are checked on
 * every call because they change.
 */
public final class CertificateVerifier {
  /** Verdicts that hold under {@code bundle} only. */
  private record Structural(TrustBundle bundle, Cache<String, Verdict> verdicts) {}

  private final TrustAnchors anchors;
  private final RevocationSet revoked;
  private volatile Structural structural;

  public CertificateVerifier(TrustBundle bundle, RevocationSet revoked) {
    this(new TrustAnchors(bundle), revoked);
  }

  /** Verifies against whatever bundle {@code anchors} holds at each call. */
  public CertificateVerifier(TrustAnchors anchors, RevocationSet revoked) {
    this.anchors = anchors;
    this.revoked = revoked;
    this.structural = structural(anchors.current());
  }

  private static Structural structural(TrustBundle bundle) {
    return new Structural(bundle,
        Caffeine.newBuilder().maximumSize(10_000).expireAfterAccess(Duration.ofMinutes(30)).build());
  }

  /** The cache for the bundle in force now (a new, empty one after the bundle changed). */
  private Structural structuralNow() {
    TrustBundle bundle = anchors.current();
    Structural s = structural;
    if (s.bundle() != bundle) {
      s = structural(bundle);
      structural = s; // a race makes two caches, one kept: both are for this bundle
    }
    return s;
  }

  /** Verifies DER bytes as received from a peer; malformed input is an {@link Verdict.Invalid}. */
  public Verdict verify(byte[] der, Instant now) {
    WeftCertificate cert;
    try {
      cert = WeftCertificate.fromDer(der);
    } catch (CertsException e) {
      return new Verdict.Invalid(e.getMessage());
    }
    return verify(cert, now);
  }

  public Verdict verify(WeftCertificate cert, Instant now) {
    if (cert.isCa()) {
      return new Verdict.Invalid("'" + cert.name() + "' is a CA certificate, not a node certificate");
    }
    Structural s = structuralNow();
    TrustBundle bundle = s.bundle();
    Verdict shape = s.verdicts().get(cert.fingerprint(), f -> checkAgainstCa(cert, bundle));
    if (!(shape instanceof Verdict.Valid)) {
      return shape;
    }
    WeftCertificate ca = bundle.byFingerprint(cert.caFingerprint()).orElseThrow();
    Optional<String> timeProblem = checkTime(cert, now).or(() -> checkTime(ca, now));
    if (timeProblem.isPresent()) {
      return new Verdict.Invalid(timeProblem.get());
    }
    Optional<String> revocation = revoked.reasonRevoked(cert);
    if (revocation.isPresent()) {
      return new Verdict.Invalid(revocation.get());
    }
    if (revoked.contains(ca.fingerprint())) {
      return new Verdict.Invalid("CA " + ca.fingerprint() + " is blocklisted");
    }
    return shape;
  }

  /** Verifies a CA certificate: one of the bundle's, valid now, not revoked. */
  public Verdict verifyCa(WeftCertificate ca, Instant now) {
    if (!ca.isCa()) {
      return new Verdict.Invalid("'" + ca.name() + "' is not a CA certificate");
    }
    if (anchors.current().byFingerprint(ca.fingerprint()).isEmpty()) {
      return new Verdict.Invalid("unknown CA '" + ca.name() + "' (" + ca.fingerprint() + ")");
    }
    Optional<String> timeProblem = checkTime(ca, now);
    if (timeProblem.isPresent()) {
      return new Verdict.Invalid(timeProblem.get());
    }
    if (revoked.contains(ca.fingerprint())) {
      return new Verdict.Invalid("CA " + ca.fingerprint() + " is blocklisted");
    }
    return new Verdict.Valid(NodeIdentity.of(ca));
  }

  private static Verdict checkAgainstCa(WeftCertificate cert, TrustBundle bundle) {
    Optional<WeftCertificate> issuer = bundle.byFingerprint(cert.caFingerprint());
    if (issuer.isEmpty()) {
      return new Verdict.Invalid("unknown CA " + cert.caFingerprint() + " (not in the trusted CA bundle)");
    }
    WeftCertificate ca = issuer.get();
    if (!cert.isSignedBy(ca)) {
      return new Verdict.Invalid("bad signature: not signed by CA '" + ca.name() + "'");
    }
    try {
      DnsLabel.check(cert.name());
      ca.constraints().check(cert.ips(), cert.groups(), cert.subnets());
    } catch (CertsException e) {
      return new Verdict.Invalid(e.getMessage());
    }
    if (cert.notAfter().isAfter(ca.notAfter()) || cert.notBefore().isBefore(ca.notBefore())) {
      return new Verdict.Invalid("certificate validity reaches beyond its CA's");
    }
    return new Verdict.Valid(NodeIdentity.of(cert));
  }

  private static Optional<String> checkTime(WeftCertificate c, Instant now) {
    String what = c.isCa() ? "CA '" + c.name() + "'" : "certificate '" + c.name() + "'";
    if (now.isBefore(c.notBefore())) {
      return Optional.of(what + " is not valid before " + c.notBefore());
    }
    if (now.isAfter(c.notAfter())) {
      return Optional.of(what + " expired at " + c.notAfter());
    }
    return Optional.empty();
  }
}
