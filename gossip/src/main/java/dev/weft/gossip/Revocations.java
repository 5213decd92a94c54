package dev.weft.gossip;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CA-signed revocations this member accepted: a set that only grows (bounded), spread like
 * any update and repaired by push-pull through a digest of the whole set.
 */
final class Revocations {
  static final int MAX = 4096;
  static final int MAX_BYTES = 1024;

  private final MemberAuthority authority;
  private final Map<ByteBuffer, byte[]> accepted = new LinkedHashMap<>();
  private long digest;

  Revocations(MemberAuthority authority) {
    this.authority = authority;
  }

  /** Verifies and applies a revocation; returns the member it revokes when it is new, else null. */
  NodeId accept(byte[] revocation) {
    ByteBuffer key = ByteBuffer.wrap(revocation);
    if (accepted.containsKey(key) || accepted.size() >= MAX || revocation.length > MAX_BYTES) {
      return null;
    }
    NodeId revoked = authority.revoke(revocation);
    if (revoked == null) {
      return null;
    }
    byte[] copy = revocation.clone();
    accepted.put(ByteBuffer.wrap(copy), copy);
    digest ^= hash(copy);
    return revoked;
  }

  boolean contains(byte[] revocation) {
    return accepted.containsKey(ByteBuffer.wrap(revocation));
  }

  List<byte[]> all() {
    List<byte[]> out = new ArrayList<>(accepted.size());
    for (byte[] r : accepted.values()) {
      out.add(r.clone());
    }
    return out;
  }

  /** An order-independent summary of the set: equal sets, equal digests (0 when empty). */
  long digest() {
    return digest;
  }

  private static long hash(byte[] revocation) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(revocation);
      return ByteBuffer.wrap(h).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
