package dev.weft.lighthouse.sessions;

import dev.weft.dataplane.wireguard.Endpoint;
import dev.weft.dataplane.wireguard.PeerEvents;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts of what the dataplane reports about sessions: completed handshakes and endpoint
 * changes. A session's current endpoint is read from the device ({@code PeerStatus}), not kept
 * here: roaming (the packet threads) and path selection (the gossip thread) both move it, and
 * a copy built from their events could end in another order than the endpoint itself did.
 */
public final class SessionEvents implements PeerEvents {
  private final AtomicLong handshakes = new AtomicLong();
  private final AtomicLong endpointChanges = new AtomicLong();

  @Override
  public void handshakeCompleted(byte[] publicKey) {
    handshakes.incrementAndGet();
  }

  @Override
  public void endpointChanged(byte[] publicKey, Endpoint before, Endpoint after) {
    endpointChanges.incrementAndGet();
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
