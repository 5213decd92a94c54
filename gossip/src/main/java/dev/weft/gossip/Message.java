package dev.weft.gossip;

import java.util.List;

/** The message a packet carries besides its piggybacked updates. */
sealed interface Message {
  /** Are you there? Answered by {@link Ack}. */
  record Ping(int seq, NodeId target) implements Message {}

  /** Please ping {@code target} for me; answered by its {@link Ack}, or by {@link Nack}. */
  record PingReq(int seq, NodeId target) implements Message {}

  record Ack(int seq) implements Message {}

  /** The target did not answer an indirect ping: the helper itself is fine (Lifeguard). */
  record Nack(int seq) implements Message {}

  /**
   * Part of a push-pull exchange: what the sender knows, in chunks that fit a datagram;
   * {@code revocations} summarises the revocations it holds ({@link Revocations#digest}).
   */
  record Digest(boolean reply, int chunk, List<DigestEntry> entries, long revocations) implements Message {
    Digest(boolean reply, int chunk, List<DigestEntry> entries) {
      this(reply, chunk, entries, 0);
    }
  }

  /** Please send the certificates of these members (at most {@link Identities#IDS_PER_FETCH}). */
  record CertFetch(List<NodeId> ids) implements Message {}

  /** Please send the record of {@code origin} at {@code version} or newer, in chunks. */
  record RecordFetch(NodeId origin, long version) implements Message {}

  /** Chunk {@code index} of {@code total} of the encoded record update of {@code origin} at {@code version}. */
  record RecordChunk(NodeId origin, long version, int total, int index, byte[] bytes) implements Message {}

  /** The certificate of {@code id}, answering a {@link CertFetch}. */
  record CertPush(NodeId id, byte[] certificate) implements Message {}

  /** Please send your updates about these members. */
  record Fetch(List<NodeId> ids) implements Message {}

  /**
   * Updates ride in the packet's update list: gossip, or ({@code solicited}) the answer to a
   * {@link Fetch}, which receivers apply without spreading further, since anti-entropy repairs
   * one member's state and need not flood the cluster.
   */
  record Push(boolean solicited) implements Message {}

  /**
   * Push-pull by ranges ({@link RangeSet}): the sender's count and fingerprint of ranges of the
   * id space at {@code depth} bits; {@code complete}: every non-empty range at that depth is
   * listed (the first message of an exchange), so one left out is empty at the sender.
   * {@code revocations} summarises the sender's revocations, as in a {@link Digest}.
   */
  record Ranges(int depth, boolean complete, long revocations, List<RangeSet.Range> ranges) implements Message {}

  /** The sender's entries of one range: the receiver fetches what is newer and pushes what the sender lacks. */
  record RangeEntries(int depth, long prefix, List<DigestEntry> entries) implements Message {}

  /** One member as the digest's sender knows it; {@code recordVersion} is -1 without a record. */
  record DigestEntry(NodeId id, long incarnation, MemberState state, long recordVersion) {}
}
