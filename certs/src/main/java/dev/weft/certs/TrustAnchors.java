package dev.weft.certs;

import java.util.Objects;

/**
 * The CA bundle a running node trusts now: one holder that every verifier reads, so that a
 * reload which changes {@code pki.ca} is seen at once by the control channel, gossip and the
 * revocation checks alike (no copy keeps trusting a removed CA). Thread-safe.
 */
public final class TrustAnchors {
  private volatile TrustBundle current;

  public TrustAnchors(TrustBundle initial) {
    this.current = Objects.requireNonNull(initial);
  }

  /** The bundle in force; read it once per decision so that one decision sees one bundle. */
  public TrustBundle current() {
    return current;
  }

  /** Trusts {@code next} from now on (its caller has checked it first). */
  public void replace(TrustBundle next) {
    this.current = Objects.requireNonNull(next);
  }
}
