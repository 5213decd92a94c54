package dev.weft.chaos.lab;

import java.net.Inet4Address;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A router between an upstream segment ({@code wan0}) and its own LAN ({@code lan0}), with a stateful firewall
 * and the NAT of its type (IPv4 only; IPv6 is routed, never translated).
 */
public final class Router extends Node {
  private final Nat nat;
  private final Hairpin hairpin;
  private Link wan;
  private Link lanLink;
  private Segment lan;

  Router(Lab lab, String name, Namespace namespace, Path dir, Nat nat, Hairpin hairpin) {
    super(lab, name, namespace, dir);
    this.nat = nat;
    this.hairpin = hairpin;
  }

  void wire(Link wan, Segment lan, Link lanLink) {
    this.wan = wan;
    this.lan = lan;
    this.lanLink = lanLink;
  }

  /** The NAT type declared for this router. */
  public Nat nat() {
    return nat;
  }

  /** Whether it hairpins. */
  public Hairpin hairpin() {
    return hairpin;
  }

  /** Its upstream link. */
  public Link wan() {
    return wan;
  }

  /** Its LAN-side link. */
  public Link lanLink() {
    return lanLink;
  }

  /** The LAN segment behind it. */
  public Segment lan() {
    return lan;
  }

  /** Its address on the upstream segment: the public address of its LAN when it translates. */
  public Inet4Address publicIpv4() {
    return wan.ipv4();
  }

  /** The router upstream of this one (the carrier router of a {@link Nat#CGNAT}), if any. */
  public Optional<Router> upstreamRouter() {
    return wan.segment().router();
  }

  /** The NAT this router's own ruleset implements (a CGNAT customer router is a port-restricted NAT). */
  Nat localNat() {
    return nat == Nat.CGNAT ? Nat.PORT_RESTRICTED : nat;
  }

  @Override
  public Inet4Address ipv4() {
    return wan.ipv4();
  }
}
