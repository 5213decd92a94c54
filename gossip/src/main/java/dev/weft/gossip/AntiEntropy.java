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
  }

  /** One push-pull exchange with a random member. */
  void pushPull() {
    List<Member> one = table.random(1, null, scheduler.nowMillis(), 0);
    if (!one.isEmpty()) {
      sendDigest(one.get(0).id, false);
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
        new Message.DigestEntry(m.id, m.incarnation, m.state, records.version(m.id)))));
    stats.digestsSent++;
  }

  /** Sends everything this member knows about, in digest chunks that fit a datagram. */
  void sendDigest(NodeId to, boolean reply) {
    List<Message.DigestEntry> all = new ArrayList<>(table.size() + 1);
    all.add(selfEntry());
    for (Member m : table.all()) {
      all.add(new Message.DigestEntry(m.id, m.incarnation, m.state, records.version(m.id)));
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
    List<NodeId> wanted = new ArrayList<>();
    for (Message.DigestEntry e : d.entries()) {
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
              : e.incarnation() > m.incarnation || (e.incarnation() == m.incarnation && e.state().ordinal() > m.state.ordinal());
      if (newerMember || e.recordVersion() > records.version(e.id())) {
        wanted.add(e.id());
      }
    }
    int perFetch = (config.maxPacketBytes() - Codec.HEADER - 16) / NodeId.LENGTH;
    for (int i = 0; i < wanted.size(); i += perFetch) {
      out.sendBare(from, new Message.Fetch(List.copyOf(wanted.subList(i, Math.min(wanted.size(), i + perFetch)))));
    }
    long now = scheduler.nowMillis();
    if (d.chunk() == 0 && d.revocations() != revocations.digest() && revocations.digest() != 0
        && revocationsSent.tryAcquire(from, now)) {
      List<byte[]> all = new ArrayList<>();
      for (byte[] r : revocations.all()) {
        all.add(out.encode(new Update.Revocation(r)));
      }
      out.sendSolicited(from, all);
    }
    if (!d.reply() && d.chunk() == 0 && digestAnswered.tryAcquire(from, now)) {
      sendDigest(from, true);
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
