package dev.weft.chaos.lab;

import java.net.Inet4Address;

/**
 * The nftables ruleset of a router: a stateful firewall (established and related accepted, anything
 * unsolicited from upstream dropped, input policy drop) plus the NAT of its type.
 *
 * <p>Full cone and hairpinning need to know which inside endpoint owns a public port. The ruleset learns it
 * from conntrack after masquerade has chosen the port ({@code ct reply proto-dst}), in a dynamic map that
 * inbound packets are then translated through.
 */
final class RouterRules {
  static final String WAN = "wan0";
  static final String LAN = "lan0";

  private RouterRules() {}

  static String render(Nat nat, Hairpin hairpin, Inet4Address publicAddress, Ipv4Subnet lan) {
    boolean translating = nat != Nat.NONE;
    boolean cone = nat == Nat.FULL_CONE;
    boolean hairpinning = translating && hairpin == Hairpin.ON;
    boolean learning = cone || hairpinning;
    String pub = publicAddress.getHostAddress();
    StringBuilder r = new StringBuilder();
    r.append("table inet lab\ndelete table inet lab\ntable inet lab {\n");
    if (learning) {
      r.append("  map mapped4 { type inet_proto . inet_service : ipv4_addr . inet_service; flags timeout; }\n");
    }
    r.append(
        """
          chain input {
            type filter hook input priority filter; policy drop;
            iif "lo" accept
            ct state established,related accept
            ct state invalid drop
            icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-solicit, nd-router-advert } accept
            iifname "%s" accept
          }
          chain forward {
            type filter hook forward priority filter; policy drop;
            ct state established,related accept
            ct state invalid drop
            iifname "%s" accept
        """
            .formatted(LAN, LAN));
    if (learning) {
      r.append("    ct status dnat accept\n");
    }
    r.append("  }\n");
    if (translating) {
      r.append("  chain prerouting {\n    type nat hook prerouting priority dstnat; policy accept;\n");
      if (cone) {
        r.append("    iifname \"" + WAN + "\" ip daddr " + pub
            + " meta l4proto { udp, tcp } dnat ip to meta l4proto . th dport map @mapped4\n");
      }
      if (hairpinning) {
        r.append("    iifname \"" + LAN + "\" ip daddr " + pub
            + " meta l4proto { udp, tcp } dnat ip to meta l4proto . th dport map @mapped4\n");
      }
      r.append("  }\n");
      r.append("  chain postrouting {\n    type nat hook postrouting priority srcnat; policy accept;\n");
      r.append("    oifname \"" + WAN + "\" meta nfproto ipv4 masquerade"
          + (nat == Nat.SYMMETRIC ? " fully-random" : "") + "\n");
      if (hairpinning) {
        // Hairpinned packets look as if they came from the public address, as on real routers.
        // (The input interface is unknown in postrouting, hence the source subnet.)
        r.append("    oifname \"" + LAN + "\" ip saddr " + lan + " ct status dnat snat ip to " + pub + "\n");
      }
      r.append("  }\n");
    }
    if (learning) {
      r.append(
          """
            chain learn {
              type filter hook postrouting priority srcnat + 10; policy accept;
              oifname "%s" ct status snat meta l4proto { udp, tcp } update @mapped4 { meta l4proto . ct reply proto-dst timeout 180s : ct original ip saddr . ct original proto-src }
            }
          """
              .formatted(WAN));
    }
    r.append("}\n");
    return r.toString();
  }
}
