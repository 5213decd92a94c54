package dev.weft.lighthouse.routes;

import dev.weft.certs.IpPrefix;
import dev.weft.gossip.MemberState;
import dev.weft.gossip.NodeId;
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
 * this node installs is decided by its {@link Policy}. Recomputed on the gossip thread whenever
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
  public record Policy(boolean acceptAll, List<IpPrefix> acceptOnly, List<IpPrefix> localNetworks) {
    public static final Policy ALL = new Policy(true, List.of(), List.of());

    public Policy {
      acceptOnly = List.copyOf(acceptOnly);
      localNetworks = List.copyOf(localNetworks);
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
  private final Policy policy;
  private final Installer installer;
  private final Set<IpPrefix> installed = new HashSet<>();
  private final Set<String> refusalsLogged = new HashSet<>();
  private volatile List<Route> routes = List.of();
  private volatile Map<IpPrefix, NodeId> chosen = Map.of();

  private static final System.Logger LOG = System.getLogger("weft.routes");

  public RouteTable(NodeId self, Policy policy, Installer installer) {
    this.self = self;
    this.policy = policy;
    this.installer = installer;
  }

  /**
   * Recomputes from the members' records, installs and removes kernel routes to match, and
   * returns whether the member used for any prefix changed (sessions' allowed IPs follow).
   */
  public boolean update(Collection<MeshDirectory.Member> members) {
    Map<IpPrefix, List<MeshDirectory.Member>> advertisers = new LinkedHashMap<>();
    List<Route> out = new ArrayList<>();
    for (MeshDirectory.Member m : members) {
      if (m.id().equals(self) || !m.isUp() || m.record() == null) {
        continue;
      }
      for (IpPrefix p : m.record().routes()) {
        if (p.length() == 0) {
          // A default route through the tunnel would capture the underlay path to the mesh itself.
          out.add(new Route(p, m.id(), m.name(), State.REFUSED, "default routes (exit nodes) are not supported yet"));
          continue;
        }
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
      String refusal = policy.refusal(p);
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
    boolean changed = !use.equals(chosen);
    routes = List.copyOf(out);
    chosen = Map.copyOf(use);
    return changed;
  }

  /** The member used for the longest installed prefix holding {@code destination}, or null. */
  public NodeId viaFor(InetAddress destination) {
    byte[] a = destination.getAddress();
    IpPrefix host = new IpPrefix(a, a.length * 8);
    NodeId best = null;
    int bestLength = -1;
    for (Map.Entry<IpPrefix, NodeId> e : chosen.entrySet()) {
      IpPrefix p = e.getKey();
      if (p.length() > bestLength && p.contains(host)) {
        best = e.getValue();
        bestLength = p.length();
      }
    }
    return best;
  }

  /** The installed prefixes routed through {@code id} (its session's allowed IPs include them). */
  public List<IpPrefix> routedVia(NodeId id) {
    List<IpPrefix> out = new ArrayList<>();
    for (Map.Entry<IpPrefix, NodeId> e : chosen.entrySet()) {
      if (e.getValue().equals(id)) {
        out.add(e.getKey());
      }
    }
    return out;
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
