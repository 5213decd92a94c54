package dev.weft.certs;

/** The outcome of verifying a peer certificate. */
public sealed interface Verdict {
  /** The certificate is trusted now; {@code identity} is what it binds. */
  record Valid(NodeIdentity identity) implements Verdict {}

  /** The certificate is not trusted; {@code reason} is one line for logs and users. */
  record Invalid(String reason) implements Verdict {}

  default boolean isValid() {
    return this instanceof Valid;
  }
}
