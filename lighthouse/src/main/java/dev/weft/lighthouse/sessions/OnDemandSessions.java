package dev.weft.lighthouse.sessions;

import dev.weft.dataplane.wireguard.PeerConfig;
import dev.weft.dataplane.wireguard.PeerStatus;
import dev.weft.dataplane.wireguard.RouteMissHandler;
import dev.weft.dataplane.wireguard.UnknownPeerHandler;
import dev.weft.dataplane.wireguard.WireGuardDevice;
import dev.weft.gossip.NodeId;
import dev.weft.ip.IpPrefix;
import dev.weft.lighthouse.discovery.MeshDirectory;
import dev.weft.lighthouse.discovery.NodeRecord;
import io.netty.buffer.ByteBuf;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * WireGuard sessions to members, started when the first packet for one leaves TUN and closed when
 * idle, so that a large mesh does not hold a session per member. A packet to an overlay address
 * that no peer routes ({@link RouteMissHandler}) is looked up among the members' certificates;
 * the member becomes a WireGuard peer (its overlay addresses as allowed IPs, its best known
 * endpoint) and the packet is sent again, which stages it (WireGuard's bounded queue) and starts
 * the handshake. The other side admits the initiator the same way when its initiation arrives
 * ({@link UnknownPeerHandler}): a member that is up becomes a peer, anyone else is refused.
 * Static peers from the config are never touched.
 */
public final class OnDemandSessions implements RouteMissHandler, UnknownPeerHandler {
  private final WireGuardDevice device;
  private final MeshDirectory directory;
  private final LongSupplier nanoClock;
  private final long idleNanos;
  private final int maxStartsPerSecond;
  /** Peers this class added, by member, with what their traffic was when last looked at. */
  private final Map<NodeId, Activity> started = new ConcurrentHashMap<>();
  private final AtomicLong starts = new AtomicLong();
  private final AtomicLong idleClosed = new AtomicLong();
  private final AtomicLong unknownDestination = new AtomicLong();
  private final AtomicLong rateLimited = new AtomicLong();
  /** Advertised routes: which member a non-member destination goes through; null without routes. */
  private volatile dev.weft.lighthouse.routes.RouteTable routes;
  /** Where path selection would send first (a direct path that answers), or null; and who hears of sessions. */
  private volatile java.util.function.Function<NodeId, dev.weft.dataplane.wireguard.Endpoint> firstEndpoint = id -> null;
  private volatile Lifecycle lifecycle = new Lifecycle() {};
  private long windowStart;
  private int windowStarts;

  private static final class Activity {
    long bytes;
    long since;

    Activity(long since) {
      this.since = since;
    }
  }

  /**
   * @param idleNanos a session without traffic for this long is closed
   * @param maxStartsPerSecond sessions started per second at most (a scan of the overlay must not
   *     turn into a storm of handshakes)
   */
  public OnDemandSessions(WireGuardDevice device, MeshDirectory directory, LongSupplier nanoClock, long idleNanos,
      int maxStartsPerSecond) {
    this.device = device;
    this.directory = directory;
    this.nanoClock = nanoClock;
    this.idleNanos = idleNanos;
    this.maxStartsPerSecond = maxStartsPerSecond;
  }

  /** Who hears of sessions this class starts and closes (path selection). Called on the caller's thread. */
  public interface Lifecycle {
    default void started(NodeId id) {
    }

    default void closed(NodeId id) {
    }
  }

  /** Path selection: where a new session sends first, and whom to tell of sessions started and closed. */
  public void usePaths(java.util.function.Function<NodeId, dev.weft.dataplane.wireguard.Endpoint> first, Lifecycle lifecycle) {
    this.firstEndpoint = first;
    this.lifecycle = lifecycle;
  }

  /** Routes advertised by members: a packet for one of their prefixes starts a session to the advertiser used. */
  public void useRoutes(dev.weft.lighthouse.routes.RouteTable table) {
    this.routes = table;
  }

  @Override
  public boolean onRouteMiss(ByteBuf packet) {
    InetAddress destination = destination(packet);
    MeshDirectory.Member m = destination == null ? null : directory.byOverlayAddress(destination);
    dev.weft.lighthouse.routes.RouteTable table = routes;
    if (m == null && destination != null && table != null) {
      NodeId via = table.viaFor(destination);
      m = via == null ? null : directory.get(via);
    }
    if (m == null || !m.isUp()) {
      unknownDestination.incrementAndGet();
      return false;
    }
    dev.weft.dataplane.wireguard.Endpoint first = firstEndpoint.apply(m.id());
    InetSocketAddress endpoint = first != null ? first.address() : endpointOf(m);
    if (endpoint == null || started.containsKey(m.id()) || !tryStart()) {
      return false;
    }
    try {
      device.addPeer(new PeerConfig(m.id().bytes(), null, endpoint, allowedIps(m), 0));
    } catch (IllegalArgumentException e) {
      return false; // a static peer holds that key or those addresses
    }
    started.put(m.id(), new Activity(nanoClock.getAsLong()));
    starts.incrementAndGet();
    lifecycle.started(m.id());
    device.sendPacket(packet); // routed now: staged until the handshake completes
    return true;
  }

  @Override
  public PeerConfig onUnknownPeer(byte[] publicKey) {
    NodeId id = NodeId.of(publicKey);
    MeshDirectory.Member m = directory.get(id);
    if (m == null || !m.isUp() || !tryStart()) {
      return null;
    }
    started.putIfAbsent(id, new Activity(nanoClock.getAsLong()));
    starts.incrementAndGet();
    lifecycle.started(id);
    return new PeerConfig(publicKey, null, endpointOf(m), allowedIps(m), 0);
  }

  /**
   * The routes changed: each session's allowed IPs become the member's overlay addresses plus the
   * prefixes now routed through it (a standby advertiser takes over without a new handshake).
   */
  public void refreshAllowedIps() {
    for (NodeId id : started.keySet()) {
      MeshDirectory.Member m = directory.get(id);
      if (m != null) {
        try {
          device.updatePeer(new PeerConfig(id.bytes(), null, null, allowedIps(m), 0));
        } catch (IllegalArgumentException e) {
          // removed meanwhile
        }
      }
    }
  }

  /** Closes sessions idle for longer than the idle time, and those of members gone. Call periodically. */
  public void closeIdle() {
    long now = nanoClock.getAsLong();
    Map<String, PeerStatus> peers = new java.util.HashMap<>();
    for (PeerStatus p : device.peers()) {
      peers.put(p.publicKeyBase64(), p);
    }
    for (var e : started.entrySet()) {
      NodeId id = e.getKey();
      PeerStatus p = peers.get(java.util.Base64.getEncoder().encodeToString(id.bytes()));
      MeshDirectory.Member m = directory.get(id);
      if (p == null) {
        if (started.remove(id) != null) {
          lifecycle.closed(id);
        }
        continue;
      }
      long bytes = p.rxBytes() + p.txBytes();
      Activity a = e.getValue();
      if (bytes != a.bytes) {
        a.bytes = bytes;
        a.since = now;
      }
      if (m == null || !m.isUp() || now - a.since >= idleNanos) {
        close(id);
        if (m != null && m.isUp()) {
          idleClosed.incrementAndGet();
        }
      }
    }
  }

  /** Closes the session to a member (it died, left or was revoked). */
  public void close(NodeId id) {
    if (started.remove(id) != null) {
      device.removePeer(id.bytes());
      lifecycle.closed(id);
    }
  }

  /** Members with a session this class started. */
  public List<NodeId> sessions() {
    return new ArrayList<>(started.keySet());
  }

  public long starts() {
    return starts.get();
  }

  public long idleClosed() {
    return idleClosed.get();
  }

  public long unknownDestinations() {
    return unknownDestination.get();
  }

  public long rateLimited() {
    return rateLimited.get();
  }

  private synchronized boolean tryStart() {
    long now = nanoClock.getAsLong();
    if (now - windowStart >= 1_000_000_000L) {
      windowStart = now;
      windowStarts = 0;
    }
    if (windowStarts >= maxStartsPerSecond) {
      rateLimited.incrementAndGet();
      return false;
    }
    windowStarts++;
    return true;
  }

  /**
   * Where to send first: the address the member's last control message came from (it reached
   * us from there), else its first published candidate. WireGuard roams to wherever the peer's
   * authenticated answers come from.
   */
  static InetSocketAddress endpointOf(MeshDirectory.Member m) {
    if (m.lastHeard() != null) {
      return m.lastHeard();
    }
    NodeRecord r = m.record();
    if (r == null || r.candidates().isEmpty()) {
      return null;
    }
    return r.candidates().get(0).address();
  }

  private List<IpPrefix> allowedIps(MeshDirectory.Member m) {
    List<IpPrefix> out = new ArrayList<>();
    for (IpPrefix ip : m.identity().ips()) {
      out.add(ip.hostPrefix());
    }
    dev.weft.lighthouse.routes.RouteTable table = routes;
    if (table != null) {
      for (IpPrefix p : table.routedVia(m.id())) {
        out.add(p.network());
      }
    }
    return out;
  }

  /** The destination of an IPv4 or IPv6 packet, or null. */
  static InetAddress destination(ByteBuf packet) {
    int at = packet.readerIndex();
    int length = packet.readableBytes();
    int version = length > 0 ? (packet.getByte(at) >> 4) & 0xf : 0;
    byte[] a;
    if (version == 4 && length >= 20) {
      a = new byte[4];
      packet.getBytes(at + 16, a);
    } else if (version == 6 && length >= 40) {
      a = new byte[16];
      packet.getBytes(at + 24, a);
    } else {
      return null;
    }
    try {
      return InetAddress.getByAddress(a);
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
