package dev.weft.lighthouse.routes;

import dev.weft.gossip.MemberState;
import dev.weft.gossip.NodeId;
import dev.weft.ip.IpPrefix;
import dev.weft.lighthouse.discovery.MeshDirectory;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The routes other members advertise and which of them this node uses. A prefix is taken only
 * from a member whose certificate allows it ({@code subnets}); of several live advertisers one is
 * used — an alive one before a suspect one, then the lowest certificate name, a stable choice
 * every node makes alike — and the others stand by, taking over when it dies or withdraws. What
 * this node installs is decided by its {@link Policy}. A default route ({@code 0.0.0.0/0},
 * {@code ::/0}) is taken only from the exit node the policy names, and only when that member's
 * certificate allows it. Recomputed on the gossip thread whenever
 * membership or records change; {@link #viaFor} is read on the packet path (immutable snapshots).
 */
public final class RouteTable {
  public enum State {
    INSTALLED,
    STANDBY,
    REFUSED
  }

  /** One advertisement as this node sees it. */
  public record Route(IpPrefix prefix, NodeId via, String viaName, State state, String reason) {}

  /** Puts kernel routes towards the overlay interface, and takes them away. */
  public interface Installer {
    void install(IpPrefix prefix);

    void remove(IpPrefix prefix);
  }

  /**
   * Which advertised prefixes this node installs.
   *
   * @param acceptAll {@code routes.accept: true} (default): every allowed prefix
   * @param acceptOnly {@code routes.accept: [CIDR, …]}: only prefixes inside these (and these may
   *     overlap local networks); empty with {@code acceptAll} false means none
   * @param localNetworks the host's own networks: an advertised prefix overlapping one is not
   *     installed unless listed in {@code acceptOnly}
   */
  public record Policy(boolean acceptAll, List<IpPrefix> acceptOnly, List<IpPrefix> localNetworks, String exitNode) {
    public static final Policy ALL = new Policy(true, List.of(), List.of());

    public Policy {
      acceptOnly = List.copyOf(acceptOnly);
      localNetworks = List.copyOf(localNetworks);
    }

    /** The same policy with another {@code routes.accept} (a reload). */
    public Policy withAccept(boolean all, List<IpPrefix> only) {
      return new Policy(all, only, localNetworks, exitNode);
    }

    /** Without an exit node: default routes are refused from everyone. */
    public Policy(boolean acceptAll, List<IpPrefix> acceptOnly, List<IpPrefix> localNetworks) {
      this(acceptAll, acceptOnly, localNetworks, null);
    }

    /**
     * Null when a default route from {@code advertiser} is taken, else why not. Only the one
     * member named in {@code routes.exit_node} is asked for it; the choice is the opt-in, so
     * neither {@code routes.accept} nor the local-network overlap (a default route overlaps
     * everything) applies: the installer keeps the host's own networks and the underlay outside.
     */
    String defaultRouteRefusal(String advertiser) {
      if (exitNode == null) {
        return "a default route is used only from the node named in routes.exit_node";
      }
      if (!exitNode.equals(advertiser)) {
        return "not routes.exit_node (" + exitNode + ")";
      }
      return null;
    }

    /** Null when accepted, else why not. */
    String refusal(IpPrefix p) {
      boolean listed = false;
      for (IpPrefix a : acceptOnly) {
        if (a.contains(p)) {
          listed = true;
        }
      }
      if (!acceptAll && !listed) {
        return acceptOnly.isEmpty() ? "routes.accept is false" : "not inside routes.accept";
      }
      if (!listed) {
        for (IpPrefix local : localNetworks) {
          if (overlap(local, p)) {
            return "overlaps the local network " + local + " (list it in routes.accept to install it)";
          }
        }
      }
      return null;
    }
  }

  private final NodeId self;
  /** Replaced by a reload of {@code routes.accept}; read by {@link #update} (both on the caller's thread). */
  private volatile Policy policy;
  private final Installer installer;
  private final Set<IpPrefix> installed = new HashSet<>();
  private final Set<String> refusalsLogged = new HashSet<>();
  private volatile List<Route> routes = List.of();
  private volatile Map<IpPrefix, NodeId> chosen = Map.of();
  /** What each member's session carries besides its own addresses: its prefixes, a default route less the overlay. */
  private volatile Map<NodeId, List<IpPrefix>> carried = Map.of();
  /** The members' overlay networks (their certificates' IP prefixes), never sent to an exit node. */
  private volatile List<IpPrefix> overlay = List.of();

  private static final System.Logger LOG = System.getLogger("weft.routes");

  public RouteTable(NodeId self, Policy policy, Installer installer) {
    this.self = self;
    this.policy = policy;
    this.installer = installer;
  }

  /** The policy in force. */
  public Policy policy() {
    return policy;
  }

  /**
   * Decides by {@code next} from the next {@link #update} on (which then installs what it newly
   * accepts and removes what it no longer does); call on the thread that calls {@code update}.
   */
  public void usePolicy(Policy next) {
    this.policy = next;
  }

  /**
   * Recomputes from the members' records, installs and removes kernel routes to match, and
   * returns whether the member used for any prefix changed (sessions' allowed IPs follow).
   */
  public boolean update(Collection<MeshDirectory.Member> members) {
    Policy policy = this.policy;
    Map<IpPrefix, List<MeshDirectory.Member>> advertisers = new LinkedHashMap<>();
    List<Route> out = new ArrayList<>();
    for (MeshDirectory.Member m : members) {
      if (m.id().equals(self) || !m.isUp() || m.record() == null) {
        continue;
      }
      for (IpPrefix p : m.record().routes()) {
        if (!m.identity().mayAdvertise(p)) {
          out.add(new Route(p, m.id(), m.name(), State.REFUSED, "outside " + m.name() + "'s certificate subnets"));
          logOnce(m.name() + " " + p, "route " + p + " from " + m.name() + " refused: outside its certificate's subnets");
          continue;
        }
        advertisers.computeIfAbsent(p, k -> new ArrayList<>()).add(m);
      }
    }
    Map<IpPrefix, NodeId> use = new HashMap<>();
    for (Map.Entry<IpPrefix, List<MeshDirectory.Member>> e : advertisers.entrySet()) {
      IpPrefix p = e.getKey();
      List<MeshDirectory.Member> by = e.getValue();
      by.sort(Comparator.comparing((MeshDirectory.Member m) -> m.state() == MemberState.ALIVE ? 0 : 1)
          .thenComparing(MeshDirectory.Member::name));
      String refusal = p.length() == 0 ? null : policy.refusal(p);
      if (p.length() == 0) {
        // Only the exit node's own default route; everyone else's is refused, not a standby.
        List<MeshDirectory.Member> exit = new ArrayList<>();
        for (MeshDirectory.Member m : by) {
          String why = policy.defaultRouteRefusal(m.name());
          if (why == null) {
            exit.add(m);
          } else {
            out.add(new Route(p, m.id(), m.name(), State.REFUSED, why));
          }
        }
        by = exit;
      }
      for (int i = 0; i < by.size(); i++) {
        MeshDirectory.Member m = by.get(i);
        if (refusal != null) {
          out.add(new Route(p, m.id(), m.name(), State.REFUSED, refusal));
        } else if (i == 0) {
          out.add(new Route(p, m.id(), m.name(), State.INSTALLED, null));
          use.put(p, m.id());
        } else {
          out.add(new Route(p, m.id(), m.name(), State.STANDBY, "used through " + by.get(0).name()));
        }
      }
    }
    for (IpPrefix p : use.keySet()) {
      if (installed.add(p)) {
        installer.install(p);
      }
    }
    for (IpPrefix p : List.copyOf(installed)) {
      if (!use.containsKey(p)) {
        installed.remove(p);
        installer.remove(p);
      }
    }
    out.sort(Comparator.comparing((Route r) -> r.prefix().toString()).thenComparing(r -> r.state().ordinal()));
    Set<IpPrefix> networks = new HashSet<>();
    for (MeshDirectory.Member m : members) {
      for (IpPrefix ip : m.identity().ips()) {
        networks.add(ip.network());
      }
    }
    List<IpPrefix> overlayNow = List.copyOf(networks);
    // A default route as an allowed IP would match every member's address too, so a packet for a
    // member without a session yet would go to the exit node instead of starting its own session.
    Map<NodeId, List<IpPrefix>> carry = new HashMap<>();
    for (Map.Entry<IpPrefix, NodeId> e : use.entrySet()) {
      List<IpPrefix> to = carry.computeIfAbsent(e.getValue(), k -> new ArrayList<>());
      if (e.getKey().length() == 0) {
        outside(e.getKey(), overlayNow, to);
      } else {
        to.add(e.getKey());
      }
    }
    Map<NodeId, List<IpPrefix>> frozen = new HashMap<>();
    carry.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
    boolean changed = !use.equals(chosen) || !frozen.equals(carried);
    routes = List.copyOf(out);
    overlay = overlayNow;
    carried = Map.copyOf(frozen);
    chosen = Map.copyOf(use);
    return changed;
  }

  /** Adds to {@code out} the fewest prefixes that cover {@code p} except every one of {@code excluded}. */
  static void outside(IpPrefix p, List<IpPrefix> excluded, List<IpPrefix> out) {
    boolean overlaps = false;
    for (IpPrefix x : excluded) {
      if (x.contains(p)) {
        return;
      }
      overlaps |= p.contains(x);
    }
    if (!overlaps) {
      out.add(p);
      return;
    }
    byte[] low = p.network().address();
    byte[] high = low.clone();
    high[p.length() / 8] |= (byte) (0x80 >>> (p.length() % 8));
    outside(new IpPrefix(low, p.length() + 1), excluded, out);
    outside(new IpPrefix(high, p.length() + 1), excluded, out);
  }

  /** The member used for the longest installed prefix holding {@code destination}, or null. */
  public NodeId viaFor(InetAddress destination) {
    IpPrefix host = IpPrefix.host(destination);
    NodeId best = null;
    int bestLength = -1;
    boolean inOverlay = false;
    for (IpPrefix o : overlay) {
      inOverlay |= o.contains(host);
    }
    for (Map.Entry<IpPrefix, NodeId> e : chosen.entrySet()) {
      IpPrefix p = e.getKey();
      if (p.length() == 0 && inOverlay) {
        continue; // the exit node is not the way to an overlay address
      }
      if (p.length() > bestLength && p.contains(host)) {
        best = e.getValue();
        bestLength = p.length();
      }
    }
    return best;
  }

  /**
   * The installed prefixes routed through {@code id} (its session's allowed IPs include them); a
   * default route appears as the prefixes that cover everything but the overlay networks.
   */
  public List<IpPrefix> routedVia(NodeId id) {
    return carried.getOrDefault(id, List.of());
  }

  public List<Route> all() {
    return routes;
  }

  /** Takes away every kernel route this table installed (the node stops). */
  public void removeAll() {
    for (IpPrefix p : List.copyOf(installed)) {
      installed.remove(p);
      installer.remove(p);
    }
    chosen = Map.of();
    carried = Map.of();
  }

  private void logOnce(String key, String message) {
    if (refusalsLogged.size() < 1024 && refusalsLogged.add(key)) {
      LOG.log(System.Logger.Level.WARNING, message);
    }
  }

  static boolean overlap(IpPrefix a, IpPrefix b) {
    return a.contains(b) || b.contains(a);
  }
}
