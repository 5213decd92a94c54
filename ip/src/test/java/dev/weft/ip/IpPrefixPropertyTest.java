package dev.weft.ip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Parsing is user and network input: round trips, never a surprise exception, and the JDK agrees. */
class IpPrefixPropertyTest {

  @Provide
  Arbitrary<IpPrefix> prefixes() {
    Arbitrary<byte[]> v4 = Arbitraries.bytes().array(byte[].class).ofSize(4);
    // Few distinct group values, so that zero runs (and "::" compression) are common.
    Arbitrary<byte[]> v6 = Arbitraries.of((byte) 0, (byte) 0, (byte) 0, (byte) 1, (byte) 0xff, (byte) 0x7f, (byte) 0x80)
        .array(byte[].class).ofSize(16)
        .filter(a -> !IpPrefix.isIpv4Mapped(a));
    Arbitrary<byte[]> address = Arbitraries.oneOf(v4, v6, Arbitraries.bytes().array(byte[].class).ofSize(16)
        .filter(a -> !IpPrefix.isIpv4Mapped(a)));
    return address.flatMap(a -> Arbitraries.integers().between(0, a.length * 8).map(l -> new IpPrefix(a, l)));
  }

  @Property(tries = 2000)
  void parseOfToStringIsIdentity(@ForAll("prefixes") IpPrefix p) {
    assertEquals(p, IpPrefix.parse(p.toString()));
    assertEquals(p.network(), IpPrefix.parseNetwork(p.network().toString()));
  }

  @Property(tries = 1000)
  void readsWhatTheJdkPrints(@ForAll("prefixes") IpPrefix p) {
    // The JDK prints IPv6 uncompressed (0:0:0:0:0:0:0:1): another spelling of the same address.
    String jdk = p.inetAddress().getHostAddress();
    assertArrayEquals(p.address(), IpPrefix.parse(jdk).address());
    // And the JDK reads what this prints.
    String own = p.toString();
    assertEquals(p.inetAddress(), inet(own.substring(0, own.indexOf('/'))));
  }

  @Provide
  Arbitrary<String> prefixLikeText() {
    Arbitrary<Character> alphabet = Arbitraries.of('0', '1', '2', '5', '9', 'a', 'f', 'F', 'g', ':', ':', '.', '.', '/',
        '[', ']', ' ', '%', '-', '+', 'x', '\u0661', '\uff10');
    return alphabet.list().ofMaxSize(50).map(cs -> {
      StringBuilder b = new StringBuilder();
      cs.forEach(b::append);
      return b.toString();
    });
  }

  @Property(tries = 5000)
  void textThatIsNoPrefixThrowsOnlyTheDocumentedException(@ForAll("prefixLikeText") String text) {
    parseOrRefuse(text);
  }

  @Property(tries = 2000)
  void anyStringThrowsOnlyTheDocumentedException(@ForAll @Size(max = 80) String text) {
    parseOrRefuse(text);
  }

  @Property(tries = 2000)
  void anyBytesThrowOnlyTheDocumentedException(
      @ForAll @Size(max = 20) byte[] bytes, @ForAll @IntRange(min = -2, max = 140) int length) {
    try {
      IpPrefix p = new IpPrefix(bytes, length);
      assertEquals(p, IpPrefix.parse(p.toString()));
    } catch (IpPrefixException expected) {
      // documented
    }
  }

  @Property(tries = 2000)
  void textAcceptedIsWhatTheJdkReads(@ForAll("prefixLikeText") String text) {
    IpPrefix p;
    try {
      p = IpPrefix.parse(text);
    } catch (IpPrefixException refused) {
      return;
    }
    String s = text.strip();
    String addr = s.indexOf('/') < 0 ? s : s.substring(0, s.indexOf('/'));
    assertEquals(inet(addr), p.inetAddress(), text);
  }

  @Property(tries = 2000)
  void containsAndOverlapsAgreeWithBitByBit(@ForAll("prefixes") IpPrefix a, @ForAll("prefixes") IpPrefix b) {
    Assume.that(a.isIpv4() == b.isIpv4());
    boolean contains = b.length() >= a.length() && sameBits(a.address(), b.address(), a.length());
    assertEquals(contains, a.contains(b), a + " contains " + b);
    assertEquals(sameBits(a.address(), b.address(), Math.min(a.length(), b.length())), a.overlaps(b));
    assertEquals(a.overlaps(b), a.contains(b) || b.contains(a));
    assertEquals(sameBits(a.address(), b.address(), a.length()), a.contains(b.inetAddress()));
    assertTrue(a.contains(a) && a.network().contains(a) && a.contains(a.network()));
    assertTrue(a.network().isNetwork());
    assertEquals(a.network(), a.network().network());
  }

  private static boolean sameBits(byte[] x, byte[] y, int bits) {
    for (int i = 0; i < bits; i++) {
      int bx = (x[i / 8] >>> (7 - i % 8)) & 1;
      int by = (y[i / 8] >>> (7 - i % 8)) & 1;
      if (bx != by) {
        return false;
      }
    }
    return true;
  }

  private static void parseOrRefuse(String text) {
    try {
      IpPrefix p = IpPrefix.parse(text);
      assertEquals(p, IpPrefix.parse(p.toString()));
    } catch (IpPrefixException expected) {
      // documented
    }
  }

  private static InetAddress inet(String literal) {
    try {
      String bare = literal.startsWith("[") ? literal.substring(1, literal.length() - 1) : literal;
      return InetAddress.getByName(bare); // only text already known to be numeric gets here
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(literal, e);
    }
  }
}
