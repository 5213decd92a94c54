package dev.weft.chaos.lab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A broadcast segment: one bridge in a switch namespace of its own, with a veth port per attached node.
 * Partitions and loss are bridge rules on these ports, so they never depend on the nodes' own firewalls.
 */
public final class Segment {
  static final String BRIDGE = "br0";

  private final String name;
  private final Namespace sw;
  private final Ipv4Subnet ipv4;
  private final Ipv6Prefix ipv6;
  private final Router owner;
  private final List<Link> links = new ArrayList<>();
  /** Cuts in force, each with the number of partitions that made it: overlapping ones heal one by one. */
  private final Map<PortPair, Integer> partitions = new LinkedHashMap<>();
  private final Map<Integer, Integer> lossBasisPoints = new LinkedHashMap<>();
  private int nextHost = 1;
  private int nextPort = 1;
  private int wires;

  record PortPair(int a, int b) {
    static PortPair of(int x, int y) {
      return new PortPair(Math.min(x, y), Math.max(x, y));
    }
  }

  Segment(String name, Namespace sw, Ipv4Subnet ipv4, Ipv6Prefix ipv6, Router owner) {
    this.name = name;
    this.sw = sw;
    this.ipv4 = ipv4;
    this.ipv6 = ipv6;
    this.owner = owner;
    sw.sysctl("net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
    sw.ip("link", "add", BRIDGE, "type", "bridge", "forward_delay", "0", "mcast_snooping", "0", "stp_state", "0");
    sw.ip("link", "set", BRIDGE, "up");
  }

  /** The segment's name. */
  public String name() {
    return name;
  }

  /** Its IPv4 subnet. */
  public Ipv4Subnet ipv4() {
    return ipv4;
  }

  /** Its IPv6 /64 when the lab runs dual-stack. */
  public Optional<Ipv6Prefix> ipv6() {
    return Optional.ofNullable(ipv6);
  }

  /** The router whose LAN this is, if any (the internet and plain segments have none). */
  public Optional<Router> router() {
    return Optional.ofNullable(owner);
  }

  /** Every attachment, in the order they were made. */
  public synchronized List<Link> links() {
    return List.copyOf(links);
  }

  Namespace switchNamespace() {
    return sw;
  }

  Router owner() {
    return owner;
  }

  /** Connects {@code node} with a veth pair: {@code ifname} inside the node, a bridge port here. */
  synchronized Link attach(Node node, String ifname) {
    int hostNumber = nextHost++;
    int port = nextPort++;
    String portName = "p" + port;
    var v4 = ipv4.host(hostNumber);
    var v6 = ipv6 == null ? null : ipv6.host(hostNumber);
    node.namespace().ip("link", "add", "name", ifname, "type", "veth", "peer", "name", portName, "netns", sw.name());
    sw.ip("link", "set", portName, "master", BRIDGE, "up");
    List<String> batch = new ArrayList<>();
    batch.add("addr add " + v4.getHostAddress() + "/" + ipv4.prefixLength() + " dev " + ifname);
    if (v6 != null) {
      batch.add("addr add " + v6.getHostAddress() + "/64 dev " + ifname + " nodad");
    }
    batch.add("link set " + ifname + " up");
    node.namespace().ipBatch(batch);
    Link link = new Link(node, this, ifname, port, v4, v6);
    links.add(link);
    return link;
  }

  /**
   * Counts the packets between {@code a} and {@code b} crossing this segment, and can cut exactly them (see
   * {@link Wire}). Close it to remove its rules; the lab's namespaces go with the lab in any case.
   */
  public synchronized Wire wire(java.net.InetAddress a, java.net.InetAddress b) {
    return new Wire(sw, "wire" + wires++, a, b);
  }

  synchronized void partition(Link a, Link b) {
    partitions.merge(PortPair.of(a.port(), b.port()), 1, Integer::sum);
    applyRules();
  }

  synchronized void heal(Link a, Link b) {
    partitions.computeIfPresent(PortPair.of(a.port(), b.port()), (k, n) -> n > 1 ? n - 1 : null);
    applyRules();
  }

  synchronized void loss(Link link, double percent) {
    if (percent < 0 || percent > 100) {
      throw new IllegalArgumentException("loss must be within 0..100 %: " + percent);
    }
    int bp = (int) Math.round(percent * 100);
    if (bp == 0) {
      lossBasisPoints.remove(link.port());
    } else {
      lossBasisPoints.put(link.port(), bp);
    }
    applyRules();
  }

  synchronized void setPortUp(Link link, boolean up) {
    sw.ip("link", "set", "p" + link.port(), up ? "up" : "down");
  }

  private void applyRules() {
    StringBuilder nft = new StringBuilder();
    nft.append("table bridge lab\ndelete table bridge lab\ntable bridge lab {\n");
    nft.append("  chain forward {\n    type filter hook forward priority 0; policy accept;\n");
    // Frames also cross delayer bridges (port <-> "taN"); judge each frame once, where it meets the main bridge.
    nft.append("    iifname \"ta*\" accept\n    oifname \"ta*\" accept\n");
    for (PortPair p : partitions.keySet()) {
      nft.append("    iifname ").append(names(p.a())).append(" oifname ").append(names(p.b())).append(" drop\n");
      nft.append("    iifname ").append(names(p.b())).append(" oifname ").append(names(p.a())).append(" drop\n");
    }
    for (Map.Entry<Integer, Integer> e : lossBasisPoints.entrySet()) {
      for (String dir : List.of("iifname", "oifname")) {
        nft.append("    ").append(dir).append(' ').append(names(e.getKey()))
            .append(" ether type { ip, ip6 } numgen random mod 10000 < ").append(e.getValue()).append(" drop\n");
      }
    }
    nft.append("  }\n}\n");
    sw.nft(nft.toString());
  }

  /** A port reaches the main bridge directly ("pN") or, while delayed, through its delayer's TAP ("tbN"). */
  private static String names(int port) {
    return "{ \"p" + port + "\", \"tb" + port + "\" }";
  }

  @Override
  public String toString() {
    return "segment " + name + " " + ipv4 + (ipv6 == null ? "" : " " + ipv6);
  }
}
