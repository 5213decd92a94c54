package dev.weft.chaos.lab;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 subnet of the lab's underlay (always inside TEST-NET).
 *
 * @param network the network address as a 32-bit integer
 * @param prefixLength the prefix length
 */
public record Ipv4Subnet(int network, int prefixLength) {
  /** Validates the prefix length and that no host bits are set. */
  public Ipv4Subnet {
    if (prefixLength < 8 || prefixLength > 30) {
      throw new IllegalArgumentException("prefix length out of range: " + prefixLength);
    }
    if ((network & ~mask(prefixLength)) != 0) {
      throw new IllegalArgumentException("host bits set in " + format(network) + "/" + prefixLength);
    }
  }

  static Ipv4Subnet of(String dotted, int prefixLength) {
    return new Ipv4Subnet(parse(dotted), prefixLength);
  }

  /** The number of usable host addresses. */
  public int hostCount() {
    return (1 << (32 - prefixLength)) - 2;
  }

  /** The {@code n}-th host address (1-based). */
  public Inet4Address host(int n) {
    if (n < 1 || n > hostCount()) {
      throw new LabException("subnet " + this + " has no host number " + n);
    }
    return toAddress(network + n);
  }

  /** Whether {@code address} lies inside this subnet. */
  public boolean contains(InetAddress address) {
    if (!(address instanceof Inet4Address a)) {
      return false;
    }
    int v = java.nio.ByteBuffer.wrap(a.getAddress()).getInt();
    return (v & mask(prefixLength)) == network;
  }

  @Override
  public String toString() {
    return format(network) + "/" + prefixLength;
  }

  private static int mask(int prefixLength) {
    return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
  }

  private static int parse(String dotted) {
    String[] parts = dotted.split("\\.");
    int v = 0;
    for (String p : parts) {
      v = (v << 8) | Integer.parseInt(p);
    }
    return v;
  }

  private static String format(int v) {
    return (v >>> 24) + "." + ((v >>> 16) & 255) + "." + ((v >>> 8) & 255) + "." + (v & 255);
  }

  private static Inet4Address toAddress(int v) {
    try {
      return (Inet4Address)
          InetAddress.getByAddress(new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
