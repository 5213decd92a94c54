package dev.weft.gossip;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What gossip spreads: claims about members and records. Claims are signed: an {@link Alive} by
 * the member itself, a {@link Suspect} or {@link Dead} by its accuser. Nobody can claim an
 * incarnation of another member that the member did not announce itself, so a forged accusation
 * with a huge incarnation is dropped instead of evicting anyone (the failure memberlist#358
 * describes).
 */
sealed interface Update {
  /** Which earlier update this one supersedes in the broadcast queue. */
  Object key();

  /** The member the update is about. */
  NodeId subject();

  /** The member announces it is alive at {@code incarnation}. */
  record Alive(NodeId id, long incarnation, byte[] signature) implements Update {
    public NodeId subject() {
      return id;
    }

    public Object key() {
      return id;
    }

    /** Equal by content, signature included, so that equal claims can share one copy. */
    @Override
    public boolean equals(Object o) {
      return o instanceof Alive a && a.incarnation == incarnation && a.id.equals(id) && Arrays.equals(a.signature, signature);
    }

    @Override
    public int hashCode() {
      return 31 * id.hashCode() + Long.hashCode(incarnation);
    }

    static byte[] signedBytes(NodeId id, long incarnation) {
      return claim("alive", id, incarnation, id, false);
    }
  }

  /** {@code accuser} failed to reach {@code id} at {@code incarnation}. */
  record Suspect(NodeId id, long incarnation, NodeId accuser, byte[] signature) implements Update {
    public NodeId subject() {
      return id;
    }

    public Object key() {
      return id;
    }

    static byte[] signedBytes(NodeId id, long incarnation, NodeId accuser) {
      return claim("suspect", id, incarnation, accuser, false);
    }
  }

  /** {@code accuser} declares {@code id} dead, or (when {@code left}) the member itself leaves. */
  record Dead(NodeId id, long incarnation, NodeId accuser, boolean left, byte[] signature) implements Update {
    public NodeId subject() {
      return id;
    }

    public Object key() {
      return id;
    }

    static byte[] signedBytes(NodeId id, long incarnation, NodeId accuser, boolean left) {
      return claim("dead", id, incarnation, accuser, left);
    }
  }

  /** A record, new or newer. */
  record RecordUpdate(Record record) implements Update {
    public NodeId subject() {
      return record.origin();
    }

    public Object key() {
      return new RecordKey(record.origin());
    }
  }

  /**
   * A CA-signed revocation of a member's certificate: whoever verifies it ends the member's
   * membership. Its subject is known only once verified.
   */
  record Revocation(byte[] bytes) implements Update {
    public Object key() {
      return new RevocationKey(java.util.HexFormat.of().formatHex(bytes));
    }

    public NodeId subject() {
      return null;
    }
  }

  record RevocationKey(String hex) {}

  /**
   * {@code origin} has a record at {@code version} too large to piggyback: receivers that lack it
   * fetch it in chunks from the sender ({@link LargeRecords}) and verify it as any record.
   * Unsigned, so it changes nothing by itself.
   */
  record RecordNotice(NodeId origin, long version) implements Update {
    public Object key() {
      return new RecordKey(origin);
    }

    public NodeId subject() {
      return origin;
    }
  }

  /** Records and member claims about one node are superseded independently. */
  record RecordKey(NodeId origin) {}

  private static byte[] claim(String kind, NodeId id, long incarnation, NodeId by, boolean flag) {
    byte[] k = ("weft-member-v2-" + kind).getBytes(StandardCharsets.US_ASCII);
    ByteBuffer b = ByteBuffer.allocate(k.length + 1 + NodeId.LENGTH * 2 + 8 + 1);
    b.put(k).put((byte) 0).put(id.bytes()).putLong(incarnation).put(by.bytes()).put((byte) (flag ? 1 : 0));
    return b.array();
  }
}
