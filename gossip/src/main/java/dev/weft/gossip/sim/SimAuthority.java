package dev.weft.gossip.sim;

import dev.weft.gossip.MemberAuthority;
import dev.weft.gossip.NodeId;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;

/**
 * Signatures for the simulator: a keyed SHA-256 per member instead of Ed25519, a thousand times
 * cheaper, so that ten thousand members fit in one run. Unforgeable within the simulation (no
 * member knows another's secret); real signatures are tested in {@code Ed25519Authority}.
 */
final class SimAuthority implements MemberAuthority {
  private final byte[] secret;
  private final Map<NodeId, byte[]> secrets;

  SimAuthority(byte[] secret, Map<NodeId, byte[]> secrets) {
    this.secret = secret;
    this.secrets = secrets;
  }

  @Override
  public byte[] sign(byte[] message) {
    return mac(secret, message);
  }

  @Override
  public boolean verify(NodeId signer, byte[] message, byte[] signature) {
    byte[] s = secrets.get(signer);
    return s != null && MessageDigest.isEqual(mac(s, message), signature);
  }

  static byte[] mac(byte[] key, byte[] message) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update(key);
      d.update(message);
      return d.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
