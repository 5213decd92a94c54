package dev.weft.gossip;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * SWIM's failure detector: one probe per interval (ping, then ping-req through k members), the
 * indirect probes this member does for others, and the final check before a second-hand
 * suspicion ends in a death. Lifeguard: probe periods stretch with {@link Awareness}, helpers
 * nack, and a probe of a suspect carries the accusation (the buddy system).
 */
final class Prober {
  /** A probe or an indirect probe waiting for its ack. */
  private static final class AckWaiter {
    final NodeId target;
    final Runnable onAck;
    boolean acked;
    int nacks;
    int expectedNacks;

    AckWaiter(NodeId target, Runnable onAck) {
      this.target = target;
      this.onAck = onAck;
    }
  }

  /**
   * Slots of {@link #helperTargets}: a fixed table, so memory does not grow with the cluster (a
   * simulator holds one per member); two targets in one slot only make one of them forget.
   */
  static final int HELPER_SLOTS = 1024;

  private final GossipConfig config;
  private final Scheduler scheduler;
  private final LocalMember local;
  private final MemberTable table;
  private final Dissemination out;
  private final Awareness awareness;
  private final Ticker ticker;
  private final Consumer<Member> onProbeFailed;
  /**
   * Pings of a recheck. Each exchange is lost with 1 − (1 − loss)², 19 % at 10 % loss, and every
   * suspicion a recheck does not end costs every member a suspicion and a refutation to pass on:
   * with two pings 3.6 % of the suspicions that start were spread (about one every two seconds at
   * 10,000 members and 10 % loss, most of that cluster's traffic), with three 0.7 %. A crashed
   * member costs one more ping, and its death comes no later (the accuser's timer runs from the
   * failed probe).
   */
  static final int RECHECK_PINGS = 3;

  private final Map<Integer, AckWaiter> waiting = new HashMap<>();
  /**
   * The helper whose indirect probe of a target was last acked, by slot of the target. When the
   * target sits behind a NAT that admits only members it sent to lately (a symmetric NAT: the
   * prober behind another one never reaches it directly), few members reach it, and three helpers
   * chosen at random all miss them often enough to start suspicions the target must refute over and
   * over (17 % of probes with 4 of 10 able). The helper that got through last time is asked again,
   * beside random ones, so one ack teaches the prober a way there.
   */
  private final NodeId[] helperTargets = new NodeId[HELPER_SLOTS];
  private final NodeId[] helpersThatAnswered = new NodeId[HELPER_SLOTS];
  /**
   * The helper whose indirect probe of any target was last acked: asked for a target that has no
   * helper of its own yet (the members that reach others behind NATs are mostly the same few).
   */
  private NodeId lastHelperThatAnswered;
  private int seq;

  Prober(GossipConfig config, Scheduler scheduler, LocalMember local, MemberTable table, Dissemination out,
      Awareness awareness, Ticker ticker, Consumer<Member> onProbeFailed) {
    this.config = config;
    this.scheduler = scheduler;
    this.local = local;
    this.table = table;
    this.out = out;
    this.awareness = awareness;
    this.ticker = ticker;
    this.onProbeFailed = onProbeFailed;
  }

  void stop() {
    waiting.clear();
  }

  void probeTick() {
    if (!local.running()) {
      return;
    }
    long period = awareness.scale(config.probeIntervalMillis());
    ticker.schedule(Ticker.Tick.PROBE, period, this::probeTick);
    Member target = table.nextProbeTarget();
    if (target == null) {
      return;
    }
    int probeSeq = ++seq;
    AckWaiter w = new AckWaiter(target.id, () -> {});
    waiting.put(probeSeq, w);
    out.send(target.id, new Message.Ping(probeSeq, target.id), buddy(target));
    scheduler.schedule(awareness.scale(config.probeTimeoutMillis()), () -> {
      if (!local.running() || w.acked) {
        return;
      }
      List<Member> helpers = table.random(config.indirectChecks(), target.id, scheduler.nowMillis(), 0);
      Member answered = helperThatAnswered(target.id);
      if (answered != null && !helpers.contains(answered)) {
        if (!helpers.isEmpty() && helpers.size() >= config.indirectChecks()) {
          helpers.set(helpers.size() - 1, answered);
        } else {
          helpers.add(answered);
        }
      }
      for (Member h : helpers) {
        out.send(h.id, new Message.PingReq(probeSeq, target.id));
      }
      // A second direct ping alongside the indirect ones (memberlist's TCP fallback ping plays
      // this part): a lost ping or ack is the common case at 10 % loss, and every suspicion that
      // starts costs the whole cluster a suspicion and a refutation to spread.
      out.sendBare(target.id, new Message.Ping(probeSeq, target.id));
      w.expectedNacks = helpers.size();
    });
    scheduler.schedule(period - 1, () -> {
      waiting.remove(probeSeq);
      if (!local.running()) {
        return;
      }
      if (w.acked) {
        awareness.apply(-1);
        return;
      }
      // Lifeguard: helpers that did not even nack point at this member's own network or CPU.
      int delta = w.expectedNacks > 0 ? w.expectedNacks - w.nacks : 1;
      awareness.apply(Math.max(0, delta));
      onProbeFailed.accept(target);
    });
  }

  /** Lifeguard's buddy system: a ping to a suspect carries the accusation, so it refutes at once. */
  static Update buddy(Member target) {
    return target.state == MemberState.SUSPECT && target.accusation instanceof Update.Suspect s ? s : null;
  }

  /** Another member asks this one to ping {@code req.target()} for it. */
  void indirectProbe(NodeId requester, Message.PingReq req) {
    int mySeq = ++seq;
    AckWaiter w = new AckWaiter(req.target(), () -> out.send(requester, new Message.Ack(req.seq())));
    waiting.put(mySeq, w);
    out.send(req.target(), new Message.Ping(mySeq, req.target()));
    scheduler.schedule(config.probeTimeoutMillis() * 8 / 10, () -> {
      if (!w.acked && local.running()) {
        out.send(requester, new Message.Nack(req.seq()));
      }
    });
    scheduler.schedule(config.probeTimeoutMillis() * 2, () -> waiting.remove(mySeq));
  }

  /** An ack from {@code from}: the target itself, or a helper that reached it for us. */
  void onAck(NodeId from, Message.Ack ack) {
    AckWaiter w = waiting.get(ack.seq());
    if (w != null && !w.acked) {
      w.acked = true;
      if (!from.equals(w.target)) {
        int slot = slot(w.target);
        helperTargets[slot] = w.target;
        helpersThatAnswered[slot] = from;
        lastHelperThatAnswered = from;
      }
      w.onAck.run();
    }
  }

  /**
   * The member whose indirect probe of {@code target} was last acked, else the one whose probe of
   * any target was; null when that one is down or is the target.
   */
  private Member helperThatAnswered(NodeId target) {
    int slot = slot(target);
    NodeId id = target.equals(helperTargets[slot]) ? helpersThatAnswered[slot] : lastHelperThatAnswered;
    Member m = id == null || id.equals(target) ? null : table.get(id);
    return m != null && m.state.isUp() ? m : null;
  }

  private static int slot(NodeId id) {
    int h = id.hashCode();
    return (h ^ h >>> 16) & (HELPER_SLOTS - 1);
  }

  void onNack(Message.Nack nack) {
    AckWaiter w = waiting.get(nack.seq());
    if (w != null) {
      w.nacks++;
    }
  }

  /**
   * Pings {@code m} {@link #RECHECK_PINGS} times, evenly spread over {@code withinMillis} from now,
   * carrying nothing about it (the accusation this member holds back stays back), and runs
   * {@code onAck} at the first ack that comes within {@code withinMillis}.
   */
  void recheck(Member m, long withinMillis, Runnable onAck) {
    int checkSeq = ++seq;
    AckWaiter w = new AckWaiter(m.id, onAck);
    waiting.put(checkSeq, w);
    out.send(m.id, new Message.Ping(checkSeq, m.id), null);
    for (int i = 1; i < RECHECK_PINGS; i++) {
      scheduler.schedule(withinMillis * i / RECHECK_PINGS, () -> {
        if (local.running() && !w.acked) {
          out.send(m.id, new Message.Ping(checkSeq, m.id), null);
        }
      });
    }
    scheduler.schedule(withinMillis, () -> waiting.remove(checkSeq));
  }

  /** What a final check found. */
  enum CheckResult {
    /** It answered; its refutation may still be on its way. */
    ANSWERED,
    /** No answer within the probe timeout. */
    SILENT,
    /** The suspicion ended meanwhile (refuted, or declared by others). */
    MOOT
  }

  /**
   * Pings a suspect twice (with the accusation, so a live suspect answers with its refutation)
   * and reports whether it answered while still suspect at {@code inc}.
   */
  void finalCheck(Member m, long inc, Consumer<CheckResult> result) {
    int checkSeq = ++seq;
    AckWaiter w = new AckWaiter(m.id, () -> {});
    waiting.put(checkSeq, w);
    out.send(m.id, new Message.Ping(checkSeq, m.id), buddy(m));
    long timeout = awareness.scale(config.probeTimeoutMillis());
    scheduler.schedule(timeout / 2, () -> {
      if (local.running() && !w.acked && m.state == MemberState.SUSPECT && m.incarnation() == inc) {
        out.send(m.id, new Message.Ping(checkSeq, m.id), buddy(m)); // one lost packet must not kill
      }
    });
    scheduler.schedule(timeout, () -> {
      waiting.remove(checkSeq);
      if (!local.running() || m.state != MemberState.SUSPECT || m.incarnation() != inc) {
        result.accept(CheckResult.MOOT);
      } else {
        result.accept(w.acked ? CheckResult.ANSWERED : CheckResult.SILENT);
      }
    });
  }
}
