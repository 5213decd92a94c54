package dev.weft.certs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The CAs a node trusts. Several at once, so that a network can move to a new CA while
 * certificates of the old one are still in use. Immutable.
 */
public final class TrustBundle {
  private final Map<String, WeftCertificate> byFingerprint;

  private TrustBundle(Map<String, WeftCertificate> byFingerprint) {
    this.byFingerprint = byFingerprint;
  }

  /** Checks each certificate is a self-signed weft CA; refuses the bundle otherwise. */
  public static TrustBundle of(Collection<WeftCertificate> cas) throws CertsException {
    Map<String, WeftCertificate> m = new LinkedHashMap<>();
    for (WeftCertificate c : cas) {
      if (!c.isCa()) {
        throw new CertsException("'" + c.name() + "' is not a CA certificate");
      }
      if (!c.isSignedBy(c)) {
        throw new CertsException("CA '" + c.name() + "' has a bad self-signature");
      }
      m.put(c.fingerprint(), c);
    }
    if (m.isEmpty()) {
      throw new CertsException("no CA certificate given");
    }
    return new TrustBundle(Map.copyOf(m));
  }

  /** Loads every {@code CERTIFICATE} block of every file. */
  public static TrustBundle load(List<Path> files) throws CertsException {
    List<WeftCertificate> all = new ArrayList<>();
    for (Path f : files) {
      for (WeftCertificate c : WeftCertificate.fromPem(SecureFiles.read(f), f.toString())) {
        if (!c.isCa()) {
          throw new CertsException(f + ": '" + c.name() + "' is not a CA certificate");
        }
        all.add(c);
      }
    }
    return of(all);
  }

  public Optional<WeftCertificate> byFingerprint(String fingerprint) {
    return Optional.ofNullable(byFingerprint.get(fingerprint));
  }

  public Collection<WeftCertificate> cas() {
    return byFingerprint.values();
  }
}
