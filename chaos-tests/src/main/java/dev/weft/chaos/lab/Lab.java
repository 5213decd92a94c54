package dev.weft.chaos.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A network lab of namespaces: an internet segment, LAN segments, routers (with NAT and a stateful firewall)
 * and hosts, plus faults, processes and checks. Close it to remove everything it created.
 *
 * <pre>{@code
 * try (Lab lab = Lab.create()) {
 *   Segment inet = lab.internet();
 *   Router home = lab.router("home", inet, Nat.PORT_RESTRICTED);
 *   Host a = lab.host("a", home.lan());
 *   Host b = lab.host("b", inet);
 *   a.ping(b.ipv4(), Duration.ofSeconds(3));
 * }
 * }</pre>
 *
 * <p>Addresses: the internet is 203.0.113.0/24 (2001:db8::/64); LANs get /27s of 192.0.2.0/24 and
 * 198.51.100.0/24 (2001:db8:0:N::/64). No namespace is connected to the root namespace, so nothing can leave
 * the lab.
 */
public final class Lab implements AutoCloseable {
  private static final Ipv4Subnet INTERNET = Ipv4Subnet.of("203.0.113.0", 24);
  private static final String NAME = "[a-z][a-z0-9-]{0,23}";

  private final String runId;
  private final LabOptions options;
  private final Path logDir;
  private final Map<String, Node> nodes = new LinkedHashMap<>();
  private final Map<String, Segment> segments = new LinkedHashMap<>();
  private final List<Namespace> namespaces = new ArrayList<>();
  private final List<LabProcess> processes = new ArrayList<>();
  private final List<Delayer> delayers = new ArrayList<>();
  private Segment internet;
  private int lansAllocated;
  private int interfaceNames;
  private final List<String> interfaceNamesGiven = new ArrayList<>();
  private boolean closed;

  private Lab(LabOptions options) {
    this.options = options;
    String random = Long.toString(new SecureRandom().nextInt(36 * 36 * 36 * 36), 36);
    this.runId = Leftovers.PREFIX + ProcessHandle.current().pid() + "-" + random;
    this.logDir = options.logRoot().resolve(runId);
    try {
      Files.createDirectories(logDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An IPv4-only lab. Removes leftovers of crashed earlier runs first. */
  public static Lab create() {
    return create(LabOptions.defaults());
  }

  /** A lab built with {@code options}. Removes leftovers of crashed earlier runs first. */
  public static Lab create(LabOptions options) {
    Leftovers.removeDead();
    return new Lab(options);
  }

  /** This run's id, the prefix of all its namespace names ({@code wl-<pid>-<random>}). */
  public String runId() {
    return runId;
  }

  /** Where process logs and node directories of this run are kept (not deleted on close). */
  public Path logDir() {
    return logDir;
  }

  /** Whether segments carry IPv6 too. */
  public boolean ipv6() {
    return options.ipv6();
  }

  /** The internet segment (created on first use). */
  public synchronized Segment internet() {
    if (internet == null) {
      internet = newSegment("internet", INTERNET, options.ipv6() ? new Ipv6Prefix(0) : null, null);
    }
    return internet;
  }

  /** A plain segment without router, with a subnet of its own. */
  public synchronized Segment segment(String name) {
    return newLan(name, null);
  }

  /** A router without hairpinning. */
  public Router router(String name, Segment upstream, Nat nat) {
    return router(name, upstream, nat, Hairpin.OFF);
  }

  /**
   * A router named {@code name} attached to {@code upstream} (as {@code wan0}) with a new LAN segment
   * {@code <name>-lan} behind it (as {@code lan0}, the LAN's first address).
   */
  public synchronized Router router(String name, Segment upstream, Nat nat, Hairpin hairpin) {
    checkOpen();
    if (nat == Nat.CGNAT) {
      Router carrier = router(name + "-cgn", upstream, Nat.PORT_RESTRICTED, Hairpin.OFF);
      upstream = carrier.lan();
    }
    Namespace ns = newNamespace(name);
    ns.sysctl(
        "net.ipv4.ip_forward=1",
        "net.ipv6.conf.all.forwarding=1",
        "net.ipv6.conf.all.accept_dad=0",
        "net.ipv6.conf.default.accept_dad=0");
    Router r = new Router(this, name, ns, nodeDir(name), nat, hairpin);
    nodes.put(name, r);
    Link wan = upstream.attach(r, RouterRules.WAN);
    r.addLink(wan);
    Segment lan = newLan(name + "-lan", r);
    Link lanLink = lan.attach(r, RouterRules.LAN);
    r.addLink(lanLink);
    r.wire(wan, lan, lanLink);
    ns.nft(RouterRules.render(r.localNat(), hairpin, wan.ipv4(), lan.ipv4()));
    refreshRoutes();
    return r;
  }

  /** A host named {@code name} attached to {@code segment} as {@code eth0}. */
  public synchronized Host host(String name, Segment segment) {
    checkOpen();
    Namespace ns = newNamespace(name);
    Host h = new Host(this, name, ns, nodeDir(name));
    nodes.put(name, h);
    h.addLink(segment.attach(h, "eth0"));
    refreshRoutes();
    return h;
  }

  /** The node named {@code name}. */
  public synchronized Node node(String name) {
    Node n = nodes.get(name);
    if (n == null) {
      throw new LabException("no node named " + name);
    }
    return n;
  }

  /**
   * Cuts all traffic between {@code a} and {@code b} until healed. The cut is made on the first segment
   * both reach (directly or through their upstream routers), between their two ports there; other nodes
   * behind the same routers are cut too, as on a real network.
   */
  public Partition partition(Node a, Node b) {
    Map<Segment, Link> upA = upwards(a);
    Map<Segment, Link> upB = upwards(b);
    for (Map.Entry<Segment, Link> e : upA.entrySet()) {
      Link lb = upB.get(e.getKey());
      if (lb != null && lb != e.getValue()) {
        Partition p = new Partition(e.getKey(), e.getValue(), lb);
        e.getKey().partition(e.getValue(), lb);
        return p;
      }
    }
    throw new LabException("no segment where " + a.name() + " and " + b.name() + " could be separated");
  }

  /** The links through which {@code node} reaches each segment above it, nearest first. */
  private Map<Segment, Link> upwards(Node node) {
    Map<Segment, Link> up = new LinkedHashMap<>();
    for (Link l : node.links()) {
      up.putIfAbsent(l.segment(), l);
    }
    Node current = node;
    while (true) {
      Link uplink = current instanceof Router r ? r.wan() : current.links().get(0);
      Router owner = uplink.segment().owner();
      if (owner == null || owner == current) {
        return up;
      }
      up.putIfAbsent(owner.wan().segment(), owner.wan());
      current = owner;
    }
  }

  /** A run-unique interface name ({@code prefix} plus a short suffix, at most 15 characters). */
  public synchronized String interfaceName(String prefix) {
    String suffix = runId.substring(runId.lastIndexOf('-') + 1) + Integer.toString(interfaceNames++, 36);
    String name = prefix + suffix;
    if (name.length() > 15) {
      throw new IllegalArgumentException("interface name prefix too long: " + prefix);
    }
    interfaceNamesGiven.add(name);
    return name;
  }

  /**
   * The command line that runs weft through the repository's launcher {@code bin/weft} (found by walking up
   * from the working directory), for {@link Node#start(String, String...)}.
   */
  public static List<String> weft(String... args) {
    Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    while (dir != null && !Files.isExecutable(dir.resolve("bin/weft"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new LabException("bin/weft not found above " + System.getProperty("user.dir"));
    }
    List<String> cmd = new ArrayList<>(List.of(dir.resolve("bin/weft").toString()));
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** Every process started in this lab. */
  public synchronized List<LabProcess> processes() {
    return List.copyOf(processes);
  }

  /** The last {@code lines} lines of every process's output, for a failure report. */
  public String processLogs(int lines) {
    StringBuilder sb = new StringBuilder();
    for (LabProcess p : processes()) {
      sb.append(p.tail(lines));
    }
    return sb.toString();
  }

  synchronized void track(LabProcess p) {
    processes.add(p);
  }

  synchronized void track(Delayer d) {
    delayers.add(d);
  }

  private void refreshRoutes() {
    for (Node n : nodes.values()) {
      List<String> wanted = new ArrayList<>();
      for (Link l : n.links()) {
        Router owner = l.segment().owner();
        if (owner != null && owner != n) {
          wanted.add("route replace default via " + owner.lanLink().ipv4().getHostAddress());
          owner.lanLink().ipv6().ifPresent(v6 -> wanted.add("route replace default via " + v6.getHostAddress()));
        }
        for (Link other : l.segment().links()) {
          if (other.node() instanceof Router r && r != n && r.wan() == other) {
            for (Ipv4Subnet p : routedIpv4(r)) {
              wanted.add("route replace " + p + " via " + other.ipv4().getHostAddress());
            }
            if (other.ipv6().isPresent()) {
              for (Ipv6Prefix p : routedIpv6(r)) {
                wanted.add("route replace " + p + " via " + other.ipv6().get().getHostAddress());
              }
            }
          }
        }
      }
      n.ensureRoutes(wanted);
    }
  }

  /** IPv4 prefixes reachable through {@code r} from upstream: none when it translates. */
  private List<Ipv4Subnet> routedIpv4(Router r) {
    if (r.localNat() != Nat.NONE || r.lan() == null) {
      return List.of();
    }
    List<Ipv4Subnet> out = new ArrayList<>(List.of(r.lan().ipv4()));
    for (Router below : routersOn(r.lan())) {
      out.addAll(routedIpv4(below));
    }
    return out;
  }

  private List<Ipv6Prefix> routedIpv6(Router r) {
    if (r.lan() == null || r.lan().ipv6().isEmpty()) {
      return List.of();
    }
    List<Ipv6Prefix> out = new ArrayList<>(List.of(r.lan().ipv6().get()));
    for (Router below : routersOn(r.lan())) {
      out.addAll(routedIpv6(below));
    }
    return out;
  }

  private static List<Router> routersOn(Segment s) {
    List<Router> out = new ArrayList<>();
    for (Link l : s.links()) {
      if (l.node() instanceof Router r && r.wan() == l) {
        out.add(r);
      }
    }
    return out;
  }

  private Segment newLan(String name, Router owner) {
    checkOpen();
    int index = lansAllocated++;
    if (index >= 16) {
      throw new LabException("the lab has room for 16 LAN segments");
    }
    String base = index < 8 ? "192.0.2." + index * 32 : "198.51.100." + (index - 8) * 32;
    return newSegment(name, Ipv4Subnet.of(base, 27), options.ipv6() ? new Ipv6Prefix(index + 1) : null, owner);
  }

  private Segment newSegment(String name, Ipv4Subnet v4, Ipv6Prefix v6, Router owner) {
    checkOpen();
    Namespace sw = newNamespace(name);
    Segment s = new Segment(name, sw, v4, v6, owner);
    segments.put(name, s);
    return s;
  }

  private Namespace newNamespace(String name) {
    if (!name.matches(NAME)) {
      throw new IllegalArgumentException("lab names are 1-24 of [a-z0-9-], starting with a letter: " + name);
    }
    if (nodes.containsKey(name) || segments.containsKey(name)) {
      throw new IllegalArgumentException("name already used in this lab: " + name);
    }
    Namespace ns = Namespace.create(runId + "-" + name);
    namespaces.add(ns);
    return ns;
  }

  private Path nodeDir(String name) {
    Path dir = logDir.resolve(name);
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("lab " + runId + " is closed");
    }
  }

  /** Stops delayers, kills every process and removes every namespace, even when some step fails. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<RuntimeException> failures = new ArrayList<>();
    for (Delayer d : delayers) {
      attempt(d::close, failures);
    }
    for (LabProcess p : processes) {
      attempt(p::kill, failures);
    }
    List<Namespace> reversed = new ArrayList<>(namespaces);
    Collections.reverse(reversed);
    for (Namespace ns : reversed) {
      attempt(ns::destroy, failures);
    }
    // Sockets named after interfaces live outside the namespaces and survive a killed process:
    // wireguard-go's UAPI sockets and weft's admin sockets.
    for (String name : interfaceNamesGiven) {
      for (Path dir : List.of(Path.of("/var/run/wireguard"), Path.of("/run/weft"))) {
        Path sock = dir.resolve(name + ".sock");
        attempt(() -> {
          try {
            Files.deleteIfExists(sock);
          } catch (java.io.IOException e) {
            throw new LabException("cannot remove " + sock + ": " + e.getMessage(), e);
          }
        }, failures);
      }
    }
    if (!failures.isEmpty()) {
      LabException e = new LabException("lab " + runId + " cleanup had " + failures.size() + " failure(s)");
      failures.forEach(e::addSuppressed);
      throw e;
    }
  }

  private static void attempt(Runnable step, List<RuntimeException> failures) {
    try {
      step.run();
    } catch (RuntimeException e) {
      failures.add(e);
    }
  }

  /** The nodes' addresses, for messages. */
  @Override
  public synchronized String toString() {
    StringBuilder sb = new StringBuilder("lab " + runId + "\n");
    for (Node n : nodes.values()) {
      sb.append("  ").append(n).append('\n');
    }
    return sb.toString();
  }
}
