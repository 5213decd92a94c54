package dev.weft.chaos.lab;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * A /64 of the documentation prefix 2001:db8::/32 given to one segment.
 *
 * @param subnetId the 16-bit subnet number, so the prefix is 2001:db8:0:subnetId::/64
 */
public record Ipv6Prefix(int subnetId) {
  /** Validates the subnet number. */
  public Ipv6Prefix {
    if (subnetId < 0 || subnetId > 0xffff) {
      throw new IllegalArgumentException("subnet id out of range: " + subnetId);
    }
  }

  /** The {@code n}-th host address, 2001:db8:0:subnetId::n (n in hex). */
  public Inet6Address host(int n) {
    try {
      return (Inet6Address) InetAddress.getByName("2001:db8:0:" + Integer.toHexString(subnetId) + "::" + Integer.toHexString(n));
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "2001:db8:0:" + Integer.toHexString(subnetId) + "::/64";
  }
}
