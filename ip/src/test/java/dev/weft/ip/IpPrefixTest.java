package dev.weft.ip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpPrefixTest {

  @ParameterizedTest
  @CsvSource({
      "100.64.0.7/10, 100.64.0.7/10",
      "100.64.0.7, 100.64.0.7/32",
      "' 198.51.100.0/24 ', 198.51.100.0/24",
      "0.0.0.0/0, 0.0.0.0/0",
      "fd00:0077:0:0:0:0:0:10/48, fd00:77::10/48",
      "::1, ::1/128",
      "::, ::/128",
      "::/0, ::/0",
      "FD00::ABCD/64, fd00::abcd/64",
      "[fd00::1]/64, fd00::1/64",
      "[fd00::1], fd00::1/128",
      "2001:db8:0:1:0:0:0:1, 2001:db8:0:1::1/128",
      "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1/128",
      "2001:0:0:1:0:0:0:1/64, 2001:0:0:1::1/64",
      "1:0:2:3:4:5:6:7, 1:0:2:3:4:5:6:7/128",
      "1:2:3:4:5:6:7::, 1:2:3:4:5:6:7:0/128",
      "::2:3:4:5:6:7:8, 0:2:3:4:5:6:7:8/128",
      "::1.2.3.4, ::102:304/128",
      "64:ff9b::192.0.2.33/128, 64:ff9b::c000:221/128",
  })
  void parsesAndPrintsCanonically(String text, String canonical) {
    IpPrefix p = IpPrefix.parse(text);
    assertEquals(canonical, p.toString());
    assertEquals(p, IpPrefix.parse(canonical));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "/", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.04", "1.2.3.4/33",
      "1.2.3.4/-1", "1.2.3.4/+8", "1.2.3.4/", "1.2.3.4/1a", "1.2.3.4/0008", "1.2.3.4//8", "1.2.3.4/8/8", "fd00::/129",
      "example.com", "localhost", "fd00::g", ":::", "1::2::3", ":1::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7",
      "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8", "12345::", "1.2.3.4::", "::1.2.3", "::1.2.3.04", "fe80::1%eth0",
      "[fd00::1", "fd00::1]", "[1.2.3.4]", "\u0661.2.3.4", "fd\uff10\uff10::", "１.2.3.4", "1.2.3.4 /8",
      "100.64.0.0/10x"})
  void refusesWhatIsNotAPrefix(String text) {
    assertThrows(IpPrefixException.class, () -> IpPrefix.parse(text));
  }

  @Test
  void refusesIpv4MappedIpv6EveryWay() throws Exception {
    for (String s : new String[] {"::ffff:100.64.0.9/106", "::ffff:1.2.3.4", "::ffff:0:0/96", "0:0:0:0:0:ffff:102:304"}) {
      IpPrefixException e = assertThrows(IpPrefixException.class, () -> IpPrefix.parse(s), s);
      assertTrue(e.getMessage().contains("IPv4-mapped IPv6 address: write it as IPv4"), e.getMessage());
    }
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    mapped[12] = 100;
    assertThrows(IpPrefixException.class, () -> new IpPrefix(mapped, 128));
    // What a dual-stack socket reports for an IPv4 peer is that IPv4 address.
    InetAddress fromSocket = Inet6Address.getByAddress(null, mapped, -1);
    assertEquals(IpPrefix.parse("100.0.0.0/32"), IpPrefix.host(fromSocket));
    assertTrue(IpPrefix.parse("100.0.0.0/8").contains(fromSocket));
    assertFalse(IpPrefix.parse("::/0").contains(fromSocket));
    // The neighbours of the mapped range are ordinary IPv6.
    assertEquals("::fffe:102:304/128", IpPrefix.parse("::fffe:1.2.3.4").toString());
    assertEquals("::1:ffff:102:304/128", IpPrefix.parse("::1:ffff:1.2.3.4").toString());
  }

  @Test
  void refusesBadBytes() {
    assertThrows(IpPrefixException.class, () -> new IpPrefix(new byte[5], 0));
    assertThrows(IpPrefixException.class, () -> new IpPrefix(null, 0));
    assertThrows(IpPrefixException.class, () -> new IpPrefix(new byte[4], 33));
    assertThrows(IpPrefixException.class, () -> new IpPrefix(new byte[16], -1));
    assertThrows(IpPrefixException.class, () -> IpPrefix.parse(null));
    assertThrows(IpPrefixException.class, () -> IpPrefix.parse("1".repeat(100_000)));
  }

  @Test
  void keepsHostBitsUntilAskedForTheNetwork() {
    IpPrefix overlay = IpPrefix.parse("100.64.0.12/10");
    assertEquals("100.64.0.12/10", overlay.toString());
    assertFalse(overlay.isNetwork());
    assertEquals(IpPrefix.parse("100.64.0.0/10"), overlay.network());
    assertNotEquals(overlay, overlay.network());
    assertEquals(IpPrefix.parse("100.64.0.12/32"), overlay.hostPrefix());
    IpPrefix net = IpPrefix.parse("fd00::/8");
    assertSame(net, net.network());
    assertEquals(IpPrefix.parse("fd00::/8"), IpPrefix.parse("fd12:3456::1/8").network());
    assertEquals(32, IpPrefix.parse("192.0.2.1").length());
    assertEquals(128, IpPrefix.parse("fd00::1").length());
  }

  @Test
  void strictParsingRefusesHostBitsAndNamesTheNetwork() {
    assertEquals(IpPrefix.parse("198.51.100.0/24"), IpPrefix.parseNetwork("198.51.100.0/24"));
    assertEquals(IpPrefix.parse("198.51.100.3/32"), IpPrefix.parseNetwork("198.51.100.3"));
    IpPrefixException e = assertThrows(IpPrefixException.class, () -> IpPrefix.parseNetwork("198.51.100.3/24"));
    assertEquals("'198.51.100.3/24' has host bits set (the network is 198.51.100.0/24)", e.getMessage());
    assertThrows(IpPrefixException.class, () -> IpPrefix.parseNetwork("fd00::1/64"));
  }

  @Test
  void containmentRespectsFamilyAndLength() throws Exception {
    IpPrefix net = IpPrefix.parse("100.64.0.0/10");
    assertTrue(net.contains(IpPrefix.parse("100.127.255.255/32")));
    assertTrue(net.contains(IpPrefix.parse("100.64.0.12/10")));
    assertFalse(net.contains(IpPrefix.parse("100.128.0.0/32")));
    assertFalse(net.contains(IpPrefix.parse("100.64.0.0/9")));
    assertFalse(net.contains(IpPrefix.parse("::/0")));
    assertTrue(IpPrefix.parse("::/0").contains(IpPrefix.parse("fd00::1")));
    assertTrue(IpPrefix.parse("100.64.0.12/10").contains(InetAddress.getByName("100.100.1.1")));
    assertFalse(net.contains(InetAddress.getLoopbackAddress()));
    assertFalse(IpPrefix.parse("0.0.0.0/0").contains(InetAddress.getByName("::1")));
    assertTrue(net.overlaps(IpPrefix.parse("100.0.0.0/8")));
    assertTrue(net.overlaps(IpPrefix.parse("100.65.0.0/16")));
    assertFalse(net.overlaps(IpPrefix.parse("100.128.0.0/9")));
    assertFalse(IpPrefix.parse("0.0.0.0/0").overlaps(IpPrefix.parse("::/0")));
  }

  @Test
  void isImmutable() throws Exception {
    byte[] bytes = {10, 0, 0, 1};
    IpPrefix p = new IpPrefix(bytes, 8);
    bytes[0] = 11;
    p.address()[1] = 9;
    assertArrayEquals(new byte[] {10, 0, 0, 1}, p.address());
    assertEquals(p.hashCode(), new IpPrefix(new byte[] {10, 0, 0, 1}, 8).hashCode());
    assertTrue(p.inetAddress() instanceof Inet4Address);
    assertEquals(IpPrefix.of(InetAddress.getByName("fd00::1"), 64), IpPrefix.parse("fd00::1/64"));
    assertEquals(InetAddress.getByName("fd00::1"), IpPrefix.parse("fd00::1/64").inetAddress());
  }
}
