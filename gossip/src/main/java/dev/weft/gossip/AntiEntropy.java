package dev.weft.gossip;

import java.util.ArrayList;
import java.util.List;

/**
 * Repair of whatever gossip missed: push-pull exchanges of digests (member → incarnation, state,
 * record version) with a random member, fetching only what is newer; reconnect attempts to dead
 * members so that partitions heal; and fetching the state of members one has never heard of.
 */
final class AntiEntropy {
  /**
   * A member is answered with a full digest at most once per this many probe intervals. An
   * honest member sends an unsolicited digest when it joins, at each push-pull (every 30 s or
   * more) and when it reconnects to a member it held dead (every 10 s to one of them).
   */
  static final int DIGEST_ANSWER_INTERVAL_PROBES = 5;
  /** Ranges (and range entries) answered per member per 5 probe intervals: several full exchanges. */
  static final int RANGES_PER_MEMBER = 4_096;
  /** Encoded size of a range at most: prefix, count, fingerprint. */
  private static final int RANGE_BYTES = 9 + 5 + 8;

  private final GossipConfig config;
  private final Scheduler scheduler;
  private final LocalMember local;
  private final MemberTable table;
  private final RecordStore records;
  private final Dissemination out;
  private final Revocations revocations;
  private final GossipStats stats;
  /** Senders answered with a full digest: an unsolicited digest costs one datagram, the answer one per 23 members. */
  private final PerMemberThrottle digestAnswered;
  /** Senders sent this member's revocations because their digest of them differed. */
  private final PerMemberThrottle revocationsSent;
  /** Unknown senders asked for their state (see {@link #learnUnknown}). */
  private final PerMemberThrottle unknownFetched;
  /** Members asked for what they hold about this member (see {@link #fetchOwnState}). */
  private final PerMemberThrottle ownStateFetched;
  /** Work done answering members' range summaries. */
  private final PerMemberBudget rangesAnswered;

  AntiEntropy(GossipConfig config, Scheduler scheduler, LocalMember local, MemberTable table, RecordStore records,
      Dissemination out, Revocations revocations, GossipStats stats) {
    this.config = config;
    this.scheduler = scheduler;
    this.local = local;
    this.table = table;
    this.records = records;
    this.out = out;
    this.revocations = revocations;
    this.stats = stats;
    this.digestAnswered = new PerMemberThrottle(DIGEST_ANSWER_INTERVAL_PROBES * config.probeIntervalMillis());
    this.revocationsSent = new PerMemberThrottle(DIGEST_ANSWER_INTERVAL_PROBES * config.probeIntervalMillis());
    this.unknownFetched = new PerMemberThrottle(config.probeIntervalMillis());
    this.ownStateFetched = new PerMemberThrottle(config.probeIntervalMillis());
    this.rangesAnswered = new PerMemberBudget(DIGEST_ANSWER_INTERVAL_PROBES * config.probeIntervalMillis(), RANGES_PER_MEMBER);
  }

  /**
   * One push-pull exchange with a random member, by ranges ({@link RangeSet}): a summary of this
   * member's view in one datagram; only ranges that differ go further.
   */
  void pushPull() {
    List<Member> one = table.random(1, null, scheduler.nowMillis(), 0);
    if (!one.isEmpty()) {
      sendRanges(one.get(0).id);
    }
  }

  void sendRanges(NodeId to) {
    int depth = RangeSet.topDepth(table.size() + 1);
    out.sendBare(to, new Message.Ranges(depth, true, revocations.digest(), RangeSet.summary(view(), depth)));
    stats.digestsSent++;
  }

  /** This member's view as digest entries: itself and every member it holds. */
  private Iterable<Message.DigestEntry> view() {
    return () -> new java.util.Iterator<>() {
      private final java.util.Iterator<Member> members = table.all().iterator();
      private boolean selfDone;

      @Override
      public boolean hasNext() {
        return !selfDone || members.hasNext();
      }

      @Override
      public Message.DigestEntry next() {
        if (!selfDone) {
          selfDone = true;
          return selfEntry();
        }
        return entry(members.next());
      }
    };
  }

  private Message.DigestEntry entry(Member m) {
    return new Message.DigestEntry(m.id, m.incarnation(), m.state, records.version(m.id));
  }

  /** A peer's summary of ranges: answer the ones that differ, with sub-ranges or entries. */
  void onRanges(NodeId from, Message.Ranges r) {
    long now = scheduler.nowMillis();
    // Each answer scans the member table: a member gets a bounded number of ranges answered.
    if (!rangesAnswered.tryDraw(from, Math.max(1, r.ranges().size()), now)) {
      stats.rangesRefused++;
      return;
    }
    if (r.complete()) {
      answerRevocations(from, r.revocations(), now);
    }
    RangeSet.Answer a = RangeSet.answer(view(), r.depth(), r.ranges(), r.complete());
    int perMessage = (config.maxPacketBytes() - Codec.HEADER - 32) / RANGE_BYTES;
    for (int i = 0; i < a.children().size(); i += perMessage) {
      List<RangeSet.Range> part = a.children().subList(i, Math.min(a.children().size(), i + perMessage));
      out.sendBare(from, new Message.Ranges(a.childDepth(), false, 0, List.copyOf(part)));
      stats.digestsSent++;
    }
    for (RangeSet.LeafEntries leaf : a.leaves()) {
      out.sendBare(from, new Message.RangeEntries(leaf.depth(), leaf.prefix(), leaf.entries()));
      stats.digestsSent++;
    }
  }

  /**
   * A peer's entries of one range: fetch what it holds newer, push what it lacks. After this the
   * two views agree on that range (up to what is lost on the way).
   */
  void onRangeEntries(NodeId from, Message.RangeEntries r) {
    if (!rangesAnswered.tryDraw(from, 1, scheduler.nowMillis())) {
      stats.rangesRefused++;
      return;
    }
    java.util.Map<NodeId, Message.DigestEntry> theirs = new java.util.HashMap<>();
    for (Message.DigestEntry e : r.entries()) {
      if (RangeSet.prefix(RangeSet.position(e.id()), r.depth()) == r.prefix()) {
        theirs.put(e.id(), e);
      }
    }
    fetchNewer(from, theirs.values());
    List<NodeId> lacking = new ArrayList<>();
    for (Message.DigestEntry mine : RangeSet.entriesIn(view(), r.depth(), r.prefix())) {
      if (RangeSet.newer(mine, theirs.get(mine.id()))) {
        lacking.add(mine.id());
      }
    }
    if (!lacking.isEmpty()) {
      onFetch(from, new Message.Fetch(lacking));
    }
  }

  /** Contacts a random dead member: if it is back (a healed partition), the exchange revives it. */
  void reconnect() {
    Member m = table.randomDead();
    if (m == null) {
      return;
    }
    // Two entries, not the whole digest: most dead members are really gone, and a full digest
    // every interval to each would cost more than the rest of gossip. A member that is back
    // sees itself declared dead, fetches the signed death, refutes it, and answers with its alive.
    out.sendBare(m.id, new Message.Digest(false, 0, List.of(selfEntry(),
        new Message.DigestEntry(m.id, m.incarnation(), m.state, records.version(m.id)))));
    stats.digestsSent++;
  }

  /** Sends everything this member knows about, in digest chunks that fit a datagram. */
  void sendDigest(NodeId to, boolean reply) {
    List<Message.DigestEntry> all = new ArrayList<>(table.size() + 1);
    all.add(selfEntry());
    for (Member m : table.all()) {
      all.add(new Message.DigestEntry(m.id, m.incarnation(), m.state, records.version(m.id)));
    }
    int perChunk = (config.maxPacketBytes() - Codec.HEADER - 16) / (Codec.DIGEST_ENTRY_BYTES + 1);
    for (int i = 0, chunk = 0; i < all.size(); i += perChunk, chunk++) {
      List<Message.DigestEntry> part = all.subList(i, Math.min(all.size(), i + perChunk));
      out.sendBare(to, new Message.Digest(reply, chunk, List.copyOf(part), chunk == 0 ? revocations.digest() : 0));
      stats.digestsSent++;
    }
  }

  private Message.DigestEntry selfEntry() {
    return new Message.DigestEntry(local.id, local.incarnation(), local.state(), records.version(local.id));
  }

  void onDigest(NodeId from, Message.Digest d) {
    fetchNewer(from, d.entries());
    long now = scheduler.nowMillis();
    if (d.chunk() == 0) {
      answerRevocations(from, d.revocations(), now);
    }
    if (!d.reply() && d.chunk() == 0 && digestAnswered.tryAcquire(from, now)) {
      sendDigest(from, true);
    }
  }

  /** The peer's summary of revocations differs from this member's: push them (throttled). */
  private void answerRevocations(NodeId from, long theirs, long now) {
    if (theirs != revocations.digest() && revocations.digest() != 0 && revocationsSent.tryAcquire(from, now)) {
      List<byte[]> all = new ArrayList<>();
      for (byte[] r : revocations.all()) {
        all.add(out.encode(new Update.Revocation(r)));
      }
      out.sendSolicited(from, all);
    }
  }

  /** Fetches from {@code from} what its entries show newer than this member's view. */
  private void fetchNewer(NodeId from, Iterable<Message.DigestEntry> entries) {
    List<NodeId> wanted = new ArrayList<>();
    for (Message.DigestEntry e : entries) {
      if (e.id().equals(local.id)) {
        // A digest entry is unsigned: it never moves the incarnation. Ask for the signed claims
        // behind it (an accusation to refute, or this member's alive from a life it forgot).
        boolean accused = e.incarnation() == local.incarnation() && (e.state() == MemberState.SUSPECT || e.state() == MemberState.DEAD);
        if (!local.leaving() && (accused || e.incarnation() > local.incarnation())) {
          fetchOwnState(from);
        }
        continue;
      }
      Member m = table.get(e.id());
      boolean newerMember =
          m == null ? e.state().isUp() || e.state() == MemberState.DEAD
              : e.incarnation() > m.incarnation() || (e.incarnation() == m.incarnation() && e.state().ordinal() > m.state.ordinal());
      if (newerMember || e.recordVersion() > records.version(e.id())) {
        wanted.add(e.id());
      }
    }
    int perFetch = (config.maxPacketBytes() - Codec.HEADER - 16) / NodeId.LENGTH;
    for (int i = 0; i < wanted.size(); i += perFetch) {
      out.sendBare(from, new Message.Fetch(List.copyOf(wanted.subList(i, Math.min(wanted.size(), i + perFetch)))));
    }
  }

  /**
   * An authenticated member this one has never heard of talks to it: a join or an alive whose
   * gossip missed this member (epidemics leave a few out at scale). Asking it directly repairs
   * that at once instead of at the next push-pull, minutes away in a large cluster. At most once
   * per sender and probe interval.
   */
  void learnUnknown(NodeId from) {
    if (unknownFetched.tryAcquire(from, scheduler.nowMillis())) {
      out.sendBare(from, new Message.Fetch(List.of(from)));
    }
  }

  /** Asks {@code from} for its claims about this member; at most once per member and probe interval. */
  void fetchOwnState(NodeId from) {
    if (ownStateFetched.tryAcquire(from, scheduler.nowMillis())) {
      out.sendBare(from, new Message.Fetch(List.of(local.id)));
    }
  }

  void onFetch(NodeId from, Message.Fetch f) {
    List<byte[]> updates = new ArrayList<>();
    for (NodeId id : f.ids()) {
      if (id.equals(local.id)) {
        updates.add(out.encode(local.alive()));
        if (local.leaving()) {
          updates.add(out.encode(local.leaveClaim()));
        }
      } else {
        Member m = table.get(id);
        if (m != null) {
          updates.add(out.encode(m.alive));
          if (m.accusation != null) {
            updates.add(out.encode(m.accusation));
          }
        }
      }
      records.get(id).ifPresent(r -> updates.add(out.encodeForPacket(new Update.RecordUpdate(r))));
    }
    out.sendSolicited(from, updates);
  }
}
