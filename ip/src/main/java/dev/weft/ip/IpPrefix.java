package dev.weft.ip;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 address with a prefix length, in CIDR notation: {@code 100.64.0.12/10},
 * {@code fd00:77::/48}. The one prefix type of weft: certificates, node records, routes, allowed
 * IPs and the config all use it.
 *
 * <h2>Address or network</h2>
 * A prefix holds the address as given, host bits included, because weft uses CIDR text for two
 * things:
 * <ul>
 *   <li>an <em>interface address</em>, such as a certificate's overlay IP: {@code 100.64.0.12/10}
 *       is the address 100.64.0.12 in the network 100.64.0.0/10. {@link #parse} reads it and keeps
 *       the host bits.
 *   <li>a <em>network</em>, such as a route, an allowed IP, a CA's network or a certificate's
 *       subnet: the host bits are zero. {@link #parseNetwork} reads it and refuses host bits,
 *       because {@code 10.1.2.3/24} as a route is usually a typo (for {@code 10.1.2.3/32}, or for
 *       {@code 10.1.2.0/24}), and guessing which would route the wrong traffic. {@link #network()}
 *       clears the host bits; {@link #isNetwork()} tells whether there are any.
 * </ul>
 * {@link #equals} compares what is held, so {@code 10.1.2.3/24} and {@code 10.1.2.0/24} differ:
 * a set or map of routes should hold networks. {@link #contains} and {@link #overlaps} compare
 * the networks only.
 *
 * <h2>IPv4-mapped IPv6</h2>
 * A prefix never holds an IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}): it is the IPv4
 * address a.b.c.d spelt a second way, with a prefix length off by 96, and a value that could
 * hold both spellings of one address would let two equal routes or overlay IPs compare unequal.
 * The parsers and the constructor refuse it ("write it as IPv4"): in certificates, node records
 * and the config it can only be a mistake or a trick. The kernel reports IPv4 peers of a
 * dual-stack socket in this form, so the methods that take a JDK address ({@link #host},
 * {@link #contains(InetAddress)}) read a mapped address as the IPv4 address it stands for. The
 * dataplane's cryptokey routing needs nothing more: it looks up the inner addresses of IPv4 and
 * IPv6 packets, which are never mapped.
 *
 * <h2>Text</h2>
 * {@link #toString()} is canonical: the dotted quad, or IPv6 as RFC 5952 prints it (lower case,
 * no leading zeros, the longest run of two or more zero groups as {@code ::}), then {@code /} and
 * the length. {@code parse(p.toString()).equals(p)} holds for every prefix. Parsing accepts only
 * numeric text (it never looks a name up), a bare address as a host prefix ({@code /32} or
 * {@code /128}), IPv6 in brackets, and surrounding white space; it refuses IPv4 parts with
 * leading zeros (octal to some tools) and IPv6 zone ids. Every refusal, of text or of bytes, is
 * an {@link IpPrefixException}.
 *
 * @param address the address bytes (4 or 16), host bits as given; copied in and out
 * @param length the prefix length, 0..32 or 0..128
 */
public record IpPrefix(byte[] address, int length) {

  /** Longer text is no prefix: 45 for the address, brackets, "/128", some white space. */
  private static final int MAX_TEXT = 64;

  /**
   * @throws IpPrefixException when the address has neither 4 nor 16 bytes, the length is out of
   *     range, or the address is IPv4-mapped IPv6
   */
  public IpPrefix {
    if (address == null || (address.length != 4 && address.length != 16)) {
      throw new IpPrefixException("an IP address has 4 or 16 bytes");
    }
    if (length < 0 || length > address.length * 8) {
      throw new IpPrefixException("prefix length " + length + " out of range 0.." + address.length * 8);
    }
    address = address.clone();
    if (isIpv4Mapped(address)) {
      throw new IpPrefixException(IpText.format(address) + " is an IPv4-mapped IPv6 address: write it as IPv4");
    }
  }

  /** The prefix of {@code address} with {@code length} bits (host bits kept). */
  public static IpPrefix of(InetAddress address, int length) {
    return new IpPrefix(address.getAddress(), length);
  }

  /**
   * The host prefix ({@code /32} or {@code /128}) of {@code address}; an IPv4-mapped IPv6
   * address, as a dual-stack socket reports an IPv4 peer, becomes that IPv4 address.
   */
  public static IpPrefix host(InetAddress address) {
    byte[] a = unmapped(address.getAddress());
    return new IpPrefix(a, a.length * 8);
  }

  /**
   * Parses CIDR text, keeping host bits: an interface address such as a certificate's overlay
   * IP. A bare address is a host prefix.
   *
   * @throws IpPrefixException when {@code text} is not a prefix (the message says why)
   */
  public static IpPrefix parse(String text) {
    if (text == null) {
      throw new IpPrefixException("not an IP address or CIDR: null");
    }
    if (text.length() > MAX_TEXT) {
      throw new IpPrefixException("not an IP address or CIDR: '" + text.substring(0, MAX_TEXT) + "...'");
    }
    String s = text.strip();
    int slash = s.indexOf('/');
    String addr = slash < 0 ? s : s.substring(0, slash);
    byte[] bytes = IpText.parse(addr);
    if (bytes == null) {
      throw new IpPrefixException("not an IP address or CIDR: '" + text + "'");
    }
    if (isIpv4Mapped(bytes)) {
      throw new IpPrefixException("'" + text + "' is an IPv4-mapped IPv6 address: write it as IPv4");
    }
    int length = bytes.length * 8;
    if (slash >= 0) {
      String len = s.substring(slash + 1);
      if (len.isEmpty() || len.length() > 3 || !len.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw new IpPrefixException("bad prefix length in '" + text + "'");
      }
      length = Integer.parseInt(len);
      if (length > bytes.length * 8) {
        throw new IpPrefixException("prefix length " + length + " too long for '" + addr + "'");
      }
    }
    return new IpPrefix(bytes, length);
  }

  /**
   * Parses CIDR text that must name a network (host bits zero): a route, an allowed IP, a
   * subnet. A bare address is a host prefix, which is a network of one.
   *
   * @throws IpPrefixException when {@code text} is not a prefix or has host bits set
   */
  public static IpPrefix parseNetwork(String text) {
    IpPrefix p = parse(text);
    if (!p.isNetwork()) {
      throw new IpPrefixException("'" + text.strip() + "' has host bits set (the network is " + p.network() + ")");
    }
    return p;
  }

  @Override
  public byte[] address() {
    return address.clone();
  }

  /** The address as a JDK value. */
  public InetAddress inetAddress() {
    try {
      return InetAddress.getByAddress(address);
    } catch (UnknownHostException e) {
      throw new AssertionError("4 or 16 bytes are always an address", e);
    }
  }

  public boolean isIpv4() {
    return address.length == 4;
  }

  /** 32 for IPv4, 128 for IPv6. */
  public int bits() {
    return address.length * 8;
  }

  /** This prefix with its host bits cleared: 100.64.0.12/10 becomes 100.64.0.0/10. */
  public IpPrefix network() {
    return isNetwork() ? this : new IpPrefix(masked(address, length), length);
  }

  /** Whether the host bits are all zero. */
  public boolean isNetwork() {
    return Arrays.equals(masked(address, length), address);
  }

  /** This address alone: 100.64.0.12/10 becomes 100.64.0.12/32. */
  public IpPrefix hostPrefix() {
    return length == bits() ? this : new IpPrefix(address, bits());
  }

  /** Whether every address of {@code other} lies in this network (host bits of both ignored). */
  public boolean contains(IpPrefix other) {
    return other.address.length == address.length && other.length >= length && samePrefix(other.address, length);
  }

  /**
   * Whether {@code address} lies in this network; an IPv4-mapped IPv6 address counts as the
   * IPv4 address it stands for (see the class comment).
   */
  public boolean contains(InetAddress address) {
    byte[] a = unmapped(address.getAddress());
    return a.length == this.address.length && samePrefix(a, length);
  }

  /** Whether some address lies in both networks: one of them contains the other. */
  public boolean overlaps(IpPrefix other) {
    return other.address.length == address.length && samePrefix(other.address, Math.min(length, other.length));
  }

  private boolean samePrefix(byte[] other, int bits) {
    int whole = bits / 8;
    for (int i = 0; i < whole; i++) {
      if (other[i] != address[i]) {
        return false;
      }
    }
    int rest = bits % 8;
    if (rest == 0) {
      return true;
    }
    int mask = 0xff00 >>> rest;
    return ((other[whole] ^ address[whole]) & mask) == 0;
  }

  private static byte[] masked(byte[] bytes, int length) {
    byte[] out = bytes.clone();
    for (int i = 0; i < out.length; i++) {
      int bitsHere = Math.max(0, Math.min(8, length - i * 8));
      out[i] &= (byte) (0xff00 >>> bitsHere);
    }
    return out;
  }

  /** Whether 16 bytes are {@code ::ffff:a.b.c.d}. */
  public static boolean isIpv4Mapped(byte[] a) {
    if (a.length != 16) {
      return false;
    }
    for (int i = 0; i < 10; i++) {
      if (a[i] != 0) {
        return false;
      }
    }
    return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
  }

  private static byte[] unmapped(byte[] a) {
    return isIpv4Mapped(a) ? Arrays.copyOfRange(a, 12, 16) : a;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IpPrefix p && p.length == length && Arrays.equals(p.address, address);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(address) * 31 + length;
  }

  /** Canonical CIDR text, e.g. {@code 100.64.0.12/10} or {@code fd00:77::c/48}. */
  @Override
  public String toString() {
    return IpText.format(address) + "/" + length;
  }
}
