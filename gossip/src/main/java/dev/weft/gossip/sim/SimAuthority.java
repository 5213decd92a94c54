package dev.weft.gossip.sim;

import dev.weft.gossip.MemberAuthority;
import dev.weft.gossip.NodeId;
import java.security.MessageDigest;
import java.util.BitSet;

/**
 * Identities for the simulator. Signatures are a keyed SHA-256 per member instead of Ed25519, a
 * thousand times cheaper, so that ten thousand members fit in one run; unforgeable within the
 * simulation (no member knows another's secret). Certificates are {@link SimCertificates}: a
 * member knows another's key only after it verified that member's certificate, learned from its
 * hello (the first datagram it delivers) or fetched through gossip, exactly as in a node. Which
 * members are known is a bit per member index, so ten thousand views cost little.
 */
final class SimAuthority implements MemberAuthority {
  private final SimCertificates certificates;
  private final byte[] secret;
  private final BitSet known = new BitSet();
  private final BitSet revoked = new BitSet();

  SimAuthority(SimCertificates certificates, byte[] secret) {
    this.certificates = certificates;
    this.secret = secret;
  }

  /** The member introduced itself (the control channel's hello): its certificate is verified. */
  void hello(NodeId member) {
    hello(member, certificates.index(member));
  }

  /** The same, for the member at {@code index}: a delivery knows its sender's index. */
  void hello(NodeId member, int index) {
    if (index >= 0 && !known.get(index)) {
      learn(member, certificates.certificate(member));
    }
  }

  /**
   * The certificates of these members (by index) are known, as the hellos and fetches of a
   * finished join leave them ({@link SimCluster#startFormed}). Every simulated certificate
   * verifies, and checking each again would cost two hashes per pair of members.
   */
  void knownFromJoin(BitSet members) {
    known.or(members);
    known.andNot(revoked);
  }

  @Override
  public byte[] sign(byte[] message) {
    return certificates.mac(secret, message);
  }

  @Override
  public boolean verify(NodeId signer, byte[] message, byte[] signature) {
    int i = certificates.index(signer);
    if (i < 0 || !known.get(i)) {
      return false;
    }
    return MessageDigest.isEqual(certificates.mac(certificates.secret(signer), message), signature);
  }

  @Override
  public boolean knows(NodeId member) {
    int i = certificates.index(member);
    return i >= 0 && known.get(i);
  }

  @Override
  public byte[] certificate(NodeId member) {
    return knows(member) ? certificates.certificate(member) : null;
  }

  @Override
  public boolean learn(NodeId member, byte[] certificate) {
    int i = certificates.index(member);
    if (i < 0 || revoked.get(i) || !certificates.verify(member, certificate)) {
      return false;
    }
    known.set(i);
    return true;
  }

  @Override
  public long validUntil(NodeId member) {
    return Long.MAX_VALUE;
  }

  @Override
  public NodeId revoke(byte[] revocation) {
    NodeId member = certificates.verifyRevocation(revocation);
    if (member != null) {
      int i = certificates.index(member);
      if (i >= 0) {
        known.clear(i);
        revoked.set(i);
      }
    }
    return member;
  }
}
