package dev.weft.lighthouse.punching;

import dev.weft.dataplane.udp.SpareSockets;
import dev.weft.gossip.NodeId;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * Birthday probing: how a member behind an endpoint-independent NAT ("easy") and one behind an
 * endpoint-dependent NAT ("hard", a new public port per destination) still end on a direct path.
 *
 * <p>The hard side opens {@value #SPARES} spare sockets and sends an opener from each to the easy
 * side's public address, so its NAT holds that many mappings that will let the easy side in. The
 * easy side, from its one socket, sends sealed probes to random ports of the hard side's public
 * address, {@value #PROBES_PER_SECOND} a second at most (each probe costs both NATs a table entry)
 * and {@value #MAX_PROBES} in all: with 256 mappings among ~64,500 ports, 1,024 probes miss them
 * all e^(−1024·256/64512) ≈ 1.7 % of the time and 2,048 probes 0.03 %. The spray stops at the first
 * hit, so the second thousand goes out only after the first missed, when the pair would otherwise
 * stay relayed until the next attempt 30 s later; it ends about 21 s after the spares opened,
 * within their 30 s and the openers' last refresh at 14 s. A probe that hits arrives on one of the spares; its ping authenticates, and
 * the hard side pins that spare to the easy side's address ({@link #authenticated}), so the session
 * and its control messages go that way from then on. Two hard sides are left to a relay: their odds
 * are hopeless.
 *
 * <p>At most {@value #MAX_ROUNDS} rounds of spares at once, one per peer (each is 256
 * descriptors); gossip thread only.
 */
public final class Birthday {
  static final int SPARES = 256;
  static final int MAX_ROUNDS = 3;
  static final int MAX_PROBES = 2_048;
  static final int PROBES_PER_SECOND = 100;
  static final long SPARES_OPEN_NANOS = 30_000_000_000L;
  static final long SPRAY_DELAY_NANOS = 500_000_000L;
  private static final long[] OPENER_RESEND_NANOS = {0, 2_000_000_000L, 6_000_000_000L, 14_000_000_000L};
  private static final int LOWEST_PORT = 1_024;

  /** What birthday probing needs of the node. */
  public interface Sockets {
    /** Opens spare sockets, or throws IllegalStateException. */
    SpareSockets open(int count);

    /** Datagrams to {@code address} leave from the main socket again. */
    void unpin(InetSocketAddress address);

    /** A sealed ping to {@code peer} at {@code address} whose pong nobody waits for. */
    void probe(NodeId peer, InetSocketAddress address);
  }

  private final Sockets sockets;
  private final LongSupplier nanoClock;
  private final SplittableRandom random;
  /** The hard side's rounds of spares, per peer. */
  private final Map<NodeId, Round> rounds = new HashMap<>();
  /** The easy side's sprays, per peer. */
  private final Map<NodeId, Spray> sprays = new HashMap<>();
  /** Addresses a spare was pinned to, per peer. */
  private final Map<NodeId, InetSocketAddress> pinned = new HashMap<>();
  private long probesSent;
  private long hits;

  private static final class Round {
    final SpareSockets spares;
    final long opened;
    List<InetSocketAddress> targets;
    int openersSent;

    Round(SpareSockets spares, List<InetSocketAddress> targets, long opened) {
      this.spares = spares;
      this.targets = targets;
      this.opened = opened;
    }
  }

  private static final class Spray {
    final InetAddress target;
    final long start;
    final BitSet tried = new BitSet(65_536);
    int sent;

    Spray(InetAddress target, long start) {
      this.target = target;
      this.start = start;
    }
  }

  public Birthday(Sockets sockets, LongSupplier nanoClock, SplittableRandom random) {
    this.sockets = sockets;
    this.nanoClock = nanoClock;
    this.random = random;
  }

  /**
   * The hard side's part: spares, each sending openers to the easy peer's public addresses. False
   * when a round for another peer is still open or the sockets cannot be had.
   */
  public boolean openSpares(NodeId easyPeer, List<InetSocketAddress> peerPublic) {
    long now = nanoClock.getAsLong();
    if (peerPublic.isEmpty() || pinned.containsKey(easyPeer)) {
      return false;
    }
    Round open = rounds.get(easyPeer);
    if (open != null) {
      open.targets = List.copyOf(peerPublic); // a new address is sent openers at the next resend
      return true;
    }
    if (rounds.size() >= MAX_ROUNDS) {
      return false;
    }
    Round round;
    try {
      round = new Round(sockets.open(SPARES), List.copyOf(peerPublic), now);
    } catch (IllegalStateException e) {
      return false;
    }
    rounds.put(easyPeer, round);
    sendOpeners(round, now);
    return true;
  }

  /** The easy side's part: probes to random ports of the hard peer's public address, starting shortly. */
  public void spray(NodeId hardPeer, InetAddress peerPublic) {
    sprays.putIfAbsent(hardPeer, new Spray(peerPublic, nanoClock.getAsLong() + SPRAY_DELAY_NANOS));
  }

  /**
   * A ping from {@code peer} authenticated as coming from {@code from}: when it arrived on one of
   * the spares, that spare is pinned to {@code from} and the others closed. True when it pinned.
   */
  public boolean authenticated(NodeId peer, InetSocketAddress from) {
    Round round = rounds.get(peer);
    if (round == null) {
      return false;
    }
    int index = round.spares.heardOn(from);
    if (index < 0) {
      return false;
    }
    round.spares.pin(index, from);
    pinned.put(peer, from);
    hits++;
    closeRound(peer);
    return true;
  }

  /** A direct path to {@code peer} works: its spray stops, its spares close. */
  public void done(NodeId peer) {
    sprays.remove(peer);
    closeRound(peer);
  }

  /** The session with {@code peer} is over: whatever birthday probing held for it goes. */
  public void forget(NodeId peer) {
    done(peer);
    InetSocketAddress address = pinned.remove(peer);
    if (address != null) {
      sockets.unpin(address);
    }
  }

  /** Sends the probes and openers that are due; closes spares that found nothing. Call every 100 ms or so. */
  public void tick() {
    long now = nanoClock.getAsLong();
    for (Iterator<Map.Entry<NodeId, Round>> it = rounds.entrySet().iterator(); it.hasNext(); ) {
      Round r = it.next().getValue();
      if (now - r.opened >= SPARES_OPEN_NANOS) {
        r.spares.close();
        it.remove();
      } else {
        sendOpeners(r, now);
      }
    }
    for (Iterator<Map.Entry<NodeId, Spray>> it = sprays.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<NodeId, Spray> e = it.next();
      Spray s = e.getValue();
      if (now < s.start) {
        continue;
      }
      long due = Math.min(MAX_PROBES, (now - s.start) * PROBES_PER_SECOND / 1_000_000_000L + 1);
      while (s.sent < due) {
        int port = nextPort(s);
        sockets.probe(e.getKey(), new InetSocketAddress(s.target, port));
        s.sent++;
        probesSent++;
      }
      if (s.sent >= MAX_PROBES) {
        it.remove();
      }
    }
  }

  /** Whether spares are open or a spray runs (status). */
  public boolean active() {
    return !rounds.isEmpty() || !sprays.isEmpty();
  }

  public long probesSent() {
    return probesSent;
  }

  /** Spares pinned after a probe hit. */
  public long hits() {
    return hits;
  }

  /** The address a spare is pinned to for {@code peer}, or null. */
  public InetSocketAddress pinnedFor(NodeId peer) {
    return pinned.get(peer);
  }

  private static void sendOpeners(Round r, long now) {
    while (r.openersSent < OPENER_RESEND_NANOS.length && now - r.opened >= OPENER_RESEND_NANOS[r.openersSent]) {
      for (InetSocketAddress target : r.targets) {
        r.spares.sendFromEach(new byte[] {SpareSockets.OPENER}, target);
      }
      r.openersSent++;
    }
  }

  private int nextPort(Spray s) {
    int range = 65_536 - LOWEST_PORT;
    for (int attempt = 0; attempt < 8; attempt++) {
      int port = LOWEST_PORT + random.nextInt(range);
      if (!s.tried.get(port)) {
        s.tried.set(port);
        return port;
      }
    }
    return LOWEST_PORT + random.nextInt(range); // the table is filling: a repeat now and then is fine
  }

  private void closeRound(NodeId peer) {
    Round r = rounds.remove(peer);
    if (r != null) {
      r.spares.close();
    }
  }
}
