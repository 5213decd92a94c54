package dev.weft.gossip;

import java.util.ArrayList;
import java.util.List;

/**
 * One value of every message and update kind, with bodies of one-, two- and three-byte length
 * prefixes, built deterministically so that their encodings can be pinned and fuzzed.
 */
final class CodecSamples {
  /** Large enough for the three-byte-length record below. */
  static final int MAX_RECORD_BYTES = 1 << 15;

  private CodecSamples() {}

  static NodeId id(int seed) {
    byte[] k = new byte[NodeId.LENGTH];
    for (int i = 0; i < k.length; i++) {
      k[i] = (byte) (seed * 31 + i * 7);
    }
    return NodeId.of(k);
  }

  static byte[] bytes(int n, int seed) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (seed + i * 13);
    }
    return b;
  }

  static NodeId sender() {
    return id(1);
  }

  static List<Message> messages() {
    List<Message.DigestEntry> few = List.of(new Message.DigestEntry(id(2), 5, MemberState.SUSPECT, 99));
    List<Message.DigestEntry> many = new ArrayList<>();
    List<NodeId> ids = new ArrayList<>();
    MemberState[] states = MemberState.values();
    for (int i = 0; i < 20; i++) {
      many.add(new Message.DigestEntry(id(10 + i), i * 1000, states[i % states.length], i == 3 ? -1 : 1L << (i + 20)));
      ids.add(id(40 + i));
    }
    return List.of(
        new Message.Ping(1, id(2)),
        new Message.PingReq(-2, id(3)),
        new Message.Ack(0x7fffffff),
        new Message.Nack(4),
        new Message.Digest(true, 3, few),
        new Message.Digest(false, 200, many), // a two-byte body length
        new Message.Fetch(List.of(id(4))),
        new Message.Fetch(ids), // a two-byte body length
        new Message.Push(false),
        new Message.Push(true));
  }

  /** Kinds added after the wire pins of {@link CodecWireTest}: certificates, large records, revocations. */
  static List<Message> newerMessages() {
    return List.of(
        new Message.CertFetch(List.of(id(20), id(21))),
        new Message.CertPush(id(22), bytes(550, 12)),
        new Message.RecordFetch(id(23), 1L << 45),
        new Message.RecordChunk(id(24), 1L << 45, 9, 8, bytes(1000, 13)),
        new Message.Digest(false, 0, List.of(new Message.DigestEntry(id(2), 5, MemberState.ALIVE, 1)), 0x1234_5678_9abc_def0L));
  }

  /** Format 3: push-pull by ranges ({@link RangeSet}). */
  static List<Message> rangeMessages() {
    return List.of(
        new Message.Ranges(6, true, 0x0102_0304_0506_0708L,
            List.of(new RangeSet.Range(0, 17, -1L), new RangeSet.Range(63, 300, 0x1122_3344_5566_7788L))),
        new Message.Ranges(10, false, 0, List.of(new RangeSet.Range(1023, 0, 0))),
        new Message.RangeEntries(10, 1023, List.of(new Message.DigestEntry(id(2), 5, MemberState.DEAD, -1))));
  }

  static List<Update> newerUpdates() {
    return List.of(
        new Update.RecordNotice(id(25), 1L << 46),
        new Update.Revocation(bytes(190, 14)));
  }

  static List<Message> allMessages() {
    List<Message> all = new java.util.ArrayList<>(messages());
    all.addAll(newerMessages());
    all.addAll(rangeMessages());
    return all;
  }

  static List<Update> allUpdates() {
    List<Update> all = new java.util.ArrayList<>(updates());
    all.addAll(newerUpdates());
    return all;
  }

  static List<Update> updates() {
    return List.of(
        new Update.Alive(id(5), 4, bytes(64, 1)),
        new Update.Suspect(id(6), 7, id(7), bytes(64, 2)),
        new Update.Dead(id(8), 9, id(9), false, bytes(64, 3)),
        new Update.Dead(id(8), 10, id(8), true, bytes(64, 4)),
        new Update.RecordUpdate(new Record(id(11), 77, false, bytes(3, 5), bytes(64, 6))),
        new Update.RecordUpdate(new Record(id(12), 1L << 40, false, bytes(300, 7), bytes(64, 8))), // two-byte length
        new Update.RecordUpdate(new Record(id(13), 78, true, new byte[0], bytes(64, 9))),
        new Update.RecordUpdate(new Record(id(14), 79, false, bytes(20_000, 10), bytes(64, 11)))); // three-byte
  }
}
