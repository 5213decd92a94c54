package dev.weft.gossip;

import dev.weft.certs.CertificateVerifier;
import dev.weft.certs.CertsException;
import dev.weft.certs.NodeIdentity;
import dev.weft.certs.NodeKeys;
import dev.weft.certs.Revocation;
import dev.weft.certs.RevocationSet;
import dev.weft.certs.TrustAnchors;
import dev.weft.certs.TrustBundle;
import dev.weft.certs.Verdict;
import dev.weft.certs.WeftCertificate;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * A node's {@link MemberAuthority}: members' keys come from CA-signed certificates, verified
 * (chain, validity, the CA's constraints, revocation) before they are used, and bound to the
 * member id only when the certificate's subject key is that id. The control channel introduces
 * a member when its hello verified ({@link #introduce}); gossip fetches the others. Revocations
 * are checked against the trusted CAs and refuse the certificate by fingerprint, CA and serial,
 * and subject key from then on. Bounded: past {@link #MAX_KNOWN} certificates the least recently
 * used is forgotten (and fetched again when needed). Call only on the gossip thread.
 */
public final class CertificateDirectory implements MemberAuthority {
  static final int MAX_KNOWN = 65_536;

  private record Known(NodeIdentity identity, byte[] der) {}

  private final NodeKeys keys;
  private final NodeId self;
  private final byte[] ownCertificate;
  private final TrustAnchors trust;
  private final RevocationSet revocations;
  private final CertificateVerifier verifier;
  private final Clock clock;
  private final Map<NodeId, Known> known = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<NodeId, Known> eldest) {
      return size() > MAX_KNOWN;
    }
  };

  /**
   * @param keys this node's keys (its Ed25519 key signs its claims)
   * @param certificate this node's certificate, whose subject key is {@code keys}' X25519 key
   * @param revocations the blocklist and the revocations accepted so far; revocations learned
   *     through gossip are added to it
   */
  public CertificateDirectory(NodeKeys keys, WeftCertificate certificate, TrustBundle trust, RevocationSet revocations,
      Clock clock) {
    this(keys, certificate, new TrustAnchors(trust), revocations, clock);
  }

  /** As above, trusting whatever bundle {@code trust} holds at each check (it changes on reload). */
  public CertificateDirectory(NodeKeys keys, WeftCertificate certificate, TrustAnchors trust, RevocationSet revocations,
      Clock clock) {
    if (!MessageDigest.isEqual(certificate.publicKey(), keys.x25519Public())) {
      throw new IllegalArgumentException("the certificate is not for this node's key");
    }
    this.keys = keys;
    this.self = NodeId.of(keys.x25519Public());
    this.ownCertificate = certificate.der();
    this.trust = trust;
    this.revocations = revocations;
    this.verifier = new CertificateVerifier(trust, revocations);
    this.clock = clock;
  }

  /** This node's member id: its X25519 key. */
  public NodeId self() {
    return self;
  }

  /** A member whose hello the control channel verified; same checks as {@link #learn}. */
  public boolean introduce(NodeId member, byte[] certificate) {
    return learn(member, certificate);
  }

  /** The verified identity of a member, or null. */
  public NodeIdentity identity(NodeId member) {
    Known e = current(member);
    return e == null ? null : e.identity;
  }

  @Override
  public byte[] sign(byte[] message) {
    return keys.sign(message);
  }

  @Override
  public boolean verify(NodeId signer, byte[] message, byte[] signature) {
    if (signature.length != 64) {
      return false;
    }
    byte[] key;
    if (signer.equals(self)) {
      key = keys.ed25519Public();
    } else {
      Known e = current(signer);
      if (e == null) {
        return false;
      }
      key = e.identity.ed25519PublicKey();
    }
    Ed25519Signer v = new Ed25519Signer();
    v.init(false, new Ed25519PublicKeyParameters(key, 0));
    v.update(message, 0, message.length);
    return v.verifySignature(signature);
  }

  @Override
  public boolean knows(NodeId member) {
    return member.equals(self) || current(member) != null;
  }

  @Override
  public byte[] certificate(NodeId member) {
    if (member.equals(self)) {
      return ownCertificate.clone();
    }
    Known e = current(member);
    return e == null ? null : e.der.clone();
  }

  @Override
  public boolean learn(NodeId member, byte[] certificate) {
    if (member.equals(self)) {
      return false;
    }
    Verdict v = verifier.verify(certificate, clock.instant());
    if (!(v instanceof Verdict.Valid valid)
        || !MessageDigest.isEqual(valid.identity().x25519PublicKey(), member.bytes())) {
      return false;
    }
    known.put(member, new Known(valid.identity(), certificate.clone()));
    return true;
  }

  @Override
  public long validUntil(NodeId member) {
    Known e = known.get(member);
    return e == null ? Long.MAX_VALUE : e.identity.notAfter().toEpochMilli();
  }

  @Override
  public NodeId revoke(byte[] revocation) {
    try {
      Revocation r = Revocation.decode(revocation);
      revocations.add(r, trust.current()); // verifies it against the trusted CAs first
      NodeId member = NodeId.of(r.subjectKey());
      known.remove(member);
      return member;
    } catch (CertsException | IllegalArgumentException e) {
      return null;
    }
  }

  @Override
  public List<NodeId> revalidate() {
    Instant now = clock.instant();
    List<NodeId> dropped = new ArrayList<>();
    for (Map.Entry<NodeId, Known> e : List.copyOf(known.entrySet())) {
      if (!(verifier.verify(e.getValue().der, now) instanceof Verdict.Valid)) {
        known.remove(e.getKey());
        dropped.add(e.getKey());
      }
    }
    return dropped;
  }

  /**
   * The entry of a member whose certificate is still valid, not revoked, and issued by a CA
   * trusted now; drops it otherwise.
   */
  private Known current(NodeId member) {
    Known e = known.get(member);
    if (e == null) {
      return null;
    }
    Instant now = clock.instant();
    if (now.isAfter(e.identity.notAfter()) || revocations.containsSubjectKey(member.bytes())
        || revocations.contains(e.identity.fingerprint())
        || trust.current().byFingerprint(e.identity.caFingerprint()).isEmpty()) {
      known.remove(member);
      return null;
    }
    return e;
  }
}
