package dev.weft.gossip;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One origin's replicated state: what the node layer puts in {@code payload} (endpoints, routes,
 * DNS records, roles, certificate), versioned by the origin's hybrid logical clock and signed by
 * the origin. A tombstone marks a member that left; it carries no payload.
 *
 * @param origin the member that wrote it, and the only one that may
 * @param version the origin's {@link Hlc} version; higher wins
 * @param tombstone whether the origin has left
 * @param payload opaque to gossip, at most {@link GossipConfig#maxRecordBytes()} bytes
 * @param signature the origin's signature over {@link #signedBytes()}
 */
public record Record(NodeId origin, long version, boolean tombstone, byte[] payload, byte[] signature) {
  public Record {
    payload = payload.clone();
    signature = signature.clone();
  }

  @Override
  public byte[] payload() {
    return payload.clone();
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  int payloadLength() {
    return payload.length;
  }

  /** Creates and signs a record. */
  static Record signed(NodeId origin, long version, boolean tombstone, byte[] payload, MemberAuthority authority) {
    byte[] sig = authority.sign(signedBytes(origin, version, tombstone, payload));
    return new Record(origin, version, tombstone, payload, sig);
  }

  byte[] signedBytes() {
    return signedBytes(origin, version, tombstone, payload);
  }

  private static byte[] signedBytes(NodeId origin, long version, boolean tombstone, byte[] payload) {
    ByteBuffer b = ByteBuffer.allocate(16 + NodeId.LENGTH + 8 + 1 + payload.length);
    b.put("weft-record-v1\0\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    b.put(origin.bytes()).putLong(version).put((byte) (tombstone ? 1 : 0)).put(payload);
    return b.array();
  }

  /**
   * The total order that makes merge deterministic: version first, then (for two different
   * records an origin signed with one version, which only a broken origin does) the bytes.
   */
  static int compare(Record a, Record b) {
    int c = Long.compare(a.version, b.version);
    if (c != 0) {
      return c;
    }
    c = Boolean.compare(a.tombstone, b.tombstone);
    if (c != 0) {
      return c;
    }
    c = Arrays.compareUnsigned(a.payload, b.payload);
    return c != 0 ? c : Arrays.compareUnsigned(a.signature, b.signature);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Record r && r.origin.equals(origin) && compare(this, r) == 0;
  }

  @Override
  public int hashCode() {
    return origin.hashCode() * 31 + Long.hashCode(version);
  }

  @Override
  public String toString() {
    return "Record[" + origin + " v" + version + (tombstone ? " tombstone" : " " + payload.length + "B") + "]";
  }
}
