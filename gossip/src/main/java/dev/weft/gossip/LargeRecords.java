package dev.weft.gossip;

import java.util.HashMap;
import java.util.Map;

/**
 * Records too large to piggyback (routes and DNS records reach kilobytes; a datagram holds 1,200
 * bytes). Gossip spreads a small unsigned notice (origin, version) instead; a member that lacks
 * that version fetches the encoded record from the member that told it, in numbered chunks, and
 * applies it as any record once whole (its origin's signature is checked then). Bounded: a few
 * assemblies at once, each of at most {@link #MAX_CHUNKS} chunks. Chunks lost on the way are
 * asked for again every {@link #RETRY_MILLIS}, up to {@link #MAX_ATTEMPTS} times; the encoding of
 * one record version is the same at every holder, so chunks received so far are kept when a
 * later notice names another sender.
 */
final class LargeRecords {
  /** Encoded record updates above this travel as a notice and chunks. */
  static final int INLINE_MAX = 600;
  static final int CHUNK_BYTES = 1_000;
  /** Enough for the largest record payload with its signature and framing. */
  static final int MAX_CHUNKS = 24;
  static final int MAX_ASSEMBLIES = 32;
  static final long RETRY_MILLIS = 1_000;
  static final int MAX_ATTEMPTS = 5;

  private static final class Assembly {
    final long version;
    NodeId from;
    long asked;
    int attempts = 1;
    byte[][] chunks;
    int received;

    Assembly(long version, NodeId from, long asked) {
      this.version = version;
      this.from = from;
      this.asked = asked;
    }
  }

  private final Codec codec;
  private final RecordStore records;
  private final HighWaterMarks marks;
  private final Dissemination out;
  private final Scheduler scheduler;
  private final GossipStats stats;
  private final Map<NodeId, Assembly> assemblies = new HashMap<>();
  /** Members sent a whole record: a fetch of ~70 bytes is answered with up to 16 KB. */
  private final PerMemberThrottle served;

  LargeRecords(GossipConfig config, Codec codec, RecordStore records, HighWaterMarks marks, Dissemination out,
      Scheduler scheduler, GossipStats stats) {
    this.codec = codec;
    this.records = records;
    this.marks = marks;
    this.out = out;
    this.scheduler = scheduler;
    this.stats = stats;
    this.served = new PerMemberThrottle(config.gossipIntervalMillis() / 4);
  }

  /** {@code from} says it has {@code n}: fetch it from there unless it is known or on its way. */
  void onNotice(NodeId from, Update.RecordNotice n) {
    if (n.version() <= records.version(n.origin()) || marks.refusesRecord(n.origin(), n.version())) {
      return;
    }
    long now = scheduler.nowMillis();
    Assembly a = assemblies.get(n.origin());
    if (a != null && a.version > n.version()) {
      return;
    }
    if (a != null && a.version == n.version()) {
      if (now - a.asked >= RETRY_MILLIS) {
        a.from = from; // another holder of the same bytes
        ask(n.origin(), a, now);
      }
      return;
    }
    if (a == null && assemblies.size() >= MAX_ASSEMBLIES) {
      return;
    }
    assemblies.put(n.origin(), new Assembly(n.version(), from, now));
    out.sendBare(from, new Message.RecordFetch(n.origin(), n.version()));
  }

  /** Asks again for assemblies still incomplete; gives up after {@link #MAX_ATTEMPTS}. */
  void retry() {
    if (assemblies.isEmpty()) {
      return;
    }
    long now = scheduler.nowMillis();
    var it = assemblies.entrySet().iterator();
    while (it.hasNext()) {
      var e = it.next();
      Assembly a = e.getValue();
      if (now - a.asked < RETRY_MILLIS) {
        continue;
      }
      if (a.attempts >= MAX_ATTEMPTS) {
        it.remove();
      } else {
        ask(e.getKey(), a, now);
      }
    }
  }

  private void ask(NodeId origin, Assembly a, long now) {
    a.asked = now;
    a.attempts++;
    out.sendBare(a.from, new Message.RecordFetch(origin, a.version));
  }

  /** Sends the record asked for, if this member holds that version or a newer one. */
  void onFetch(NodeId from, Message.RecordFetch f) {
    Record r = records.get(f.origin()).orElse(null);
    if (r == null || r.version() < f.version() || !served.tryAcquire(from, scheduler.nowMillis())) {
      return;
    }
    byte[] encoded = codec.encodeUpdate(new Update.RecordUpdate(r));
    int total = (encoded.length + CHUNK_BYTES - 1) / CHUNK_BYTES;
    if (total > MAX_CHUNKS) {
      return;
    }
    for (int i = 0; i < total; i++) {
      int from0 = i * CHUNK_BYTES;
      byte[] part = java.util.Arrays.copyOfRange(encoded, from0, Math.min(encoded.length, from0 + CHUNK_BYTES));
      out.sendBare(from, new Message.RecordChunk(r.origin(), r.version(), total, i, part));
    }
  }

  /** A chunk of a record this member asked {@code from} for; returns the record update once whole. */
  Update onChunk(NodeId from, Message.RecordChunk c) {
    Assembly a = assemblies.get(c.origin());
    if (a == null || c.version() != a.version) {
      return null;
    }
    if (a.chunks == null) {
      a.chunks = new byte[c.total()][];
    } else if (a.chunks.length != c.total()) {
      assemblies.remove(c.origin());
      stats.malformed++;
      return null;
    }
    if (a.chunks[c.index()] != null) {
      return null;
    }
    a.chunks[c.index()] = c.bytes();
    if (++a.received < a.chunks.length) {
      return null;
    }
    assemblies.remove(c.origin());
    int size = 0;
    for (byte[] part : a.chunks) {
      size += part.length;
    }
    byte[] whole = new byte[size];
    int at = 0;
    for (byte[] part : a.chunks) {
      System.arraycopy(part, 0, whole, at, part.length);
      at += part.length;
    }
    try {
      Update u = codec.decodeUpdate(whole);
      if (u instanceof Update.RecordUpdate r && r.record().origin().equals(c.origin())) {
        return u;
      }
    } catch (MalformedPacketException e) {
      // counted below
    }
    stats.malformed++;
    return null;
  }
}
