package dev.weft.gossip.sim;

import dev.weft.gossip.NodeId;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The simulator's certificate authority. A certificate is as large as a real one (550 bytes, so
 * that fetching them costs what it does in a node) and holds the member's id and the CA's MAC
 * over it; a revocation holds the revoked id and the CA's MAC. Members check both against the
 * CA's secret, which stands in for the CA's public key. Each member's {@link SimAuthority}
 * applies a revocation only when its own gossip delivers it.
 */
final class SimCertificates {
  static final int CERTIFICATE_BYTES = 550;
  private static final byte[] CERT_LABEL = "sim-certificate".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final byte[] REVOCATION_LABEL = "sim-revocation".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private final byte[] caSecret;
  /** One digest for every MAC: looking SHA-256 up among the providers each time cost a tenth of a run. */
  private final MessageDigest sha;
  private final Map<NodeId, Integer> indices = new HashMap<>();
  private final Map<NodeId, byte[]> secrets = new HashMap<>();

  SimCertificates(byte[] caSecret) {
    this.caSecret = caSecret.clone();
    try {
      this.sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  void add(NodeId id, int index, byte[] secret) {
    indices.put(id, index);
    secrets.put(id, secret);
  }

  int index(NodeId id) {
    Integer i = indices.get(id);
    return i == null ? -1 : i;
  }

  byte[] secret(NodeId id) {
    return secrets.get(id);
  }

  /** The certificate the CA issued to {@code id}. */
  byte[] certificate(NodeId id) {
    byte[] cert = new byte[CERTIFICATE_BYTES];
    byte[] body = id.bytes();
    System.arraycopy(body, 0, cert, 0, NodeId.LENGTH);
    System.arraycopy(mac(caSecret, CERT_LABEL, body), 0, cert, NodeId.LENGTH, 32);
    return cert;
  }

  boolean verify(NodeId id, byte[] certificate) {
    return certificate.length == CERTIFICATE_BYTES
        && MessageDigest.isEqual(Arrays.copyOf(certificate, NodeId.LENGTH), id.bytes())
        && MessageDigest.isEqual(Arrays.copyOfRange(certificate, NodeId.LENGTH, NodeId.LENGTH + 32), mac(caSecret, CERT_LABEL, id.bytes()));
  }

  /** A revocation of {@code id}'s certificate, signed by the CA. */
  byte[] revocation(NodeId id) {
    return ByteBuffer.allocate(NodeId.LENGTH + 32).put(id.bytes()).put(mac(caSecret, REVOCATION_LABEL, id.bytes())).array();
  }

  /** The member a revocation revokes, or null when the CA did not sign it. */
  NodeId verifyRevocation(byte[] revocation) {
    if (revocation.length != NodeId.LENGTH + 32) {
      return null;
    }
    byte[] id = Arrays.copyOf(revocation, NodeId.LENGTH);
    if (!MessageDigest.isEqual(Arrays.copyOfRange(revocation, NodeId.LENGTH, revocation.length), mac(caSecret, REVOCATION_LABEL, id))) {
      return null;
    }
    return NodeId.of(id);
  }

  /** A keyed SHA-256 of {@code message}. Not thread-safe: a simulation runs on one thread. */
  byte[] mac(byte[] key, byte[] message) {
    sha.update(key);
    sha.update(message);
    return sha.digest();
  }

  private byte[] mac(byte[] key, byte[] label, byte[] message) {
    sha.update(key);
    sha.update(label);
    sha.update(message);
    return sha.digest();
  }
}
