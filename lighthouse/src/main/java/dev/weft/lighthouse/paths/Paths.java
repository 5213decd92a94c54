package dev.weft.lighthouse.paths;

import dev.weft.dataplane.wireguard.Endpoint;
import dev.weft.gossip.NodeId;
import dev.weft.lighthouse.discovery.MeshDirectory;
import dev.weft.lighthouse.discovery.NodeRecord;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Path selection: for every peer with a WireGuard session, find the best way there and keep the
 * session on it.
 *
 * <ul>
 *   <li><b>Punching.</b> When a session starts, every candidate of the peer is pinged in rounds
 *       that back off from 200 ms to 10 s and run for a minute, well past the 30 s in which a NAT
 *       keeps an unanswered inbound packet's entry (which can make it choose another port for a
 *       flow started a moment later). Meanwhile the lighthouses are asked to tell the peer to ping
 *       ours ({@code call-me-maybe}), so both NATs open at about the same moment. A ping that
 *       arrives from an address not among the candidates adds that address (peer-reflexive).
 *   <li><b>Selection.</b> Direct beats relay; among direct paths LAN and global IPv6 beat
 *       translated IPv4, then the shorter round trip wins, with hysteresis ({@link
 *       DirectPath#worthSwitchingFrom}). The chosen path gets a keepalive ping every 2 s and is
 *       given up after 5.5 s without a pong.
 *   <li><b>Relays.</b> With no direct path when the session starts a relay is asked for at once
 *       (again every 3 s until one offers), so the first packets need not wait for punching; the session
 *       moves there as soon as it is offered; it moves to a direct path as soon as one answers,
 *       and back to the relay when that path stops answering. Punching is tried again every
 *       30 s while the session is relayed.
 * </ul>
 *
 * <p>Only {@link #report} may be called from any thread; everything else runs on the gossip
 * thread. What this class does to the world goes through {@link Network}.
 */
public final class Paths {
  /** When each punch round starts, from the start of the attempt. */
  static final long[] ROUNDS_MS = {0, 200, 500, 1_000, 2_000, 3_500, 5_500, 8_000, 11_000, 15_000, 20_000,
      26_000, 33_000, 41_000, 50_000, 60_000};
  /** In which rounds the lighthouses are asked to make the peer punch too (while nothing answers). */
  private static final long ASK_ROUNDS = 1L | 1L << 2 | 1L << 4 | 1L << 6 | 1L << 9 | 1L << 12 | 1L << 15;
  /** The round (1 s in) after which birthday probing starts if nothing answered. */
  static final int BIRTHDAY_ROUND = 3;
  /**
   * The rounds in which birthday probing is asked for again while nothing answered: at 5.5 and 15 s,
   * when the first ask may have found the peer's record or a NAT's classification not there yet (then
   * it started nothing; a spray or a round of spares already running is left as it is), and at 33 s,
   * after the first spares closed (30 s), for a second try within this attempt instead of 90 s later.
   */
  private static final long BIRTHDAY_ROUNDS = 1L << BIRTHDAY_ROUND | 1L << 6 | 1L << 9 | 1L << 12;
  static final long KEEPALIVE_NANOS = 2_000_000_000L;
  /** A session with no direct path asks for a relay at once: the first packets must not wait for punching. */
  static final long RELAY_AFTER_NANOS = 0;
  static final long RELAY_RETRY_NANOS = 3_000_000_000L;
  static final long RELEASE_RELAY_NANOS = 30_000_000_000L;
  static final long RETRY_RELAYED_NANOS = 30_000_000_000L;
  static final long RETRY_DIRECT_NANOS = 120_000_000_000L;

  /** What path selection asks of the rest of the node. */
  public interface Network {
    /** Sends a sealed ping to {@code peer} at {@code address}; its pong comes back through {@link #pong}. */
    void ping(NodeId peer, InetSocketAddress address);

    /** Asks the lighthouses to have {@code peer} punch towards this node's endpoints now. */
    void askToPunch(NodeId peer);

    /** Moves the WireGuard session with {@code peer} to {@code endpoint}; false when it has none. */
    boolean move(NodeId peer, Endpoint endpoint);

    /**
     * Asks a relay for a binding to {@code peer} (the offer comes back through {@link #relayOffered}),
     * not the one at {@code avoid} (it stopped answering; null: any); false when no relay can be asked.
     */
    boolean requestRelay(NodeId peer, InetSocketAddress avoid);

    /** Pings {@code peer} through the relay binding {@code via}; the pong comes back through {@link #relayPong}. */
    default void pingRelayed(NodeId peer, Endpoint.Relayed via) {
    }

    /** The binding to {@code peer} is no longer needed. */
    void releaseRelay(NodeId peer);

    /**
     * A punch attempt to {@code peer} has found no direct path 1 s in (and again 5.5, 15 and 33 s in):
     * birthday probing, if the two NATs call for it; a call while it runs changes nothing.
     */
    default void birthday(NodeId peer) {
    }

    /** A direct path to {@code peer} was chosen: probing beyond it may stop. */
    default void settled(NodeId peer) {
    }

    /** Path selection for {@code peer} is over (its session closed). */
    default void forgotten(NodeId peer) {
    }
  }

  private final MeshDirectory members;
  private final Network network;
  private final LongSupplier nanoClock;
  private final boolean useRelays;
  /** Whether an address may carry a path: never one inside the overlay (that path would run through itself). */
  private final java.util.function.Predicate<InetSocketAddress> underlay;
  private final Map<NodeId, PeerPaths> peers = new HashMap<>();
  private final Map<NodeId, PathReport> reports = new ConcurrentHashMap<>();
  private long punchRounds;
  private long directPathsFound;
  private long relaysLost;

  public Paths(MeshDirectory members, Network network, LongSupplier nanoClock, boolean useRelays) {
    this(members, network, nanoClock, useRelays, a -> true);
  }

  /**
   * @param underlay false for addresses that must never carry a path: those inside the overlay
   *     networks (a ping that came through the tunnel would otherwise make the tunnel its own path)
   */
  public Paths(MeshDirectory members, Network network, LongSupplier nanoClock, boolean useRelays,
      java.util.function.Predicate<InetSocketAddress> underlay) {
    this.underlay = underlay;
    this.members = members;
    this.network = network;
    this.nanoClock = nanoClock;
    this.useRelays = useRelays;
  }

  // ---------------------------------------------------------------- events

  /** A WireGuard session with {@code id} started (either side). */
  public void sessionStarted(NodeId id) {
    long now = nanoClock.getAsLong();
    PeerPaths p = peers.computeIfAbsent(id, PeerPaths::new);
    if (!p.session) {
      p.session = true;
      p.sessionSince = now;
      p.applied = null;
    }
    if (!p.attempting()) {
      startAttempt(p, now);
    }
    evaluate(p, now);
  }

  /** The session with {@code id} closed: its state goes, its relay binding is released. */
  public void sessionClosed(NodeId id) {
    PeerPaths p = peers.remove(id);
    reports.remove(id);
    if (p != null && p.relayed != null) {
      network.releaseRelay(id);
    }
    network.forgotten(id);
  }

  /** Someone wants to reach {@code id} (a {@code weft ping}): punch for a direct path, session or not. */
  public void explore(NodeId id) {
    PeerPaths p = peers.computeIfAbsent(id, PeerPaths::new);
    if (!p.attempting() && (p.selected == null || !p.selected.alive(nanoClock.getAsLong()))) {
      startAttempt(p, nanoClock.getAsLong());
    }
  }

  /** {@code id} asks us (through a lighthouse) to punch towards {@code endpoints} now. */
  public void punchRequested(NodeId id, List<InetSocketAddress> endpoints) {
    long now = nanoClock.getAsLong();
    PeerPaths p = peers.computeIfAbsent(id, PeerPaths::new);
    for (InetSocketAddress e : endpoints) {
      add(p, e, false);
    }
    if (!p.attempting()) {
      startAttempt(p, now);
    } else {
      round(p, now, false); // its probes are on their way: ours go now, not at our next round
    }
  }

  /** A pong from {@code id} arrived from {@code from}. */
  public void pong(NodeId id, InetSocketAddress from, long rttNanos) {
    PeerPaths p = peers.get(id);
    if (p == null) {
      return;
    }
    long now = nanoClock.getAsLong();
    DirectPath path = add(p, from, false);
    if (path != null) {
      if (path.pongs() == 0) {
        directPathsFound++;
      }
      path.answered(now, rttNanos);
      evaluate(p, now);
    }
  }

  /** A ping from {@code id} arrived from {@code from} (and was answered): a way back, maybe a new one. */
  public void pinged(NodeId id, InetSocketAddress from) {
    PeerPaths p = peers.get(id);
    if (p == null || p.direct.containsKey(from)) {
      return;
    }
    DirectPath path = add(p, from, false);
    if (path != null) {
      long now = nanoClock.getAsLong();
      path.pinged(now);
      network.ping(id, from);
    }
  }

  /** A relay offers a binding to {@code id}. */
  public void relayOffered(NodeId id, Endpoint.Relayed endpoint, String relayName) {
    long now = nanoClock.getAsLong();
    PeerPaths p = peers.computeIfAbsent(id, PeerPaths::new);
    if (!endpoint.equals(p.relayed)) {
      p.relayed = endpoint;
      p.relayName = relayName;
      p.relayOffered = now;
      p.relayLastPong = Long.MIN_VALUE;
    }
    if (!p.attempting() && p.selected == null) {
      startAttempt(p, now); // the peer wants to reach us and found no direct path yet: look for one too
    }
    evaluate(p, now);
  }

  /** A ping through relay binding {@code via} was answered. */
  public void relayPong(NodeId id, Endpoint.Relayed via, long rttNanos) {
    PeerPaths p = peers.get(id);
    if (p != null && via.equals(p.relayed)) {
      p.relayLastPong = nanoClock.getAsLong();
      p.relayRttNanos = rttNanos;
      evaluate(p, p.relayLastPong);
    }
  }

  /** The relay closed binding {@code bindingId} to {@code id}. */
  public void relayClosed(NodeId id, long bindingId) {
    PeerPaths p = peers.get(id);
    if (p != null && p.relayed != null && p.relayed.id() == bindingId) {
      p.relayed = null;
      p.relayName = null;
      p.relayRequested = Long.MIN_VALUE;
      evaluate(p, nanoClock.getAsLong());
    }
  }

  /** Runs the punch rounds, keepalives, relay requests and selection. Call every 100 ms or so. */
  public void tick() {
    long now = nanoClock.getAsLong();
    for (Iterator<PeerPaths> it = peers.values().iterator(); it.hasNext(); ) {
      PeerPaths p = it.next();
      runDueRounds(p, now);
      if (!p.session && !p.attempting()) {
        it.remove(); // a punch we were asked for, over: no session followed
        reports.remove(p.id);
        continue;
      }
      if (!p.attempting() && now >= p.nextAttempt) {
        startAttempt(p, now);
      }
      DirectPath s = p.selected;
      if (s != null && now - s.lastPing >= KEEPALIVE_NANOS) {
        s.pinged(now);
        network.ping(p.id, s.address);
      }
      keepRelay(p, now);
      evaluate(p, now);
    }
  }

  // ---------------------------------------------------------------- what others read

  /** The path chosen for {@code id}, or null when it has no session (any thread). */
  public PathReport report(NodeId id) {
    return reports.get(id);
  }

  /** Where a new session to {@code id} should send first: its answering direct path, else its relay, else null. */
  public Endpoint firstEndpoint(NodeId id) {
    PathReport r = reports.get(id);
    return r == null || r.direct() == null ? null : new Endpoint.Direct(r.direct());
  }

  /** Punch rounds run so far (each pings every candidate of one peer). */
  public long punchRounds() {
    return punchRounds;
  }

  /** Direct paths that answered their first ping. */
  public long directPathsFound() {
    return directPathsFound;
  }

  // ---------------------------------------------------------------- the work

  /** Starts a punch attempt with its first round now. */
  private void startAttempt(PeerPaths p, long now) {
    p.attemptStart = now;
    p.round = 0;
    p.nextAttempt = Long.MAX_VALUE;
    runDueRounds(p, now);
  }

  private void runDueRounds(PeerPaths p, long now) {
    while (p.attempting() && now - p.attemptStart >= ROUNDS_MS[p.round] * 1_000_000L) {
      round(p, now, (ASK_ROUNDS & 1L << p.round) != 0);
      if ((BIRTHDAY_ROUNDS & 1L << p.round) != 0 && p.selected == null) {
        network.birthday(p.id); // after a second: first the relay, then 256 sockets if the NATs call for them
      }
      if (++p.round == ROUNDS_MS.length) {
        p.round = -1;
        p.nextAttempt = now + (p.selected == null ? RETRY_RELAYED_NANOS : RETRY_DIRECT_NANOS);
      }
    }
  }

  /** One punch round: every candidate pinged, and the lighthouses asked to make the peer punch too. */
  private void round(PeerPaths p, long now, boolean ask) {
    punchRounds++;
    addCandidates(p);
    for (DirectPath path : p.direct.values()) {
      path.pinged(now);
      network.ping(p.id, path.address);
    }
    if (ask && p.selected == null) {
      network.askToPunch(p.id);
    }
  }

  private DirectPath add(PeerPaths p, InetSocketAddress address, boolean local) {
    return underlay.test(address) ? p.add(address, PathClass.of(address, local)) : null;
  }

  private void addCandidates(PeerPaths p) {
    MeshDirectory.Member m = members.get(p.id);
    if (m == null) {
      return;
    }
    NodeRecord r = m.record();
    if (r != null) {
      for (NodeRecord.Candidate c : r.candidates()) {
        add(p, c.address(), c.kind() == NodeRecord.Candidate.Kind.LOCAL);
      }
    }
    if (m.lastHeard() != null) {
      add(p, m.lastHeard(), false);
    }
  }

  /**
   * A relayed session is pinged through its relay every 2 s while no direct path carries it; a
   * relay that has not answered for 5.5 s is given up and another asked for, so a dead relay
   * costs seconds, not the binding's minute.
   */
  private void keepRelay(PeerPaths p, long now) {
    if (p.relayed != null && p.selected != null && now - p.selectedSince >= RELEASE_RELAY_NANOS) {
      p.relayed = null; // direct for a while: the relay's binding goes back (a relay serves many)
      p.relayName = null;
      p.relayRequested = Long.MIN_VALUE;
      network.releaseRelay(p.id);
      return;
    }
    if (p.relayed == null || p.selected != null || !p.session) {
      return;
    }
    long answered = p.relayLastPong == Long.MIN_VALUE ? p.relayOffered : p.relayLastPong;
    if (now - answered > DirectPath.ALIVE_NANOS) {
      p.failedRelay = p.relayed.relay();
      p.relayed = null;
      p.relayName = null;
      p.relayRequested = Long.MIN_VALUE;
      p.applied = null;
      network.releaseRelay(p.id);
      relaysLost++;
      return;
    }
    if (now - p.relayLastPing >= KEEPALIVE_NANOS) {
      p.relayLastPing = now;
      network.pingRelayed(p.id, p.relayed);
    }
  }

  /** Relays given up because they stopped answering. */
  public long relaysLost() {
    return relaysLost;
  }

  private void evaluate(PeerPaths p, long now) {
    DirectPath best = null;
    for (DirectPath path : p.direct.values()) {
      if (path.alive(now) && (best == null || path.betterThan(best))) {
        best = path;
      }
    }
    DirectPath current = p.selected;
    if (current == null || !current.alive(now)) {
      current = best;
    } else if (best != null && best.worthSwitchingFrom(current)) {
      current = best;
    }
    if (current != null && p.selected == null) {
      network.settled(p.id);
    }
    if (current == null && p.selected != null && !p.attempting()) {
      p.selected = null;
      startAttempt(p, now); // the direct path broke: look again at once, not at the next retry
    }
    if (current != p.selected) {
      p.selectedSince = now;
    }
    p.selected = current;
    if (current == null && useRelays && p.session && p.relayed == null && now - p.sessionSince >= RELAY_AFTER_NANOS
        && (p.relayRequested == Long.MIN_VALUE || now - p.relayRequested >= RELAY_RETRY_NANOS)) {
      p.relayRequested = now;
      network.requestRelay(p.id, p.failedRelay);
    }
    Endpoint target = current != null ? new Endpoint.Direct(current.address) : useRelays ? p.relayed : null;
    if (p.session && target != null && !target.equals(p.applied) && network.move(p.id, target)) {
      p.applied = target;
    }
    boolean relayed = current == null && p.relayed != null && useRelays;
    Double rtt = current != null ? Double.valueOf(current.rttNanos() / 1e6)
        : relayed && p.relayRttNanos >= 0 ? Double.valueOf(p.relayRttNanos / 1e6) : null;
    reports.put(p.id, new PathReport(current == null ? null : current.address, rtt, p.relayName, p.relayed, relayed,
        p.attempting() && current == null));
  }
}
