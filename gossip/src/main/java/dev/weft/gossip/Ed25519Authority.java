package dev.weft.gossip;

import java.util.function.Function;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * Real signatures: this member's Ed25519 key signs; other members' keys come from their
 * certificates (the node passes a lookup; an unknown member's claims never verify).
 */
public final class Ed25519Authority implements MemberAuthority {
  private final Ed25519PrivateKeyParameters key;
  private final Function<NodeId, byte[]> publicKeys;

  /**
   * @param privateKey this member's 32-byte Ed25519 private key
   * @param publicKeys a member's 32-byte Ed25519 public key, or null when unknown
   */
  public Ed25519Authority(byte[] privateKey, Function<NodeId, byte[]> publicKeys) {
    this.key = new Ed25519PrivateKeyParameters(privateKey, 0);
    this.publicKeys = publicKeys;
  }

  @Override
  public byte[] sign(byte[] message) {
    Ed25519Signer s = new Ed25519Signer();
    s.init(true, key);
    s.update(message, 0, message.length);
    return s.generateSignature();
  }

  @Override
  public boolean knows(NodeId member) {
    return publicKeys.apply(member) != null;
  }

  /** Keys come from the lookup, not from certificates: there is none to hand out. */
  @Override
  public byte[] certificate(NodeId member) {
    return null;
  }

  @Override
  public boolean learn(NodeId member, byte[] certificate) {
    return false;
  }

  @Override
  public long validUntil(NodeId member) {
    return Long.MAX_VALUE;
  }

  /** Without CAs no revocation verifies. */
  @Override
  public NodeId revoke(byte[] revocation) {
    return null;
  }

  @Override
  public boolean verify(NodeId signer, byte[] message, byte[] signature) {
    byte[] pub = publicKeys.apply(signer);
    if (pub == null || pub.length != 32 || signature.length != 64) {
      return false;
    }
    Ed25519Signer v = new Ed25519Signer();
    v.init(false, new Ed25519PublicKeyParameters(pub, 0));
    v.update(message, 0, message.length);
    return v.verifySignature(signature);
  }
}
