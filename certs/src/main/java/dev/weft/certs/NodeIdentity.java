package dev.weft.certs;

import dev.weft.ip.IpPrefix;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * Who a verified peer is: what its certificate binds, for the modules that act on it (the
 * dataplane keys sessions by {@code x25519PublicKey}, gossip checks records against {@code
 * ed25519PublicKey}, {@code subnets} and {@code name}).
 */
public record NodeIdentity(
    String name,
    List<IpPrefix> ips,
    List<String> groups,
    List<IpPrefix> subnets,
    byte[] x25519PublicKey,
    byte[] ed25519PublicKey,
    Instant notBefore,
    Instant notAfter,
    String fingerprint,
    String caFingerprint) {

  public NodeIdentity {
    ips = List.copyOf(ips);
    groups = List.copyOf(groups);
    subnets = List.copyOf(subnets);
    x25519PublicKey = x25519PublicKey.clone();
    ed25519PublicKey = ed25519PublicKey.clone();
  }

  static NodeIdentity of(WeftCertificate c) {
    return new NodeIdentity(
        c.name(), c.ips(), c.groups(), c.subnets(), c.publicKey(), c.signingKey(), c.notBefore(), c.notAfter(),
        c.fingerprint(), c.caFingerprint());
  }

  @Override
  public byte[] x25519PublicKey() {
    return x25519PublicKey.clone();
  }

  @Override
  public byte[] ed25519PublicKey() {
    return ed25519PublicKey.clone();
  }

  /** The WireGuard public key as {@code wg} prints it. */
  public String x25519PublicBase64() {
    return Base64.getEncoder().encodeToString(x25519PublicKey);
  }

  /** Whether the certificate lets this node advertise {@code route}. */
  public boolean mayAdvertise(IpPrefix route) {
    for (IpPrefix s : subnets) {
      if (s.contains(route)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NodeIdentity n && n.fingerprint.equals(fingerprint);
  }

  @Override
  public int hashCode() {
    return fingerprint.hashCode();
  }

  @Override
  public String toString() {
    return "NodeIdentity[" + name + " " + ips + " " + fingerprint + "]";
  }
}
