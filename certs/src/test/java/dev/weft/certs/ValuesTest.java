package dev.weft.certs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.ip.IpPrefix;
import dev.weft.ip.IpPrefixException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ValuesTest {
  @Test
  void parsesAndPrintsPrefixes() throws Exception {
    assertEquals("100.64.0.7/10", IpPrefix.parse("100.64.0.7/10").toString());
    assertEquals("100.64.0.7/32", IpPrefix.parse("100.64.0.7").toString());
    assertEquals("fd00:77::10/48", IpPrefix.parse("fd00:0077:0:0:0:0:0:10/48").toString());
    assertEquals("::1/128", IpPrefix.parse("::1").toString());
    assertEquals("100.64.0.0/10", IpPrefix.parse("100.64.0.7/10").network().toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "/", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.4/33", "1.2.3.4/-1",
      "1.2.3.4/", "fd00::/129", "example.com", "fd00::g", "1.2.3.4/1a", " "})
  void refusesBadPrefixes(String s) {
    assertThrows(IpPrefixException.class, () -> IpPrefix.parse(s));
  }

  @Test
  void containmentRespectsFamilyAndLength() throws Exception {
    IpPrefix net = IpPrefix.parse("100.64.0.0/10");
    assertTrue(net.contains(IpPrefix.parse("100.127.255.255/32")));
    assertFalse(net.contains(IpPrefix.parse("100.128.0.0/32")));
    assertFalse(net.contains(IpPrefix.parse("100.64.0.0/9")));
    assertFalse(net.contains(IpPrefix.parse("::/0")));
    assertTrue(IpPrefix.parse("::/0").contains(IpPrefix.parse("fd00::1")));
  }

  @Test
  void parsesDurations() throws Exception {
    assertEquals(Duration.ofHours(8760), Durations.parse("8760h"));
    assertEquals(Duration.ofMinutes(90), Durations.parse("1h30m"));
    assertEquals(Duration.ofDays(30), Durations.parse("30d"));
    for (String bad : new String[] {"", "0h", "h", "10", "1y", "-1h", "1h 2m", "99999999999h"}) {
      assertThrows(CertsException.class, () -> Durations.parse(bad), bad);
    }
  }

  @Test
  void dnsLabels() throws Exception {
    assertEquals("web-1", DnsLabel.check("Web-1"));
    assertEquals("a", DnsLabel.check("a"));
    assertEquals("x".repeat(63), DnsLabel.check("x".repeat(63)));
  }
}
