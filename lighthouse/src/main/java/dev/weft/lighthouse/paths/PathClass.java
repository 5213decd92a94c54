package dev.weft.lighthouse.paths;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * How much a direct path is preferred, best first. A LAN path (an address of the peer's own
 * interfaces that answers: two VMs on one PC, two hosts behind one NAT) and a global IPv6 path
 * cross no NAT and usually no internet hop; only then come the translated IPv4 paths. Round-trip
 * time decides within a class.
 */
enum PathClass {
  LAN,
  GLOBAL_IPV6,
  INTERNET;

  /**
   * The class of a path to {@code address}; {@code local} when the peer published it as one of its
   * interface addresses. Addresses learned otherwise (reflexive, static, or the source of a punch)
   * count as LAN only when they are private by their range.
   */
  static PathClass of(InetSocketAddress address, boolean local) {
    InetAddress a = address.getAddress();
    if (local || isPrivate(a)) {
      return LAN;
    }
    return a instanceof Inet6Address ? GLOBAL_IPV6 : INTERNET;
  }

  private static boolean isPrivate(InetAddress a) {
    if (a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isLoopbackAddress()) {
      return true;
    }
    byte[] b = a.getAddress();
    if (a instanceof Inet4Address) {
      return (b[0] & 0xFF) == 100 && (b[1] & 0xC0) == 64; // 100.64.0.0/10, carrier-grade NAT
    }
    return (b[0] & 0xFE) == 0xFC; // fc00::/7, unique local
  }
}
