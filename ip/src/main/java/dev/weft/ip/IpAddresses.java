package dev.weft.ip;

import java.net.InetAddress;

/** IP addresses as text, the one way weft prints them (the same text {@link IpPrefix#toString} uses). */
public final class IpAddresses {
  private IpAddresses() {
  }

  /**
   * A dotted quad for IPv4; IPv6 as RFC 5952 prints it (lower case, the longest run of two or more
   * zero groups as "::"), with no zone id. Never a DNS lookup.
   */
  public static String text(InetAddress address) {
    return IpText.format(address.getAddress());
  }
}
