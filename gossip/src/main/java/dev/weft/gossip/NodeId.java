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

  public static NodeId of(byte[] key) {
    if (key.length != LENGTH) {
      throw new IllegalArgumentException("a node id has 32 bytes");
    }
    return new NodeId(key.clone());
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
