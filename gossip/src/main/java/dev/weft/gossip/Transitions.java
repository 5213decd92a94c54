package dev.weft.gossip;

import java.util.List;

/**
 * Member state transitions, driven by claims from the network and by this member's own probes:
 * alive, suspect (with Lifeguard's shrinking timeout and a final check for second-hand
 * suspicions), dead, left; and records merged into the store. A claim is verified only when it
 * would change state, so floods of repeated claims cost no signature checks.
 */
final class Transitions {
  private final GossipConfig config;
  private final Scheduler scheduler;
  private final MemberAuthority authority;
  private final GossipListener listener;
  private final ClaimInterner interner;
  private final LocalMember local;
  private final MemberTable table;
  private final RecordStore records;
  private final Dissemination out;
  private final AntiEntropy antiEntropy;
  private final Prober prober;
  private final Identities identities;
  private final Revocations revocations;
  private final HighWaterMarks marks;
  private final LargeRecords largeRecords;
  private final GossipStats stats;
  /** Forgotten members sent their own last alive (see {@link #onAlive}). */
  private final PerMemberThrottle forgottenAnswered;

  Transitions(GossipConfig config, Scheduler scheduler, MemberAuthority authority, GossipListener listener,
      ClaimInterner interner, LocalMember local, MemberTable table, RecordStore records, Dissemination out,
      AntiEntropy antiEntropy, Prober prober, Identities identities, Revocations revocations, HighWaterMarks marks,
      LargeRecords largeRecords, GossipStats stats) {
    this.config = config;
    this.scheduler = scheduler;
    this.authority = authority;
    this.listener = listener;
    this.interner = interner;
    this.local = local;
    this.table = table;
    this.records = records;
    this.out = out;
    this.antiEntropy = antiEntropy;
    this.prober = prober;
    this.identities = identities;
    this.revocations = revocations;
    this.marks = marks;
    this.largeRecords = largeRecords;
    this.stats = stats;
    this.forgottenAnswered = new PerMemberThrottle(config.probeIntervalMillis());
  }

  /**
   * Applies one update from a packet (or held until its signer's certificate came); returns
   * whether it accused this member. A claim whose signer's certificate is unknown is held and the
   * certificate fetched: nothing unverified changes state.
   */
  boolean apply(Update u, Inbound in) {
    if (!identities.canVerify(u)) {
      identities.hold(u, in);
      return false;
    }
    return switch (u) {
      case Update.Alive a -> {
        onAlive(a, in);
        yield false;
      }
      case Update.Suspect s -> onSuspect(s, in);
      case Update.Dead d -> onDead(d, in);
      case Update.RecordUpdate r -> {
        onRecord(r.record(), in);
        yield false;
      }
      case Update.Revocation r -> {
        onRevocation(r, in);
        yield false;
      }
      case Update.RecordNotice n -> {
        if (in != null && !n.origin().equals(local.id)) {
          largeRecords.onNotice(in.from(), n);
        }
        yield false;
      }
    };
  }

  private void onAlive(Update.Alive a, Inbound in) {
    if (a.id().equals(local.id)) {
      if (a.incarnation() > local.incarnation() && verified(local.id, Update.Alive.signedBytes(local.id, a.incarnation()), a.signature())) {
        local.adoptEarlierLife(a.incarnation());
      }
      return;
    }
    Member m = table.get(a.id());
    if (m != null && a.incarnation() <= m.incarnation()) {
      return;
    }
    if (!verified(a.id(), Update.Alive.signedBytes(a.id(), a.incarnation()), a.signature())) {
      return;
    }
    if (m == null && marks.refusesAlive(a.id(), a.incarnation())) {
      // A replay of a forgotten member's old claim, or the member itself back from a life whose
      // state it lost: show it its last alive and that this member holds it dead there, which it
      // outbids (adopting the alive, or refuting the death).
      stats.rejectedClaims++;
      if (in != null && in.from().equals(a.id()) && forgottenAnswered.tryAcquire(a.id(), scheduler.nowMillis())) {
        Update.Alive last = marks.get(a.id()).alive();
        long inc = last.incarnation();
        Update.Dead dead = new Update.Dead(a.id(), inc, local.id, false, authority.sign(Update.Dead.signedBytes(a.id(), inc, local.id, false)));
        out.sendSolicited(a.id(), List.of(out.encode(last), out.encode(dead)));
      }
      return;
    }
    a = interner.alive(a);
    long now = scheduler.nowMillis();
    if (m == null) {
      table.add(new Member(a.id(), a, now));
      out.spread(a, false, in);
      listener.memberUp(a.id());
      return;
    }
    boolean wasUp = m.state.isUp();
    m.alive = a;
    m.accusation = null;
    m.cancelSuspicion();
    table.setState(m, MemberState.ALIVE, now);
    out.spread(a, !wasUp, in);
    if (!wasUp) {
      listener.memberUp(a.id());
    }
  }

  /**
   * A member this one holds alive from before it started (a cluster started formed,
   * {@link Gossip#startFormed}): in the table as a verified alive leaves it, and not spread (the
   * cluster's gossip of it has long retired). {@code a} is verified and shared ({@link #shared}).
   */
  void holdFormed(Update.Alive a) {
    table.add(new Member(a.id(), a, scheduler.nowMillis()));
    listener.memberUp(a.id());
  }

  /** Makes room in the member table for a formed start's {@code members}. */
  void reserve(int members) {
    table.reserve(members);
  }

  /** The one copy of a verified claim that all members of this process hold. */
  Update.Alive shared(Update.Alive verified) {
    return interner.alive(verified);
  }

  private boolean onSuspect(Update.Suspect s, Inbound in) {
    if (s.id().equals(local.id)) {
      return accusedSelf(s.incarnation(), s.accuser(), Update.Suspect.signedBytes(s.id(), s.incarnation(), s.accuser()),
          s.signature(), in);
    }
    Member m = table.get(s.id());
    // Only the announced incarnation can be suspected: a higher one was never announced (forged).
    if (m == null || s.incarnation() != m.incarnation() || !m.state.isUp()) {
      return false;
    }
    if (m.state == MemberState.SUSPECT) {
      if (m.suspicion != null && !m.suspicion.confirmedByAlready(s.accuser())
          && verified(s.accuser(), Update.Suspect.signedBytes(s.id(), s.incarnation(), s.accuser()), s.signature())) {
        if (m.suspicion.confirm(s.accuser())) {
          passOn(m, s, in);
        }
      }
      return false;
    }
    if (!verified(s.accuser(), Update.Suspect.signedBytes(s.id(), s.incarnation(), s.accuser()), s.signature())) {
      return false;
    }
    startSuspicion(m, s, in);
    return false;
  }

  private boolean onDead(Update.Dead d, Inbound in) {
    if (d.id().equals(local.id)) {
      if (local.leaving()) {
        return false;
      }
      return accusedSelf(d.incarnation(), d.accuser(), Update.Dead.signedBytes(d.id(), d.incarnation(), d.accuser(), d.left()),
          d.signature(), in);
    }
    Member m = table.get(d.id());
    if (m == null || d.incarnation() != m.incarnation() || !m.state.isUp()) {
      return false;
    }
    if (d.left() && !d.accuser().equals(d.id())) {
      stats.rejectedClaims++; // only a member itself can leave
      return false;
    }
    if (!verified(d.accuser(), Update.Dead.signedBytes(d.id(), d.incarnation(), d.accuser(), d.left()), d.signature())) {
      return false;
    }
    markDown(m, d, in);
    return false;
  }

  /**
   * An accusation of this member: a verified one of its current incarnation is refuted; an older
   * one is answered (its accuser missed the refutation); a higher one was never announced in this
   * life, so at most it shows that this member lost the state of an earlier one, which it then
   * asks the sender for (its own signed alive). Returns whether the sender should hear this
   * member's alive.
   */
  private boolean accusedSelf(long accused, NodeId accuser, byte[] signed, byte[] signature, Inbound in) {
    if (accused > local.incarnation()) {
      stats.rejectedClaims++;
      if (in != null) {
        antiEntropy.fetchOwnState(in.from());
      }
      return false;
    }
    if (accused == local.incarnation()) {
      if (!verified(accuser, signed, signature)) {
        return false;
      }
      local.refute(accused);
    }
    local.answerAccuser(accuser);
    return true;
  }

  private void onRecord(Record r, Inbound in) {
    if (r.origin().equals(local.id)) {
      Record mine = records.get(local.id).orElse(null);
      if (mine != null && Record.compare(r, mine) > 0 && verified(local.id, r.signedBytes(), r.signature())) {
        // A record from an earlier life of this member: move the clock past it and republish.
        local.observeRecordVersion(r.version());
        if (!local.leaving() && local.payload() != null) {
          publishOwn(local.payload());
        }
      }
      return;
    }
    if (marks.refusesRecord(r.origin(), r.version())) {
      stats.rejectedClaims++; // a replay of a forgotten member's record
      return;
    }
    RecordStore.Merge result = records.merge(r, authority, scheduler.nowMillis());
    if (result == RecordStore.Merge.NEWER) {
      out.spread(new Update.RecordUpdate(r), false, in);
      listener.recordChanged(r);
    } else if (result == RecordStore.Merge.REJECTED) {
      stats.rejectedClaims++;
    }
  }

  /**
   * A CA-signed revocation: when it verifies and is new, the revoked member is removed and its
   * claims are never verified again; the revocation spreads. Returns whether it was new.
   */
  boolean onRevocation(Update.Revocation r, Inbound in) {
    NodeId revoked = revocations.accept(r.bytes());
    if (revoked == null) {
      if (!revocations.contains(r.bytes())) {
        stats.rejectedClaims++;
      }
      return false;
    }
    out.spread(r, true, in);
    identities.release(revoked);
    Member m = table.get(revoked);
    if (m != null) {
      m.cancelSuspicion();
      table.remove(m);
    }
    records.forget(revoked);
    listener.memberRevoked(revoked);
    return true;
  }

  /**
   * Ends a member's membership here as a revocation does, but spreads nothing: its certificate
   * stopped verifying locally (the trusted CAs changed), which is this member's decision alone.
   */
  void drop(NodeId id) {
    identities.release(id);
    Member m = table.get(id);
    if (m != null) {
      m.cancelSuspicion();
      table.remove(m);
    }
    records.forget(id);
    listener.memberDistrusted(id);
  }

  /** Signs, stores and spreads a new record of this member's. */
  void publishOwn(byte[] payload) {
    long version = local.nextRecordVersion(scheduler.wallMillis());
    Record r = Record.signed(local.id, version, false, payload, authority);
    records.putOwn(r, scheduler.nowMillis());
    out.enqueue(new Update.RecordUpdate(r));
  }

  /** Signs, stores and spreads this member's tombstone. */
  void publishTombstone() {
    long version = local.nextRecordVersion(scheduler.wallMillis());
    Record tomb = Record.signed(local.id, version, true, new byte[0], authority);
    records.putOwn(tomb, scheduler.nowMillis());
    out.enqueue(new Update.RecordUpdate(tomb));
  }

  private boolean verified(NodeId signer, byte[] message, byte[] signature) {
    if (authority.verify(signer, message, signature)) {
      return true;
    }
    stats.rejectedClaims++;
    return false;
  }

  /** This member's own probe failed: accuse, or confirm an accusation others made. */
  void suspect(Member m) {
    if (!m.state.isUp()) {
      return;
    }
    if (m.state == MemberState.SUSPECT && (m.suspicion == null || m.suspicion.confirmedByAlready(local.id))) {
      return;
    }
    Update.Suspect s =
        new Update.Suspect(m.id, m.incarnation(), local.id, authority.sign(Update.Suspect.signedBytes(m.id, m.incarnation(), local.id)));
    if (m.state == MemberState.SUSPECT) {
      if (m.suspicion.confirm(local.id)) {
        out.enqueue(s);
      }
      return;
    }
    table.setState(m, MemberState.SUSPECT, scheduler.nowMillis());
    m.accusation = s;
    armSuspicion(m, s.accuser());
    holdAccusation(m, s);
  }

  /**
   * A suspicion of this member's own is checked again before anyone else hears of it: three more
   * pings within a probe timeout ({@link Prober#RECHECK_PINGS}), without the accusation. A live
   * member's ack withdraws it, with nothing spread and no incarnation moved; only an accusation
   * left unanswered is broadcast. The timer runs from now, so a real crash is declared no later.
   * Showing the suspect the accusation
   * instead (as this did before) made it refute, and every refutation is an alive that every
   * member passes on λ·log n times: at 3,000 members and 10 % loss about four a second, 5 KB/s
   * per member, to end suspicions nobody else had heard of.
   */
  private void holdAccusation(Member m, Update.Suspect s) {
    long wait = config.probeTimeoutMillis();
    prober.recheck(m, wait, () -> {
      if (!local.running() || m.accusation != s || m.state != MemberState.SUSPECT) {
        return;
      }
      if (m.suspicion != null && m.suspicion.confirmations() == 0) {
        stats.suspicionsWithdrawn++;
        m.cancelSuspicion();
        m.accusation = null;
        table.setState(m, MemberState.ALIVE, scheduler.nowMillis());
      } else {
        out.send(m.id, new Message.Push(false), s); // others accuse it too: only its refutation ends that
      }
    });
    scheduler.schedule(wait, () -> {
      if (local.running() && m.accusation == s && m.state == MemberState.SUSPECT) {
        out.enqueue(s);
      }
    });
  }

  private void startSuspicion(Member m, Update.Suspect s, Inbound in) {
    table.setState(m, MemberState.SUSPECT, scheduler.nowMillis());
    m.accusation = s;
    armSuspicion(m, s.accuser());
    passOn(m, s, in);
  }

  /**
   * Spreads another member's accusation of {@code m}, unless this member heard from {@code m}
   * itself within the last probe interval: then it shows {@code m} the accusation instead (so it
   * refutes at once) and does not forward it. A member that reaches the suspect is evidence
   * against the accusation, and every copy it forwards makes others run timers and final checks
   * for a live member. A crash is not slowed: an accusation starts at least a probe interval
   * after the suspect last answered its accuser (its probe, then the recheck), so by the time it
   * arrives nobody has heard from a crashed member within the window. Its own timer still runs.
   */
  private void passOn(Member m, Update.Suspect s, Inbound in) {
    if (!s.accuser().equals(local.id) && m.heardAt >= 0 && scheduler.nowMillis() - m.heardAt <= config.probeIntervalMillis()) {
      stats.suspicionsNotForwarded++;
      out.send(m.id, new Message.Push(false), s);
      return;
    }
    out.spread(s, s.accuser().equals(local.id), in);
  }

  private void armSuspicion(Member m, NodeId accuser) {
    int n = out.liveCount();
    int k = Math.max(0, Math.min(config.suspicionConfirmations(), n - 2));
    final long inc = m.incarnation();
    m.suspicion = new Suspicion(accuser, k, config.minSuspicionMillis(n), config.maxSuspicionMillis(n), scheduler,
        () -> suspicionExpired(m, inc));
  }

  private void suspicionExpired(Member m, long inc) {
    if (!local.running() || m.state != MemberState.SUSPECT || m.incarnation() != inc) {
      return;
    }
    if (m.suspicion != null && !m.suspicion.confirmedByAlready(local.id)) {
      // This member only heard of the suspicion and never failed to reach the suspect itself: it
      // asks before declaring a death, so a member that missed a refutation does not kill a live
      // member. Accusers and confirmers, whose timers run first, declare at once.
      prober.finalCheck(m, inc, result -> {
        switch (result) {
          // It answered but its refutation did not come along: wait for it as for a new suspicion.
          case ANSWERED -> armSuspicion(m, ((Update.Suspect) m.accusation).accuser());
          case SILENT -> declareDead(m, inc);
          case MOOT -> {}
        }
      });
      return;
    }
    declareDead(m, inc);
  }

  private void declareDead(Member m, long inc) {
    Update.Dead d = new Update.Dead(m.id, inc, local.id, false, authority.sign(Update.Dead.signedBytes(m.id, inc, local.id, false)));
    markDown(m, d, null);
  }

  private void markDown(Member m, Update.Dead d, Inbound in) {
    m.cancelSuspicion();
    table.setState(m, d.left() ? MemberState.LEFT : MemberState.DEAD, scheduler.nowMillis());
    m.accusation = d;
    out.spread(d, d.accuser().equals(local.id), in);
    listener.memberDown(m.id, m.state);
  }
}
