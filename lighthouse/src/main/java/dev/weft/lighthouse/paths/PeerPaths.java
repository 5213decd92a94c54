package dev.weft.lighthouse.paths;

import dev.weft.dataplane.wireguard.Endpoint;
import dev.weft.gossip.NodeId;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/** Everything path selection knows about one peer. Gossip thread only. */
final class PeerPaths {
  /** Direct paths kept per peer at most: its candidates and the sources its punches came from. */
  static final int MAX_PATHS = 32;

  final NodeId id;
  final Map<InetSocketAddress, DirectPath> direct = new LinkedHashMap<>();
  /** Whether a WireGuard session exists (else the state lives only while a punch asked for runs). */
  boolean session;
  long sessionSince;
  DirectPath selected;
  long selectedSince;
  Endpoint.Relayed relayed;
  String relayName;
  long relayRequested = Long.MIN_VALUE;
  long relayOffered;
  long relayLastPing = Long.MIN_VALUE / 4; // "long ago", and now - it does not overflow
  long relayLastPong = Long.MIN_VALUE;
  long relayRttNanos = -1;
  /** The relay that stopped answering last, not to be asked again at once. */
  InetSocketAddress failedRelay;
  /** What this class last told the dataplane, so that it speaks only when its decision changes. */
  Endpoint applied;
  /** The punch attempt: when it started and the next round; {@code round < 0} when none runs. */
  long attemptStart;
  int round = -1;
  long nextAttempt = Long.MAX_VALUE;

  PeerPaths(NodeId id) {
    this.id = id;
  }

  boolean attempting() {
    return round >= 0;
  }

  /** Adds a path unless known or the table is full; returns the path, or null. */
  DirectPath add(InetSocketAddress address, PathClass preference) {
    DirectPath p = direct.get(address);
    if (p == null && direct.size() < MAX_PATHS) {
      p = new DirectPath(address, preference);
      direct.put(address, p);
    }
    return p;
  }
}
