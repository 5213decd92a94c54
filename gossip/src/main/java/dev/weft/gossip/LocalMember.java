package dev.weft.gossip;

/**
 * This member itself: its lifecycle, its incarnation and signed alive, its record, and refutation
 * of accusations against it.
 *
 * <p>The incarnation moves by one, and only on a verified accusation of the current incarnation
 * or on this member's own signed alive from an earlier life. Accusations of a higher incarnation
 * (which this life never announced) and unsigned digest entries never move it: a hostile member
 * could otherwise walk it to the end of its range, where it can no longer refute.
 */
final class LocalMember {
  final NodeId id;
  private final MemberAuthority authority;
  private final Dissemination out;
  private final Awareness awareness;
  private final GossipStats stats;
  private final Scheduler scheduler;
  /** Accusers sent this member's alive (see {@link #answerAccuser}). */
  private final PerMemberThrottle accusersAnswered;
  private final Hlc hlc = new Hlc();
  private long incarnation;
  private Update.Alive alive;
  private byte[] payload;
  private boolean running;
  private boolean leaving;

  LocalMember(NodeId id, GossipConfig config, Scheduler scheduler, MemberAuthority authority, Dissemination out,
      Awareness awareness, GossipStats stats) {
    this.id = id;
    this.scheduler = scheduler;
    this.accusersAnswered = new PerMemberThrottle(config.probeIntervalMillis());
    this.authority = authority;
    this.out = out;
    this.awareness = awareness;
    this.stats = stats;
  }

  boolean running() {
    return running;
  }

  boolean leaving() {
    return leaving;
  }

  long incarnation() {
    return incarnation;
  }

  /** This member's signed alive at its current incarnation. */
  Update.Alive alive() {
    return alive;
  }

  MemberState state() {
    return leaving ? MemberState.LEFT : MemberState.ALIVE;
  }

  /** Starts a life at {@code incarnation} and announces it. */
  void start(long incarnation) {
    running = true;
    leaving = false;
    this.incarnation = incarnation;
    announce();
  }

  /**
   * Starts a life at {@code incarnation} whose alive every other member already holds (a cluster
   * started formed, {@link Gossip#startFormed}): signed, and not announced again.
   */
  void startAnnounced(long incarnation) {
    running = true;
    leaving = false;
    this.incarnation = incarnation;
    alive = new Update.Alive(id, incarnation, authority.sign(Update.Alive.signedBytes(id, incarnation)));
  }

  void stop() {
    running = false;
  }

  void announce() {
    alive = new Update.Alive(id, incarnation, authority.sign(Update.Alive.signedBytes(id, incarnation)));
    out.enqueue(alive);
  }

  /**
   * Another member showed this member's own signed alive from an earlier life (whose state it
   * lost): outbid it by one, so that members that forgot that life but keep its high-water mark
   * take the new one.
   */
  void adoptEarlierLife(long announced) {
    if (announced >= incarnation && announced < Long.MAX_VALUE) {
      incarnation = announced + 1;
      announce();
    }
  }

  /**
   * Refutes a verified accusation of this member's current incarnation; returns false (and
   * changes nothing) for any other.
   */
  boolean refute(long accused) {
    if (accused != incarnation || incarnation == Long.MAX_VALUE) {
      return false;
    }
    incarnation++;
    announce();
    // Lifeguard: being suspected hints that this member is the slow one.
    awareness.apply(1);
    return true;
  }

  /**
   * Sends this member's alive straight to a member that accuses it (a fresh accusation just
   * refuted, or a stale one whose accuser missed the refutation). Gossip alone reaches each
   * member with high probability, but an epidemic of ~λ·log n copies misses one member in a few
   * thousand, and that member's suspicion timer then kills a live member; the accuser, whose
   * timer runs first, must not be the one. At most once per accuser and probe interval.
   */
  void answerAccuser(NodeId accuser) {
    if (accuser.equals(id) || !running) {
      return;
    }
    if (accusersAnswered.tryAcquire(accuser, scheduler.nowMillis())) {
      out.send(accuser, new Message.Push(false), alive);
    }
  }

  /** The signed leave of this member at its current incarnation. */
  Update.Dead leaveClaim() {
    return new Update.Dead(id, incarnation, id, true, authority.sign(Update.Dead.signedBytes(id, incarnation, id, true)));
  }

  void beginLeaving() {
    leaving = true;
  }

  /** This member's record payload, or null before the first {@link #setPayload}. */
  byte[] payload() {
    return payload;
  }

  void setPayload(byte[] payload) {
    this.payload = payload.clone();
  }

  /** The next version for a record of this member's. */
  long nextRecordVersion(long wallMillis) {
    return hlc.tick(wallMillis);
  }

  /** A record of this member's from an earlier life: later versions must exceed it. */
  void observeRecordVersion(long version) {
    hlc.observe(version);
  }
}
