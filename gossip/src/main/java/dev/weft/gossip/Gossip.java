package dev.weft.gossip;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * One member of the gossip cluster: SWIM failure detection with Lifeguard, the record store, and
 * dissemination (piggyback, gossip ticks, push-pull). This class is the facade: lifecycle,
 * publishing, queries, and the dispatch of received packets to the parts that handle them
 * ({@link LocalMember}, {@link MemberTable}, {@link Transitions}, {@link Prober},
 * {@link Awareness}, {@link Dissemination}, {@link AntiEntropy}). Not thread-safe: every call,
 * including {@link #receive}, must come from the scheduler's thread.
 */
public final class Gossip {
  /** After a join, the first push-pull comes after about this many probe intervals ({@link #resyncWith}). */
  private static final int JOIN_RESYNC_PROBES = 5;

  private final GossipConfig config;
  private final Scheduler scheduler;
  private final RandomGenerator random;
  private final Codec codec;
  private final MemberAuthority authority;
  private final GossipStats stats = new GossipStats();
  private final RecordStore records = new RecordStore();
  private final MemberTable table;
  private final Awareness awareness;
  private final Ticker ticker;
  private final Dissemination out;
  private final LocalMember local;
  private final Prober prober;
  private final Transitions transitions;
  private final AntiEntropy antiEntropy;
  private final Identities identities;
  private final Revocations revocations;
  private final HighWaterMarks marks = new HighWaterMarks();
  private final LargeRecords largeRecords;

  /**
   * A member. {@code interner} is shared by all members in one process (a simulator's thousands:
   * one copy of each claim instead of one per member view); a node, with one member, passes a new
   * one.
   */
  public Gossip(
      NodeId self,
      GossipConfig config,
      Transport transport,
      Scheduler scheduler,
      MemberAuthority authority,
      GossipListener listener,
      RandomGenerator random,
      ClaimInterner interner) {
    this.config = config;
    this.scheduler = scheduler;
    this.random = random;
    this.codec = new Codec(config.maxRecordBytes());
    this.authority = authority;
    this.table = new MemberTable(random);
    this.awareness = new Awareness(config.awarenessMax());
    this.ticker = new Ticker(scheduler);
    this.out = new Dissemination(self, config, codec, transport, table, stats);
    this.local = new LocalMember(self, config, scheduler, authority, out, awareness, stats);
    this.prober = new Prober(config, scheduler, local, table, out, awareness, ticker, this::probeFailed);
    this.revocations = new Revocations(authority);
    this.identities = new Identities(self, authority, out, scheduler, stats);
    this.antiEntropy = new AntiEntropy(config, scheduler, local, table, records, out, revocations, stats);
    this.largeRecords = new LargeRecords(config, codec, records, marks, out, scheduler, stats);
    this.transitions = new Transitions(config, scheduler, authority, listener, interner, local, table, records, out,
        antiEntropy, prober, identities, revocations, marks, largeRecords, stats);
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Starts this member: announces itself and pulls state from the seeds and from members
   * remembered from an earlier run (any of them is enough to rejoin).
   */
  public void start(List<NodeId> seeds, PersistedState remembered) {
    if (local.running()) {
      throw new IllegalStateException("already started");
    }
    long incarnation = remembered.incarnation();
    if (remembered != PersistedState.EMPTY) {
      if (incarnation == Long.MAX_VALUE) {
        throw new IllegalArgumentException("the remembered incarnation is at its limit; it cannot be outbid");
      }
      incarnation++;
    }
    local.start(incarnation);
    for (byte[] r : remembered.revocations()) {
      transitions.onRevocation(new Update.Revocation(r), null);
    }
    if (local.payload() != null) {
      transitions.publishOwn(local.payload());
    }
    List<NodeId> contacts = new ArrayList<>(seeds);
    contacts.addAll(remembered.knownMembers());
    join(contacts);
    contacts.remove(local.id);
    scheduleTicks(contacts.isEmpty() ? null : contacts.get(random.nextInt(contacts.size())));
  }

  /**
   * Starts {@code members} (none running, none with a record) as a cluster that formed long ago:
   * each holds every other alive at incarnation 0, as a join of all of them leaves every member
   * once gossip and push-pull have run their course, with nothing suspected, nothing queued and
   * full health. Each claim is signed by its member and verified once here; every member must
   * already know every other's certificate (its join would have fetched them), or this throws.
   * From then on everything is the protocol's own. For simulations that measure a formed cluster:
   * forming thousands of members by joins costs minutes of CPU before the first measurement.
   */
  public static void startFormed(List<Gossip> members) {
    List<Update.Alive> claims = new ArrayList<>(members.size());
    for (Gossip g : members) {
      if (g.local.running()) {
        throw new IllegalStateException(g.local.id + " is already started");
      }
      if (g.local.payload() != null) {
        throw new IllegalStateException(g.local.id + " has a record: a formed start holds none, publish after it");
      }
      g.local.startAnnounced(0);
      Update.Alive a = g.local.alive();
      if (!g.authority.verify(a.id(), Update.Alive.signedBytes(a.id(), a.incarnation()), a.signature())) {
        throw new IllegalStateException(a.id() + "'s alive does not verify with its own certificate");
      }
      claims.add(g.transitions.shared(a));
    }
    for (Gossip g : members) {
      g.transitions.reserve(claims.size() - 1);
      for (Update.Alive a : claims) {
        if (a.id().equals(g.local.id)) {
          continue;
        }
        if (!g.authority.knows(a.id())) {
          throw new IllegalStateException(g.local.id + " does not know " + a.id() + "'s certificate, which a join fetches");
        }
        g.transitions.holdFormed(a);
      }
      g.scheduleTicks(null);
    }
  }

  /** {@code joinedThrough}: the contact of a join, for the first push-pull ({@link #resyncWith}); null if none. */
  private void scheduleTicks(NodeId joinedThrough) {
    ticker.schedule(Ticker.Tick.PROBE, jitter(config.probeIntervalMillis()), prober::probeTick);
    ticker.schedule(Ticker.Tick.GOSSIP, jitter(config.gossipIntervalMillis()), this::gossipTick);
    if (joinedThrough != null) {
      ticker.schedule(Ticker.Tick.PUSH_PULL, jitter(JOIN_RESYNC_PROBES * config.probeIntervalMillis()), () -> resyncWith(joinedThrough));
    } else {
      // Alone, it knows only itself (30 s); a formed member's exchanges spread over its scaled interval.
      ticker.schedule(Ticker.Tick.PUSH_PULL, jitter(config.scaledPushPullMillis(liveCount())), this::pushPullTick);
    }
    ticker.schedule(Ticker.Tick.RECONNECT, jitter(config.reconnectIntervalMillis()), this::reconnectTick);
    ticker.schedule(Ticker.Tick.GARBAGE, config.tombstoneHorizonMillis() / 10, this::collectGarbageTick);
  }

  /**
   * One push-pull exchange with {@code member} now, the kind the periodic one has with a random
   * member (a summary of this member's view; only what differs goes further). For a member behind
   * a NAT that admits only those it sent to lately, a random partner behind another NAT never
   * answers, so the periodic exchange repairs its view slowly; one that every member reaches (a
   * seed, a rendezvous) always can.
   */
  public void pushPullWith(NodeId member) {
    if (local.running() && !member.equals(local.id)) {
      antiEntropy.sendRanges(member);
    }
  }

  /** Tries to join through these members now (for seeds that become reachable later). */
  public void join(List<NodeId> contacts) {
    for (NodeId c : contacts) {
      if (!c.equals(local.id)) {
        antiEntropy.sendDigest(c, false);
      }
    }
  }

  /**
   * Leaves gracefully: tells members this member is gone (a signed leave and a tombstone for its
   * record), so that nobody has to detect it. Call {@link #stop} after a moment for the news to
   * spread (a few gossip intervals).
   */
  public void leave() {
    if (!local.running() || local.leaving()) {
      return;
    }
    local.beginLeaving();
    transitions.publishTombstone();
    out.enqueue(local.leaveClaim());
    for (int i = 0; i < 2; i++) {
      gossipTick();
    }
  }

  /** Stops all timers; the member falls silent (as in a crash, unless {@link #leave} came first). */
  public void stop() {
    local.stop();
    ticker.cancelAll();
    table.cancelSuspicions();
    prober.stop();
  }

  // ---------------------------------------------------------------- public state

  public NodeId self() {
    return local.id;
  }

  public long incarnation() {
    return local.incarnation();
  }

  /** Lifeguard's local health multiplier: 0 healthy, up to the configured maximum. */
  public int localHealth() {
    return awareness.score();
  }

  public GossipStats stats() {
    return stats;
  }

  public List<MemberView> members() {
    List<MemberView> views = new ArrayList<>(table.size());
    for (Member m : table.all()) {
      views.add(new MemberView(m.id, m.state, m.incarnation()));
    }
    return views;
  }

  public MemberState stateOf(NodeId id) {
    if (id.equals(local.id)) {
      return local.state();
    }
    Member m = table.get(id);
    return m == null ? null : m.state;
  }

  /** The incarnation this member holds for {@code id}, or -1 when it does not know it. */
  public long incarnationOf(NodeId id) {
    if (id.equals(local.id)) {
      return local.incarnation();
    }
    Member m = table.get(id);
    return m == null ? -1 : m.incarnation();
  }

  /** Number of members this member considers up (alive or suspect), itself included. */
  public int liveCount() {
    return out.liveCount();
  }

  public RecordStore records() {
    return records;
  }

  /**
   * What to keep across a restart: the incarnation, up to 32 members known alive, and the
   * revocations accepted.
   */
  public PersistedState persistentState() {
    return new PersistedState(local.incarnation(), table.sampleUp(32), revocations.all());
  }

  /**
   * Applies a CA-signed revocation (from a file or the CLI) and spreads it: every member that
   * verifies it ends the revoked member's membership. Returns false when it does not verify or
   * was known already. Works before {@link #start} too (the revocations a node loads at boot).
   */
  public boolean revoke(byte[] revocation) {
    return transitions.onRevocation(new Update.Revocation(revocation.clone()), null);
  }

  /**
   * After the trusted CAs changed: ends the membership of every member whose certificate no longer
   * verifies ({@link MemberAuthority#revalidate}), here only, as a revocation would; a member
   * trusted again later may rejoin. Returns the members dropped.
   */
  public java.util.List<NodeId> dropDistrusted() {
    java.util.List<NodeId> dropped = authority.revalidate();
    for (NodeId id : dropped) {
      transitions.drop(id);
    }
    return dropped;
  }

  /** How many revocations this member holds. */
  public int revocationCount() {
    return revocations.all().size();
  }

  /** Sets this member's record payload and spreads it. */
  public void publish(byte[] payload) {
    if (payload.length > config.maxRecordBytes()) {
      throw new IllegalArgumentException("record payload exceeds " + config.maxRecordBytes() + " bytes");
    }
    local.setPayload(payload);
    if (local.running()) {
      transitions.publishOwn(local.payload());
    }
  }

  // ---------------------------------------------------------------- receiving

  /**
   * Handles a datagram from {@code from}, whom the transport has authenticated. Malformed or
   * misattributed packets are counted and dropped.
   */
  public void receive(NodeId from, byte[] datagram) {
    if (!local.running()) {
      return;
    }
    if (!authority.knows(from)) {
      // The transport must hand over the sender's certificate (its hello) before its datagrams:
      // an unknown sender gets nothing back and leaves nothing behind.
      stats.unknownSenders++;
      return;
    }
    Codec.Packet p;
    try {
      p = codec.decode(datagram);
    } catch (MalformedPacketException e) {
      stats.malformed++;
      return;
    }
    if (!p.sender().equals(from) || from.equals(local.id)) {
      stats.malformed++;
      return;
    }
    stats.packetsReceived++;
    Inbound in = new Inbound(from, p.message() instanceof Message.Push push && push.solicited());
    // Claims the sender signed that others passed on before its certificate was known here: its
    // hello made the certificate known, so they verify now (the fetch's answer would find nothing
    // left to do, and the claims would expire unapplied).
    for (Identities.Held h : identities.release(from)) {
      transitions.apply(h.update(), h.in());
    }
    Member sender = table.get(from);
    if (sender != null) {
      sender.heardAt = scheduler.nowMillis(); // it is alive to this member now (see Transitions.passOn)
    }
    boolean accused = false;
    for (Update u : p.updates()) {
      accused |= transitions.apply(u, in);
    }
    if (sender == null && !table.contains(from) && (p.message() instanceof Message.Ping || p.message() instanceof Message.PingReq
        || p.message() instanceof Message.Ack || p.message() instanceof Message.Nack || p.message() instanceof Message.Push)) {
      antiEntropy.learnUnknown(from);
    }
    dispatch(from, p.message(), accused);
  }

  /** {@code accused}: the packet passed on an accusation of this member (it may have missed the refutation). */
  private void dispatch(NodeId from, Message message, boolean accused) {
    switch (message) {
      case Message.Ping ping -> {
        if (ping.target().equals(local.id)) {
          out.send(from, new Message.Ack(ping.seq()), accused ? local.alive() : null);
        }
      }
      case Message.PingReq req -> {
        if (accused) {
          local.answerAccuser(from);
        }
        prober.indirectProbe(from, req);
      }
      case Message.Ack ack -> prober.onAck(from, ack);
      case Message.Nack nack -> prober.onNack(nack);
      case Message.Digest d -> antiEntropy.onDigest(from, d);
      case Message.Fetch f -> antiEntropy.onFetch(from, f);
      case Message.Ranges r -> antiEntropy.onRanges(from, r);
      case Message.RangeEntries r -> antiEntropy.onRangeEntries(from, r);
      case Message.Push push -> {
        if (accused) {
          local.answerAccuser(from); // its updates were applied above
        }
      }
      case Message.CertFetch f -> identities.onFetch(from, f);
      case Message.RecordFetch f -> largeRecords.onFetch(from, f);
      case Message.RecordChunk c -> {
        Update whole = largeRecords.onChunk(from, c);
        if (whole != null) {
          transitions.apply(whole, new Inbound(from, false));
        }
      }
      case Message.CertPush c -> {
        for (Identities.Held h : identities.onCertificate(c)) {
          transitions.apply(h.update(), h.in());
        }
      }
    }
  }

  /** This member's own probe of {@code m} went unanswered. */
  private void probeFailed(Member m) {
    transitions.suspect(m);
  }

  // ---------------------------------------------------------------- ticks

  private void gossipTick() {
    if (!local.running()) {
      return;
    }
    if (!local.leaving()) {
      ticker.schedule(Ticker.Tick.GOSSIP, config.gossipIntervalMillis(), this::gossipTick);
    }
    largeRecords.retry();
    if (out.hasPending()) {
      out.gossipTo(table.random(out.fanout(), null, scheduler.nowMillis(), config.gossipToTheDeadMillis()));
    }
  }

  /**
   * The first exchange after a join, instead of the first periodic one. Members that joined at the
   * same moment as this one were not in the view the contact answered the join with, and what the
   * cluster gossiped of them may have been spent before anyone knew this member: one more
   * exchange with the contact (which every joiner reached) learns them in seconds instead of in
   * 15–45 s.
   */
  private void resyncWith(NodeId contact) {
    if (!local.running()) {
      return;
    }
    ticker.schedule(Ticker.Tick.PUSH_PULL, jitter(config.scaledPushPullMillis(liveCount())), this::pushPullTick);
    Member m = table.get(contact);
    if (m != null && m.state.isUp()) {
      antiEntropy.sendRanges(contact);
    } else {
      antiEntropy.pushPull();
    }
  }

  private void pushPullTick() {
    if (!local.running()) {
      return;
    }
    ticker.schedule(Ticker.Tick.PUSH_PULL, jitter(config.scaledPushPullMillis(liveCount())), this::pushPullTick);
    antiEntropy.pushPull();
  }

  private void reconnectTick() {
    if (!local.running()) {
      return;
    }
    ticker.schedule(Ticker.Tick.RECONNECT, jitter(config.reconnectIntervalMillis()), this::reconnectTick);
    antiEntropy.reconnect();
    identities.expire();
  }

  private void collectGarbageTick() {
    if (!local.running()) {
      return;
    }
    ticker.schedule(Ticker.Tick.GARBAGE, config.tombstoneHorizonMillis() / 10, this::collectGarbageTick);
    long now = scheduler.nowMillis();
    for (Member m : table.removeDownSince(now, config.tombstoneHorizonMillis())) {
      marks.remember(m.id, m.alive, records.version(m.id), authority.validUntil(m.id));
      records.forget(m.id);
    }
    records.collectGarbage(now, config.tombstoneHorizonMillis());
    marks.expire(scheduler.wallMillis());
  }

  private long jitter(long base) {
    return base / 2 + random.nextLong(Math.max(1, base));
  }
}
