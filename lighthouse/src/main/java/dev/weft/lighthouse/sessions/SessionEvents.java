package dev.weft.lighthouse.sessions;

import dev.weft.dataplane.wireguard.Endpoint;
import dev.weft.dataplane.wireguard.PeerEvents;
import dev.weft.gossip.NodeId;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the dataplane reports about sessions, kept for path selection and status: each peer's
 * current endpoint (a value: direct today, relayed with NAT traversal) and counts of completed
 * handshakes and endpoint changes. Called on the packet paths' thread: only map writes.
 */
public final class SessionEvents implements PeerEvents {
  private final Map<NodeId, Endpoint> endpoints = new ConcurrentHashMap<>();
  private final AtomicLong handshakes = new AtomicLong();
  private final AtomicLong endpointChanges = new AtomicLong();

  @Override
  public void handshakeCompleted(byte[] publicKey) {
    handshakes.incrementAndGet();
  }

  @Override
  public void endpointChanged(byte[] publicKey, Endpoint before, Endpoint after) {
    endpointChanges.incrementAndGet();
    endpoints.put(NodeId.of(publicKey), after);
  }

  /** The endpoint of the session to {@code id}, or null. */
  public Endpoint endpointOf(NodeId id) {
    return endpoints.get(id);
  }

  /** {@code "direct"} (or, with relays, {@code "relay"}) for a session's endpoint; null without one. */
  public static String path(Endpoint e) {
    return switch (e) {
      case null -> null;
      case Endpoint.Direct d -> "direct";
      case Endpoint.Relayed r -> "relay";
    };
  }

  public long handshakes() {
    return handshakes.get();
  }

  public long endpointChanges() {
    return endpointChanges.get();
  }
}
