package dev.weft.gossip;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A member's identity: its 32-byte X25519 public key, the key its certificate binds and the
 * dataplane knows it by.
 */
public final class NodeId implements Comparable<NodeId> {
  public static final int LENGTH = 32;
  private final byte[] key;
  private final int hash;

  private NodeId(byte[] key) {
    this.key = key;
    this.hash = Arrays.hashCode(key);
  }

  /** The first 8 bytes, big-endian: where the member sits in the id space ({@link RangeSet}). */
  long leadingBits() {
    return longAt(0);
  }

  /** The last 8 bytes, big-endian. */
  long trailingBits() {
    return longAt(LENGTH - 8);
  }

  private long longAt(int offset) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (key[offset + i] & 0xff);
    }
    return v;
  }

  public static NodeId of(byte[] key) {
    if (key.length != LENGTH) {
      throw new IllegalArgumentException("a node id has 32 bytes");
    }
    return new NodeId(key.clone());
  }

  /** An id over {@code fresh}, which the caller just read and hands over: no copy (decoding makes one per id). */
  static NodeId adopt(byte[] fresh) {
    if (fresh.length != LENGTH) {
      throw new IllegalArgumentException("a node id has 32 bytes");
    }
    return new NodeId(fresh);
  }

  public byte[] bytes() {
    return key.clone();
  }

  void writeTo(byte[] dst, int offset) {
    System.arraycopy(key, 0, dst, offset, LENGTH);
  }

  @Override
  public boolean equals(Object o) {
    return o == this || o instanceof NodeId n && n.hash == hash && Arrays.equals(n.key, key);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public int compareTo(NodeId o) {
    return Arrays.compareUnsigned(key, o.key);
  }

  /** The first 8 bytes in hex: enough to tell members apart in logs. */
  @Override
  public String toString() {
    return HexFormat.of().formatHex(key, 0, 8);
  }
}
