package dev.weft.certs;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 address with a prefix length, as in {@code 100.64.0.7/10}: the address of a
 * node inside its overlay network, or (with the host bits zero) a network or routable subnet.
 *
 * @param address the address bytes (4 or 16), host bits kept as given
 * @param length the prefix length, 0..32 or 0..128
 */
public record IpPrefix(byte[] address, int length) {

  public IpPrefix {
    if (address.length != 4 && address.length != 16) {
      throw new IllegalArgumentException("an address has 4 or 16 bytes");
    }
    if (length < 0 || length > address.length * 8) {
      throw new IllegalArgumentException("prefix length out of range");
    }
    address = address.clone();
  }

  /**
   * Parses CIDR notation; a bare address means a host prefix (/32 or /128). Only numeric
   * addresses are accepted, so that parsing never consults DNS.
   */
  public static IpPrefix parse(String text) throws CertsException {
    String s = text.strip();
    int slash = s.indexOf('/');
    String addr = slash < 0 ? s : s.substring(0, slash);
    byte[] bytes = parseNumericAddress(addr);
    if (bytes == null) {
      throw new CertsException("not an IP address or CIDR: '" + text + "'");
    }
    if (bytes.length == 16 && isIpv4Mapped(bytes)) {
      // One address, two spellings, two prefix lengths: only the IPv4 form is accepted.
      throw new CertsException("'" + text + "' is an IPv4-mapped IPv6 address: write it as IPv4");
    }
    int length = bytes.length * 8;
    if (slash >= 0) {
      String len = s.substring(slash + 1);
      if (len.isEmpty() || len.length() > 3 || !len.chars().allMatch(Character::isDigit)) {
        throw new CertsException("bad prefix length in '" + text + "'");
      }
      length = Integer.parseInt(len);
      if (length > bytes.length * 8) {
        throw new CertsException("prefix length " + length + " too long for '" + addr + "'");
      }
    }
    return new IpPrefix(bytes, length);
  }

  private static boolean isIpv4Mapped(byte[] a) {
    for (int i = 0; i < 10; i++) {
      if (a[i] != 0) {
        return false;
      }
    }
    return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
  }

  private static byte[] parseNumericAddress(String addr) {
    if (addr.isEmpty()) {
      return null;
    }
    if (addr.indexOf(':') >= 0) {
      String bare = addr.startsWith("[") && addr.endsWith("]") ? addr.substring(1, addr.length() - 1) : addr;
      if (!bare.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
        return null;
      }
      try {
        // Only hex digits, colons and dots reach this point, so no name lookup happens.
        InetAddress a = InetAddress.getByName(bare);
        return a instanceof Inet6Address ? a.getAddress() : ipv4MappedToV6(a.getAddress());
      } catch (UnknownHostException e) {
        return null;
      }
    }
    String[] parts = addr.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    byte[] out = new byte[4];
    for (int i = 0; i < 4; i++) {
      String p = parts[i];
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
        return null;
      }
      if (p.length() > 1 && p.charAt(0) == '0') {
        return null; // leading zeros are octal to some parsers: refuse the ambiguity
      }
      int v = Integer.parseInt(p);
      if (v > 255) {
        return null;
      }
      out[i] = (byte) v;
    }
    return out;
  }

  private static byte[] ipv4MappedToV6(byte[] v4) {
    // InetAddress folds ::ffff:a.b.c.d into an Inet4Address; keep what the user wrote: IPv6.
    byte[] v6 = new byte[16];
    v6[10] = (byte) 0xff;
    v6[11] = (byte) 0xff;
    System.arraycopy(v4, 0, v6, 12, 4);
    return v6;
  }

  @Override
  public byte[] address() {
    return address.clone();
  }

  public boolean isIpv4() {
    return address.length == 4;
  }

  /** The address as a JDK value. */
  public InetAddress inetAddress() {
    try {
      return InetAddress.getByAddress(address);
    } catch (UnknownHostException e) {
      throw new AssertionError(e); // cannot happen for 4 or 16 bytes
    }
  }

  /** This prefix with its host bits cleared, e.g. 100.64.0.7/10 becomes 100.64.0.0/10. */
  public IpPrefix network() {
    return new IpPrefix(masked(address, length), length);
  }

  /** Whether every address of {@code other} lies inside this prefix. */
  public boolean contains(IpPrefix other) {
    return other.address.length == address.length
        && other.length >= length
        && Arrays.equals(masked(other.address, length), masked(address, length));
  }

  /** Whether the address {@code other} (its prefix ignored) lies inside this prefix. */
  public boolean containsAddress(IpPrefix other) {
    return other.address.length == address.length
        && Arrays.equals(masked(other.address, length), masked(address, length));
  }

  private static byte[] masked(byte[] bytes, int length) {
    byte[] out = bytes.clone();
    for (int i = 0; i < out.length; i++) {
      int bitsHere = Math.max(0, Math.min(8, length - i * 8));
      out[i] &= (byte) (0xff00 >>> bitsHere);
    }
    return out;
  }

  /** Address bytes followed by the prefix length: the encoding inside weft's extensions. */
  byte[] encode() {
    byte[] out = Arrays.copyOf(address, address.length + 1);
    out[address.length] = (byte) length;
    return out;
  }

  static IpPrefix decode(byte[] encoded) throws CertsException {
    if (encoded.length != 5 && encoded.length != 17) {
      throw new CertsException("malformed prefix in certificate extension");
    }
    int length = encoded[encoded.length - 1] & 0xff;
    if (length > (encoded.length - 1) * 8) {
      throw new CertsException("malformed prefix length in certificate extension");
    }
    return new IpPrefix(Arrays.copyOf(encoded, encoded.length - 1), length);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IpPrefix p && p.length == length && Arrays.equals(p.address, address);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(address) * 31 + length;
  }

  /** CIDR notation, e.g. {@code 100.64.0.7/10} or {@code fd00::7/64}. */
  @Override
  public String toString() {
    String host = inetAddress().getHostAddress();
    if (!isIpv4()) {
      host = compressIpv6(host);
    }
    return host + "/" + length;
  }

  private static String compressIpv6(String full) {
    // The JDK prints 0:0:0:0:0:0:0:1; users and other tools print ::1 (RFC 5952).
    String[] groups = full.split(":");
    int bestStart = -1;
    int bestLen = 0;
    for (int i = 0; i < groups.length; ) {
      if (groups[i].equals("0")) {
        int j = i;
        while (j < groups.length && groups[j].equals("0")) {
          j++;
        }
        if (j - i > bestLen && j - i > 1) {
          bestStart = i;
          bestLen = j - i;
        }
        i = j;
      } else {
        i++;
      }
    }
    if (bestStart < 0) {
      return full;
    }
    String head = String.join(":", Arrays.copyOfRange(groups, 0, bestStart));
    String tail = String.join(":", Arrays.copyOfRange(groups, bestStart + bestLen, groups.length));
    return head + "::" + tail;
  }
}
