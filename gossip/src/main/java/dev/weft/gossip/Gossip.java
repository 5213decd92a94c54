package dev.weft.gossip;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * One member of the gossip cluster: SWIM failure detection with Lifeguard, the record store, and
 * dissemination (piggyback, gossip ticks, push-pull). Not thread-safe: every call, including
 * {@link #receive}, must come from the scheduler's thread.
 */
public final class Gossip {
  /**
   * How far above its own incarnation an accusation of this member may be and still be outbid:
   * after a restart that lost its state a member must outbid what it announced before (one
   * increment per refutation, far fewer than this); anything beyond is forged.
   */
  static final int MAX_INCARNATION_JUMP = 1 << 16;

  private final NodeId self;
  private final GossipConfig config;
  private final Transport transport;
  private final Scheduler scheduler;
  private final MemberAuthority authority;
  private final GossipListener listener;
  private final RandomGenerator random;
  private final Codec codec;
  private final Map<NodeId, Member> members = new HashMap<>();
  private final RecordStore records = new RecordStore();
  private final BroadcastQueue broadcasts;
  private final ClaimInterner interner;
  private final Map<Integer, AckWaiter> waiting = new HashMap<>();
  /** Unknown senders asked for their state (see {@link #learnUnknown}). */
  private final PerMemberThrottle unknownFetched;
  /** Accusers sent this member's alive (see {@link #answerAccuser}). */
  private final PerMemberThrottle accusersAnswered;
  private final List<Member> probeOrder = new ArrayList<>();
  /** Members held dead, for reconnect ticks: a scan of all members would cost n per tick. */
  private final List<Member> dead = new ArrayList<>();
  private final Hlc hlc = new Hlc();
  private final Scheduler.Cancellable[] ticks = new Scheduler.Cancellable[Tick.values().length];
  private final Stats stats = new Stats();
  private int probeIndex;
  private int upMembers; // members alive or suspect, kept as states change (asked per packet)
  private int incarnation;
  private int seq;
  private int health; // Lifeguard's local health multiplier, 0..awarenessMax
  private Update.Alive selfAlive;
  private byte[] ownPayload;
  private boolean running;
  /**
   * The member whose push answers this member's own fetch, while its updates are applied (else
   * null). Second-hand news learned that way is not re-spread: a joiner that pulls the whole
   * cluster would otherwise broadcast every member to everyone. First-hand news (about the
   * responder itself) and revivals of members held dead are spread, or a seed that pulls a
   * joiner's state would keep the join to itself.
   */
  private NodeId solicitedFrom;
  /** Whether the packet being applied accused this member (see {@link #receive}). */
  private boolean accusedInPacket;
  private boolean leaving;

  /** The periodic tasks; each reschedules itself. */
  private enum Tick {
    PROBE,
    GOSSIP,
    PUSH_PULL,
    RECONNECT,
    GARBAGE
  }

  /** Counters for benchmarks and metrics. */
  public static final class Stats {
    long packetsSent;
    long bytesSent;
    long packetsReceived;
    long malformed;
    long rejectedClaims;
    long alivesQueued;
    long suspectsQueued;
    long deadsQueued;
    long recordsQueued;
    long digestsSent;

    public long digestsSent() {
      return digestsSent;
    }

    /** Updates queued for dissemination, by kind: alive, suspect, dead, record. */
    public long[] updatesQueued() {
      return new long[] {alivesQueued, suspectsQueued, deadsQueued, recordsQueued};
    }

    public long packetsSent() {
      return packetsSent;
    }

    public long bytesSent() {
      return bytesSent;
    }

    public long packetsReceived() {
      return packetsReceived;
    }

    public long malformed() {
      return malformed;
    }

    public long rejectedClaims() {
      return rejectedClaims;
    }
  }

  private static final class Member {
    final NodeId id;
    int incarnation;
    MemberState state;
    long stateSince;
    Update.Alive alive;
    Update accusation;
    Suspicion suspicion;

    Member(NodeId id, Update.Alive alive, long now) {
      this.id = id;
      this.incarnation = alive.incarnation();
      this.alive = alive;
      this.state = MemberState.ALIVE;
      this.stateSince = now;
    }
  }

  /** A probe or an indirect probe waiting for its ack. */
  private static final class AckWaiter {
    final Runnable onAck;
    boolean acked;
    int nacks;
    int expectedNacks;

    AckWaiter(Runnable onAck) {
      this.onAck = onAck;
    }
  }

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
    this.self = self;
    this.config = config;
    this.transport = transport;
    this.scheduler = scheduler;
    this.authority = authority;
    this.listener = listener;
    this.random = random;
    this.codec = new Codec(config.maxRecordBytes());
    this.broadcasts = new BroadcastQueue(config.maxQueuedUpdates());
    this.interner = interner;
    this.unknownFetched = new PerMemberThrottle(config.probeIntervalMillis());
    this.accusersAnswered = new PerMemberThrottle(config.probeIntervalMillis());
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Starts this member: announces itself and pulls state from the seeds and from members
   * remembered from an earlier run (any of them is enough to rejoin).
   */
  public void start(List<NodeId> seeds, PersistedState remembered) {
    if (running) {
      throw new IllegalStateException("already started");
    }
    running = true;
    leaving = false;
    incarnation = remembered.incarnation() + (remembered == PersistedState.EMPTY ? 0 : 1);
    announceAlive();
    if (ownPayload != null) {
      publish(ownPayload);
    }
    List<NodeId> contacts = new ArrayList<>(seeds);
    contacts.addAll(remembered.knownMembers());
    for (NodeId c : contacts) {
      if (!c.equals(self)) {
        sendDigest(c, false);
      }
    }
    schedule(Tick.PROBE, jitter(config.probeIntervalMillis()), this::probeTick);
    schedule(Tick.GOSSIP, jitter(config.gossipIntervalMillis()), this::gossipTick);
    schedule(Tick.PUSH_PULL, jitter(config.pushPullIntervalMillis()), this::pushPullTick);
    schedule(Tick.RECONNECT, jitter(config.reconnectIntervalMillis()), this::reconnectTick);
    schedule(Tick.GARBAGE, config.tombstoneHorizonMillis() / 10, this::collectGarbageTick);
  }

  /** Tries to join through these members now (for seeds that become reachable later). */
  public void join(List<NodeId> contacts) {
    for (NodeId c : contacts) {
      if (!c.equals(self)) {
        sendDigest(c, false);
      }
    }
  }

  /**
   * Leaves gracefully: tells members this member is gone (a signed leave and a tombstone for its
   * record), so that nobody has to detect it. Call {@link #stop} after a moment for the news to
   * spread (a few gossip intervals).
   */
  public void leave() {
    if (!running || leaving) {
      return;
    }
    leaving = true;
    long version = hlc.tick(scheduler.wallMillis());
    Record tomb = Record.signed(self, version, true, new byte[0], authority);
    records.putOwn(tomb, scheduler.nowMillis());
    enqueue(new Update.RecordUpdate(tomb));
    Update.Dead bye =
        new Update.Dead(self, incarnation, self, true, authority.sign(Update.Dead.signedBytes(self, incarnation, self, true)));
    enqueue(bye);
    for (int i = 0; i < 2; i++) {
      gossipTick();
    }
  }

  /** Stops all timers; the member falls silent (as in a crash, unless {@link #leave} came first). */
  public void stop() {
    running = false;
    for (int i = 0; i < ticks.length; i++) {
      if (ticks[i] != null) {
        ticks[i].cancel();
        ticks[i] = null;
      }
    }
    for (Member m : members.values()) {
      if (m.suspicion != null) {
        m.suspicion.cancel();
      }
    }
    waiting.clear();
  }

  // ---------------------------------------------------------------- public state

  public NodeId self() {
    return self;
  }

  public int incarnation() {
    return incarnation;
  }

  /** Lifeguard's local health multiplier: 0 healthy, up to the configured maximum. */
  public int localHealth() {
    return health;
  }

  public Stats stats() {
    return stats;
  }

  public List<MemberView> members() {
    List<MemberView> out = new ArrayList<>(members.size());
    for (Member m : members.values()) {
      out.add(new MemberView(m.id, m.state, m.incarnation));
    }
    return out;
  }

  public MemberState stateOf(NodeId id) {
    if (id.equals(self)) {
      return leaving ? MemberState.LEFT : MemberState.ALIVE;
    }
    Member m = members.get(id);
    return m == null ? null : m.state;
  }

  /** Number of members this member considers up (alive or suspect), itself included. */
  public int liveCount() {
    return upMembers + 1;
  }

  public RecordStore records() {
    return records;
  }

  /** What to keep across a restart: the incarnation and up to 32 members known alive. */
  public PersistedState persistentState() {
    List<NodeId> up = new ArrayList<>();
    for (Member m : members.values()) {
      if (m.state.isUp()) {
        up.add(m.id);
      }
    }
    Collections.shuffle(up, new java.util.Random(random.nextLong()));
    return new PersistedState(incarnation, up.subList(0, Math.min(32, up.size())));
  }

  /** Sets this member's record payload and spreads it. */
  public void publish(byte[] payload) {
    if (payload.length > config.maxRecordBytes()) {
      throw new IllegalArgumentException("record payload exceeds " + config.maxRecordBytes() + " bytes");
    }
    ownPayload = payload.clone();
    if (!running) {
      return;
    }
    long version = hlc.tick(scheduler.wallMillis());
    Record r = Record.signed(self, version, false, ownPayload, authority);
    records.putOwn(r, scheduler.nowMillis());
    enqueue(new Update.RecordUpdate(r));
  }

  // ---------------------------------------------------------------- receiving

  /**
   * Handles a datagram from {@code from}, whom the transport has authenticated. Malformed or
   * misattributed packets are counted and dropped.
   */
  public void receive(NodeId from, byte[] datagram) {
    if (!running) {
      return;
    }
    Codec.Packet p;
    try {
      p = codec.decode(datagram);
    } catch (MalformedPacketException e) {
      stats.malformed++;
      return;
    }
    if (!p.sender().equals(from) || from.equals(self)) {
      stats.malformed++;
      return;
    }
    stats.packetsReceived++;
    solicitedFrom = p.message() instanceof Message.Push push && push.solicited() ? from : null;
    accusedInPacket = false;
    for (Update u : p.updates()) {
      apply(u);
    }
    solicitedFrom = null;
    // The sender passed on an accusation of this member: it may have missed the refutation.
    Update refutation = accusedInPacket ? selfAlive : null;
    if (!members.containsKey(from) && !(p.message() instanceof Message.Fetch) && !(p.message() instanceof Message.Digest)) {
      learnUnknown(from);
    }
    switch (p.message()) {
      case Message.Ping ping -> {
        if (ping.target().equals(self)) {
          send(from, new Message.Ack(ping.seq()), refutation);
        }
      }
      case Message.PingReq req -> {
        if (refutation != null) {
          answerAccuser(from);
        }
        indirectProbe(from, req);
      }
      case Message.Ack ack -> {
        AckWaiter w = waiting.get(ack.seq());
        if (w != null && !w.acked) {
          w.acked = true;
          w.onAck.run();
        }
      }
      case Message.Nack nack -> {
        AckWaiter w = waiting.get(nack.seq());
        if (w != null) {
          w.nacks++;
        }
      }
      case Message.Digest d -> onDigest(from, d);
      case Message.Fetch f -> onFetch(from, f);
      case Message.Push push -> {
        if (refutation != null) {
          answerAccuser(from); // its updates were applied above
        }
      }
    }
  }

  private void apply(Update u) {
    switch (u) {
      case Update.Alive a -> onAlive(a);
      case Update.Suspect s -> onSuspect(s);
      case Update.Dead d -> onDead(d);
      case Update.RecordUpdate r -> onRecord(r.record());
    }
  }

  private void onAlive(Update.Alive a) {
    if (a.id().equals(self)) {
      if (a.incarnation() > incarnation && verified(self, Update.Alive.signedBytes(self, a.incarnation()), a.signature())) {
        // An announcement of an earlier life of this member: outbid it.
        incarnation = a.incarnation();
        announceAlive();
      }
      return;
    }
    Member m = members.get(a.id());
    if (m != null && a.incarnation() <= m.incarnation) {
      return;
    }
    if (!verified(a.id(), Update.Alive.signedBytes(a.id(), a.incarnation()), a.signature())) {
      return;
    }
    a = interner.alive(a);
    long now = scheduler.nowMillis();
    if (m == null) {
      m = new Member(a.id(), a, now);
      members.put(a.id(), m);
      upMembers++;
      // A random position, as SWIM asks; a swap (as memberlist does) costs nothing, an insert n.
      probeOrder.add(m);
      Collections.swap(probeOrder, probeOrder.size() - 1, random.nextInt(probeOrder.size()));
      spread(a, false);
      listener.memberUp(a.id());
      return;
    }
    MemberState before = m.state;
    m.incarnation = a.incarnation();
    m.alive = a;
    m.accusation = null;
    if (m.suspicion != null) {
      m.suspicion.cancel();
      m.suspicion = null;
    }
    if (!before.isUp()) {
      upMembers++;
    }
    if (before == MemberState.DEAD) {
      dead.remove(m);
    }
    m.state = MemberState.ALIVE;
    m.stateSince = now;
    spread(a, !before.isUp());
    if (!before.isUp()) {
      listener.memberUp(a.id());
    }
  }

  private void onSuspect(Update.Suspect s) {
    if (s.id().equals(self)) {
      if (s.incarnation() > incarnation
          && !verified(s.accuser(), Update.Suspect.signedBytes(s.id(), s.incarnation(), s.accuser()), s.signature())) {
        return; // an unsigned claim must not move this member's incarnation
      }
      refute(s.incarnation());
      accusedInPacket = true;
      answerAccuser(s.accuser());
      return;
    }
    Member m = members.get(s.id());
    // Only the announced incarnation can be suspected: a higher one was never announced (forged).
    if (m == null || s.incarnation() != m.incarnation || !m.state.isUp()) {
      return;
    }
    if (m.state == MemberState.SUSPECT) {
      if (m.suspicion != null && !m.suspicion.confirmedByAlready(s.accuser())
          && verified(s.accuser(), Update.Suspect.signedBytes(s.id(), s.incarnation(), s.accuser()), s.signature())) {
        if (m.suspicion.confirm(s.accuser())) {
          spread(s, false);
        }
      }
      return;
    }
    if (!verified(s.accuser(), Update.Suspect.signedBytes(s.id(), s.incarnation(), s.accuser()), s.signature())) {
      return;
    }
    startSuspicion(m, s);
  }

  private void onDead(Update.Dead d) {
    if (d.id().equals(self)) {
      if (!leaving) {
        if (d.incarnation() > incarnation && !verified(d.accuser(),
            Update.Dead.signedBytes(d.id(), d.incarnation(), d.accuser(), d.left()), d.signature())) {
          return; // an unsigned claim must not move this member's incarnation
        }
        refute(d.incarnation());
        accusedInPacket = true;
        answerAccuser(d.accuser());
      }
      return;
    }
    Member m = members.get(d.id());
    if (m == null || d.incarnation() != m.incarnation || !m.state.isUp()) {
      return;
    }
    if (d.left() && !d.accuser().equals(d.id())) {
      stats.rejectedClaims++; // only a member itself can leave
      return;
    }
    if (!verified(d.accuser(), Update.Dead.signedBytes(d.id(), d.incarnation(), d.accuser(), d.left()), d.signature())) {
      return;
    }
    markDown(m, d);
  }

  private void onRecord(Record r) {
    if (r.origin().equals(self)) {
      Record mine = records.get(self).orElse(null);
      if (mine != null && Record.compare(r, mine) > 0 && verified(self, r.signedBytes(), r.signature())) {
        // A record from an earlier life of this member: move the clock past it and republish.
        hlc.observe(r.version());
        if (!leaving && ownPayload != null) {
          publish(ownPayload);
        }
      }
      return;
    }
    RecordStore.Merge result = records.merge(r, authority, scheduler.nowMillis());
    if (result == RecordStore.Merge.NEWER) {
      spread(new Update.RecordUpdate(r), false);
      listener.recordChanged(r);
    } else if (result == RecordStore.Merge.REJECTED) {
      stats.rejectedClaims++;
    }
  }

  private boolean verified(NodeId signer, byte[] message, byte[] signature) {
    if (authority.verify(signer, message, signature)) {
      return true;
    }
    stats.rejectedClaims++;
    return false;
  }

  // ---------------------------------------------------------------- SWIM

  private void announceAlive() {
    selfAlive = new Update.Alive(self, incarnation, authority.sign(Update.Alive.signedBytes(self, incarnation)));
    enqueue(selfAlive);
  }

  private void refute(int accusedIncarnation) {
    if (accusedIncarnation < incarnation) {
      return; // an old accusation, already refuted
    }
    if (accusedIncarnation - incarnation > MAX_INCARNATION_JUMP || accusedIncarnation == Integer.MAX_VALUE) {
      // Never announced by this member, not even in a life it forgot: forged, and outbidding it
      // would push this incarnation towards the end of its range, where it could not refute.
      stats.rejectedClaims++;
      return;
    }
    incarnation = accusedIncarnation + 1;
    announceAlive();
    // Lifeguard: being suspected hints that this member is the slow one.
    health = Math.min(config.awarenessMax(), health + 1);
  }

  /**
   * Sends this member's alive straight to a member that accuses it (a fresh accusation just
   * refuted, or a stale one whose accuser missed the refutation). Gossip alone reaches each
   * member with high probability, but an epidemic of ~λ·log n copies misses one member in a few
   * thousand, and that member's suspicion timer then kills a live member; the accuser, whose
   * timer runs first, must not be the one. At most once per accuser and probe interval.
   */
  private void answerAccuser(NodeId accuser) {
    if (accuser.equals(self) || !running) {
      return;
    }
    if (!accusersAnswered.tryAcquire(accuser, scheduler.nowMillis())) {
      return;
    }
    send(accuser, new Message.Push(false), selfAlive);
  }

  /** This member's own probe failed: accuse, or confirm an accusation others made. */
  private void suspect(Member m) {
    if (!m.state.isUp()) {
      return;
    }
    if (m.state == MemberState.SUSPECT && (m.suspicion == null || m.suspicion.confirmedByAlready(self))) {
      return;
    }
    Update.Suspect s =
        new Update.Suspect(m.id, m.incarnation, self, authority.sign(Update.Suspect.signedBytes(m.id, m.incarnation, self)));
    if (m.state == MemberState.SUSPECT) {
      if (m.suspicion.confirm(self)) {
        enqueue(s);
      }
      return;
    }
    startSuspicion(m, s);
  }

  private void startSuspicion(Member m, Update.Suspect s) {
    m.state = MemberState.SUSPECT;
    m.stateSince = scheduler.nowMillis();
    m.accusation = s;
    armSuspicion(m, s.accuser());
    spread(s, s.accuser().equals(self));
  }

  private void armSuspicion(Member m, NodeId accuser) {
    int n = liveCount();
    int k = Math.max(0, Math.min(config.suspicionConfirmations(), n - 2));
    final int inc = m.incarnation;
    m.suspicion =
        new Suspicion(accuser, k, config.minSuspicionMillis(n), config.maxSuspicionMillis(n), scheduler, () -> suspicionExpired(m, inc));
  }

  private void suspicionExpired(Member m, int inc) {
    if (!running || m.state != MemberState.SUSPECT || m.incarnation != inc) {
      return;
    }
    if (m.suspicion != null && !m.suspicion.confirmedByAlready(self)) {
      finalCheck(m, inc);
      return;
    }
    declareDead(m, inc);
  }

  /**
   * This member only heard of the suspicion and never failed to reach the suspect itself: it
   * pings the suspect (twice, with the accusation, so a live suspect answers with its refutation)
   * before declaring it dead. A member that missed a refutation thus asks instead of killing a
   * live member; a crashed member costs one probe timeout here, and only where the accusers'
   * own timers (which run first) have not already spread its death.
   */
  private void finalCheck(Member m, int inc) {
    int checkSeq = ++seq;
    AckWaiter w = new AckWaiter(() -> {});
    waiting.put(checkSeq, w);
    send(m.id, new Message.Ping(checkSeq, m.id), buddy(m));
    long timeout = config.probeTimeoutMillis() * (health + 1);
    scheduler.schedule(timeout / 2, () -> {
      if (running && !w.acked && m.state == MemberState.SUSPECT && m.incarnation == inc) {
        send(m.id, new Message.Ping(checkSeq, m.id), buddy(m)); // one lost packet must not kill
      }
    });
    scheduler.schedule(timeout, () -> {
      waiting.remove(checkSeq);
      if (!running || m.state != MemberState.SUSPECT || m.incarnation != inc) {
        return; // refuted meanwhile (the ack carried its alive), or declared by others
      }
      if (w.acked) {
        // It answered but its refutation did not come along: wait for it as for a new suspicion.
        armSuspicion(m, ((Update.Suspect) m.accusation).accuser());
      } else {
        declareDead(m, inc);
      }
    });
  }

  private void declareDead(Member m, int inc) {
    Update.Dead d = new Update.Dead(m.id, inc, self, false, authority.sign(Update.Dead.signedBytes(m.id, inc, self, false)));
    markDown(m, d);
  }

  private void markDown(Member m, Update.Dead d) {
    if (m.suspicion != null) {
      m.suspicion.cancel();
      m.suspicion = null;
    }
    if (m.state.isUp()) {
      upMembers--;
    }
    m.state = d.left() ? MemberState.LEFT : MemberState.DEAD;
    if (m.state == MemberState.DEAD) {
      dead.add(m);
    }
    m.stateSince = scheduler.nowMillis();
    m.accusation = d;
    spread(d, d.accuser().equals(self));
    listener.memberDown(m.id, m.state);
  }

  private void probeTick() {
    if (!running) {
      return;
    }
    long period = config.probeIntervalMillis() * (health + 1);
    schedule(Tick.PROBE, period, this::probeTick);
    Member target = nextProbeTarget();
    if (target == null) {
      return;
    }
    int probeSeq = ++seq;
    AckWaiter w = new AckWaiter(() -> {});
    waiting.put(probeSeq, w);
    send(target.id, new Message.Ping(probeSeq, target.id), buddy(target));
    long timeout = config.probeTimeoutMillis() * (health + 1);
    scheduler.schedule(timeout, () -> {
      if (!running || w.acked) {
        return;
      }
      List<Member> helpers = randomMembers(config.indirectChecks(), target.id, false);
      for (Member h : helpers) {
        send(h.id, new Message.PingReq(probeSeq, target.id));
      }
      w.expectedNacks = helpers.size();
    });
    scheduler.schedule(period - 1, () -> {
      waiting.remove(probeSeq);
      if (!running) {
        return;
      }
      if (w.acked) {
        health = Math.max(0, health - 1);
        return;
      }
      // Lifeguard: helpers that did not even nack point at this member's own network or CPU.
      int delta = w.expectedNacks > 0 ? w.expectedNacks - w.nacks : 1;
      health = Math.min(config.awarenessMax(), health + Math.max(0, delta));
      suspect(target);
    });
  }

  /** Lifeguard's buddy system: a ping to a suspect carries the accusation, so it refutes at once. */
  private static Update buddy(Member target) {
    return target.state == MemberState.SUSPECT && target.accusation instanceof Update.Suspect s ? s : null;
  }

  private void indirectProbe(NodeId requester, Message.PingReq req) {
    int mySeq = ++seq;
    AckWaiter w = new AckWaiter(() -> send(requester, new Message.Ack(req.seq())));
    waiting.put(mySeq, w);
    send(req.target(), new Message.Ping(mySeq, req.target()));
    scheduler.schedule(config.probeTimeoutMillis() * 8 / 10, () -> {
      if (!w.acked && running) {
        send(requester, new Message.Nack(req.seq()));
      }
    });
    scheduler.schedule(config.probeTimeoutMillis() * 2, () -> waiting.remove(mySeq));
  }

  private Member nextProbeTarget() {
    for (int tries = 0; tries < probeOrder.size(); tries++) {
      if (probeIndex >= probeOrder.size()) {
        probeIndex = 0;
        Collections.shuffle(probeOrder, new java.util.Random(random.nextLong()));
      }
      Member m = probeOrder.get(probeIndex++);
      if (m.state.isUp()) {
        return m;
      }
    }
    return null;
  }

  // ---------------------------------------------------------------- dissemination

  private void gossipTick() {
    if (!running) {
      return;
    }
    if (!leaving) {
      schedule(Tick.GOSSIP, config.gossipIntervalMillis(), this::gossipTick);
    }
    if (broadcasts.isEmpty()) {
      return;
    }
    for (Member m : randomMembers(config.gossipNodes(), null, true)) {
      send(m.id, new Message.Push(false));
      if (broadcasts.isEmpty()) {
        break;
      }
    }
  }

  private void pushPullTick() {
    if (!running) {
      return;
    }
    schedule(Tick.PUSH_PULL, jitter(config.scaledPushPullMillis(liveCount())), this::pushPullTick);
    List<Member> one = randomMembers(1, null, false);
    if (!one.isEmpty()) {
      sendDigest(one.get(0).id, false);
    }
  }

  /** Contacts a random dead member: if it is back (a healed partition), the exchange revives it. */
  private void reconnectTick() {
    if (!running) {
      return;
    }
    schedule(Tick.RECONNECT, jitter(config.reconnectIntervalMillis()), this::reconnectTick);
    if (!dead.isEmpty()) {
      Member m = dead.get(random.nextInt(dead.size()));
      // Two entries, not the whole digest: most dead members are really gone, and a full digest
      // every interval to each would cost more than the rest of gossip. A member that is back
      // sees itself declared dead, refutes, and answers with its full digest, which revives it.
      sendBare(m.id, new Message.Digest(false, 0, List.of(selfEntry(),
          new Message.DigestEntry(m.id, m.incarnation, m.state, records.version(m.id)))));
      stats.digestsSent++;
    }
  }

  private void collectGarbageTick() {
    if (!running) {
      return;
    }
    schedule(Tick.GARBAGE, config.tombstoneHorizonMillis() / 10, this::collectGarbageTick);
    long now = scheduler.nowMillis();
    Set<Member> gone = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Member m : members.values()) {
      if (!m.state.isUp() && now - m.stateSince >= config.tombstoneHorizonMillis()) {
        gone.add(m);
      }
    }
    if (!gone.isEmpty()) {
      for (Member m : gone) {
        members.remove(m.id);
        records.forget(m.id);
      }
      dead.removeAll(gone);
      probeOrder.removeAll(gone);
    }
    records.collectGarbage(now, config.tombstoneHorizonMillis());
  }

  private void sendDigest(NodeId to, boolean reply) {
    List<Message.DigestEntry> all = new ArrayList<>(members.size() + 1);
    all.add(selfEntry());
    for (Member m : members.values()) {
      all.add(new Message.DigestEntry(m.id, m.incarnation, m.state, records.version(m.id)));
    }
    int perChunk = (config.maxPacketBytes() - Codec.HEADER - 16) / (NodeId.LENGTH + 13 + 1);
    for (int i = 0, chunk = 0; i < all.size(); i += perChunk, chunk++) {
      List<Message.DigestEntry> part = all.subList(i, Math.min(all.size(), i + perChunk));
      sendBare(to, new Message.Digest(reply, chunk, List.copyOf(part)));
      stats.digestsSent++;
    }
  }

  private Message.DigestEntry selfEntry() {
    return new Message.DigestEntry(self, incarnation, leaving ? MemberState.LEFT : MemberState.ALIVE, records.version(self));
  }

  private void onDigest(NodeId from, Message.Digest d) {
    List<NodeId> wanted = new ArrayList<>();
    for (Message.DigestEntry e : d.entries()) {
      if (e.id().equals(self)) {
        if ((e.state() == MemberState.SUSPECT || e.state() == MemberState.DEAD) && !leaving) {
          refute(e.incarnation());
        }
        continue;
      }
      Member m = members.get(e.id());
      boolean newerMember =
          m == null ? e.state().isUp() || e.state() == MemberState.DEAD
              : e.incarnation() > m.incarnation || (e.incarnation() == m.incarnation && e.state().ordinal() > m.state.ordinal());
      if (newerMember || e.recordVersion() > records.version(e.id())) {
        wanted.add(e.id());
      }
    }
    int perFetch = (config.maxPacketBytes() - Codec.HEADER - 16) / NodeId.LENGTH;
    for (int i = 0; i < wanted.size(); i += perFetch) {
      sendBare(from, new Message.Fetch(List.copyOf(wanted.subList(i, Math.min(wanted.size(), i + perFetch)))));
    }
    if (!d.reply() && d.chunk() == 0) {
      sendDigest(from, true);
    }
  }

  /**
   * An authenticated member this one has never heard of talks to it: a join or an alive whose
   * gossip missed this member (epidemics leave a few out at scale). Asking it directly repairs
   * that at once instead of at the next push-pull, minutes away in a large cluster. At most once
   * per sender and probe interval.
   */
  private void learnUnknown(NodeId from) {
    if (!unknownFetched.tryAcquire(from, scheduler.nowMillis())) {
      return;
    }
    sendBare(from, new Message.Fetch(List.of(from)));
  }

  private void onFetch(NodeId from, Message.Fetch f) {
    List<byte[]> updates = new ArrayList<>();
    for (NodeId id : f.ids()) {
      if (id.equals(self)) {
        updates.add(codec.encodeUpdate(selfAlive));
        if (leaving) {
          updates.add(codec.encodeUpdate(new Update.Dead(self, incarnation, self, true,
              authority.sign(Update.Dead.signedBytes(self, incarnation, self, true)))));
        }
      } else {
        Member m = members.get(id);
        if (m != null) {
          updates.add(codec.encodeUpdate(m.alive));
          if (m.accusation != null) {
            updates.add(codec.encodeUpdate(m.accusation));
          }
        }
      }
      records.get(id).ifPresent(r -> updates.add(codec.encodeUpdate(new Update.RecordUpdate(r))));
    }
    byte[] push = codec.encodeMessage(new Message.Push(true));
    int budget = config.maxPacketBytes() - Codec.packetSize(push.length, 0, 0) - 4;
    List<byte[]> batch = new ArrayList<>();
    int used = 0;
    for (byte[] u : updates) {
      if (used + u.length > budget && !batch.isEmpty()) {
        transmit(from, Codec.assemble(self, push, batch));
        batch = new ArrayList<>();
        used = 0;
      }
      batch.add(u);
      used += u.length;
    }
    if (!batch.isEmpty()) {
      transmit(from, Codec.assemble(self, push, batch));
    }
  }

  // ---------------------------------------------------------------- sending

  /** Spreads an update learned from others, unless it is second-hand news from a solicited push. */
  private void spread(Update u, boolean news) {
    if (news || solicitedFrom == null || solicitedFrom.equals(subject(u))) {
      enqueue(u);
    }
  }

  private static NodeId subject(Update u) {
    return switch (u) {
      case Update.Alive a -> a.id();
      case Update.Suspect x -> x.id();
      case Update.Dead d -> d.id();
      case Update.RecordUpdate r -> r.record().origin();
    };
  }

  private void enqueue(Update u) {
    switch (u) {
      case Update.Alive a -> stats.alivesQueued++;
      case Update.Suspect x -> stats.suspectsQueued++;
      case Update.Dead d -> stats.deadsQueued++;
      case Update.RecordUpdate r -> stats.recordsQueued++;
    }
    broadcasts.add(u, codec.encodeUpdate(u));
  }

  private void send(NodeId to, Message message) {
    send(to, message, null);
  }

  /**
   * Sends {@code message} with {@code first} (when not null) and as many pending updates as fit
   * the datagram budget.
   */
  private void send(NodeId to, Message message, Update first) {
    byte[] msg = codec.encodeMessage(message);
    List<byte[]> updates = new ArrayList<>();
    int budget = config.maxPacketBytes() - Codec.packetSize(msg.length, 0, 0) - 4;
    if (first != null) {
      byte[] b = codec.encodeUpdate(first);
      updates.add(b);
      budget -= b.length;
    }
    updates.addAll(broadcasts.fill(budget, config.retransmitLimit(liveCount())));
    transmit(to, Codec.assemble(self, msg, updates));
  }

  private void sendBare(NodeId to, Message message) {
    transmit(to, Codec.assemble(self, codec.encodeMessage(message), List.of()));
  }

  private void transmit(NodeId to, byte[] datagram) {
    stats.packetsSent++;
    stats.bytesSent += datagram.length;
    transport.send(to, datagram);
  }

  // ---------------------------------------------------------------- helpers

  /**
   * Up to {@code n} random members other than {@code except}: those up, plus (when {@code
   * includeRecentlyDead}) those dead for less than gossip-to-the-dead time.
   */
  private List<Member> randomMembers(int n, NodeId except, boolean includeRecentlyDead) {
    // Sampling with bounded retries instead of a scan: this runs several times a second.
    List<Member> out = new ArrayList<>(n);
    int size = probeOrder.size();
    long now = scheduler.nowMillis();
    for (int tries = 0; out.size() < n && tries < 4 * n + 8 && size > 0; tries++) {
      Member m = probeOrder.get(random.nextInt(size));
      if (m.id.equals(except) || out.contains(m)) {
        continue;
      }
      if (m.state.isUp() || (includeRecentlyDead && m.state == MemberState.DEAD && now - m.stateSince < config.gossipToTheDeadMillis())) {
        out.add(m);
      }
    }
    return out;
  }

  private void schedule(Tick tick, long delay, Runnable task) {
    ticks[tick.ordinal()] = scheduler.schedule(delay, task);
  }

  private long jitter(long base) {
    return base / 2 + random.nextLong(Math.max(1, base));
  }
}
