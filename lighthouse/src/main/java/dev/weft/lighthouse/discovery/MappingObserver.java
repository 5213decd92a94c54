package dev.weft.lighthouse.discovery;

import dev.weft.gossip.NodeId;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Finds out how this node's NAT maps its socket, from the addresses that peers saw its pings come
 * from (every pong echoes one). Two peers seeing one public address with two ports mean a port per
 * destination (endpoint-dependent mapping); two seeing the same port mean one mapping for all.
 * It takes two observers: with one lighthouse the answer stays unknown, which is why a mesh that
 * must cross "symmetric" NATs runs two. Observations older than two minutes are forgotten (the
 * node may have moved). Gossip thread only.
 */
public final class MappingObserver {
  static final long HORIZON_NANOS = 120_000_000_000L;
  private static final int MAX_OBSERVERS = 64;

  private record Observation(InetSocketAddress seen, long at) {}

  private final Map<NodeId, Observation> byObserver = new LinkedHashMap<>();

  /** {@code observer} saw this node at {@code seen}. */
  public void observed(NodeId observer, InetSocketAddress seen, long now) {
    byObserver.remove(observer);
    if (byObserver.size() == MAX_OBSERVERS) {
      Iterator<NodeId> oldest = byObserver.keySet().iterator();
      oldest.next();
      oldest.remove();
    }
    byObserver.put(observer, new Observation(seen, now));
  }

  /** What the observations of the last two minutes say. */
  public NodeRecord.Mapping mapping(long now) {
    Map<InetAddress, Integer> portByAddress = new HashMap<>();
    boolean confirmed = false;
    for (Iterator<Observation> it = byObserver.values().iterator(); it.hasNext(); ) {
      Observation o = it.next();
      if (now - o.at > HORIZON_NANOS) {
        it.remove();
        continue;
      }
      Integer port = portByAddress.putIfAbsent(o.seen.getAddress(), o.seen.getPort());
      if (port != null) {
        if (port != o.seen.getPort()) {
          return NodeRecord.Mapping.VARIES;
        }
        confirmed = true;
      }
    }
    return confirmed ? NodeRecord.Mapping.INDEPENDENT : NodeRecord.Mapping.UNKNOWN;
  }
}
