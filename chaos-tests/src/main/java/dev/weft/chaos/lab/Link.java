package dev.weft.chaos.lab;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.List;
import java.util.Optional;

/**
 * One attachment of a node to a segment (a veth pair). Faults set here act on this link in both directions
 * and can be changed at any time while a test runs.
 */
public final class Link {
  private final Node node;
  private final Segment segment;
  private final String interfaceName;
  private final int port;
  private final Inet4Address ipv4;
  private final Inet6Address ipv6;
  private Delayer delayer;

  Link(Node node, Segment segment, String interfaceName, int port, Inet4Address ipv4, Inet6Address ipv6) {
    this.node = node;
    this.segment = segment;
    this.interfaceName = interfaceName;
    this.port = port;
    this.ipv4 = ipv4;
    this.ipv6 = ipv6;
  }

  /** The attached node. */
  public Node node() {
    return node;
  }

  /** The segment it is attached to. */
  public Segment segment() {
    return segment;
  }

  /** The interface's name inside the node's namespace. */
  public String interfaceName() {
    return interfaceName;
  }

  /** The node's IPv4 address on this link. */
  public Inet4Address ipv4() {
    return ipv4;
  }

  /** The node's IPv6 address on this link, when the lab is dual-stack. */
  public Optional<Inet6Address> ipv6() {
    return Optional.ofNullable(ipv6);
  }

  int port() {
    return port;
  }

  /** Drops {@code percent} % of IP packets in each direction, independently (0 turns loss off). */
  public void loss(double percent) {
    segment.loss(this, percent);
  }

  /**
   * Limits the link to {@code bitsPerSecond} in each direction with a token bucket (tc tbf); 0 removes the
   * limit.
   */
  public void rate(long bitsPerSecond) {
    if (bitsPerSecond < 0) {
      throw new IllegalArgumentException("rate must not be negative: " + bitsPerSecond);
    }
    Namespace sw = segment.switchNamespace();
    for (var end : List.of(new End(node.namespace(), interfaceName), new End(sw, "p" + port))) {
      if (bitsPerSecond == 0) {
        Shell.run(end.ns().wrap(List.of("tc", "qdisc", "del", "dev", end.dev(), "root")));
      } else {
        long burstBytes = Math.max(16_000, bitsPerSecond / 8 / 50);
        Shell.check(
            end.ns()
                .wrap(
                    List.of("tc", "qdisc", "replace", "dev", end.dev(), "root", "tbf", "rate", bitsPerSecond + "bit",
                        "burst", String.valueOf(burstBytes), "latency", "200ms")));
      }
    }
  }

  private record End(Namespace ns, String dev) {}

  /**
   * Delays every frame crossing this link (in both directions) by a user-space forwarder, with optional jitter
   * and reordering; {@link Delay#NONE} removes it.
   */
  public synchronized void delay(Delay delay) {
    if (delay.isNone()) {
      if (delayer != null) {
        delayer.close();
        delayer = null;
      }
      return;
    }
    if (delayer == null) {
      delayer = Delayer.insert(segment.switchNamespace(), port, delay);
      node.lab().track(delayer);
    } else {
      delayer.set(delay);
    }
  }

  /** Cuts the link's carrier (the switch port goes down) until {@link #up()}. */
  public void down() {
    segment.setPortUp(this, false);
  }

  /** Restores a link cut by {@link #down()}. */
  public void up() {
    segment.setPortUp(this, true);
  }

  @Override
  public String toString() {
    return node.name() + ":" + interfaceName + "@" + segment.name() + " " + ipv4.getHostAddress()
        + (ipv6 == null ? "" : " " + ipv6.getHostAddress());
  }
}
