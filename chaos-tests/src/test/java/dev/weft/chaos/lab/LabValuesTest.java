package dev.weft.chaos.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The lab's pure parts; these run without root. */
class LabValuesTest {

  @Test
  void subnetsHandOutHostsInsideThemselves() throws Exception {
    Ipv4Subnet lan = Ipv4Subnet.of("198.51.100.32", 27);
    assertEquals("198.51.100.32/27", lan.toString());
    assertEquals(30, lan.hostCount());
    assertEquals(InetAddress.getByName("198.51.100.33"), lan.host(1));
    assertEquals(InetAddress.getByName("198.51.100.62"), lan.host(30));
    assertTrue(lan.contains(lan.host(7)));
    assertFalse(lan.contains(InetAddress.getByName("198.51.100.64")));
    assertThrows(LabException.class, () -> lan.host(31));
    assertThrows(IllegalArgumentException.class, () -> Ipv4Subnet.of("198.51.100.33", 27));
    assertEquals(InetAddress.getByName("2001:db8:0:a::1f"), new Ipv6Prefix(10).host(31));
    assertEquals("2001:db8:0:a::/64", new Ipv6Prefix(10).toString());
  }

  @Test
  void pingSummariesParse() {
    PingResult r =
        PingResult.parse(
            """
            --- 203.0.113.2 ping statistics ---
            1500 packets transmitted, 942 received, 37.2% packet loss, time 3107ms
            rtt min/avg/max/mdev = 0.009/0.043/0.127/0.010 ms
            """);
    assertEquals(1500, r.sent());
    assertEquals(942, r.received());
    assertEquals(37.2, r.lossPercent(), 0.01);
    assertEquals(Duration.ofNanos(127_000), r.max());
    PingResult none = PingResult.parse("3 packets transmitted, 0 received, 100% packet loss, time 2003ms\n");
    assertEquals(Duration.ZERO, none.min());
    assertEquals(100, none.lossPercent());
    assertThrows(LabException.class, () -> PingResult.parse("ping: connect: Network is unreachable"));
  }

  @Test
  void namespaceNamesCarryTheOwnerPid() {
    assertEquals(4242, Leftovers.ownerPid("wl-4242-a1b2-home"));
    assertEquals(-1, Leftovers.ownerPid("docker-something"));
    assertEquals(-1, Leftovers.ownerPid("wl-x-a1b2-home"));
  }

  @Test
  void delaysAndStreamResultsValidate() {
    assertThrows(IllegalArgumentException.class, () -> Delay.of(Duration.ofMillis(-1)));
    assertTrue(Delay.NONE.isNone());
    assertTrue(Delay.of(Duration.ofMillis(5), Duration.ofMillis(1)).withReordering().reorder());
    StreamResult ok = new StreamResult(10, 10, "ab", "ab", Duration.ofSeconds(1));
    assertEquals(80, ok.bitsPerSecond(), 1e-9);
    assertThrows(LabException.class, () -> new StreamResult(10, 9, "ab", "ac", Duration.ofSeconds(1)).requireIntact());
  }

  @Test
  void routerRulesMatchTheNatType() {
    var pub = Ipv4Subnet.of("203.0.113.0", 24).host(1);
    var lan = Ipv4Subnet.of("192.0.2.0", 27);
    String none = RouterRules.render(Nat.NONE, Hairpin.ON, pub, lan);
    assertFalse(none.contains("masquerade"));
    assertTrue(none.contains("policy drop"));
    assertTrue(RouterRules.render(Nat.SYMMETRIC, Hairpin.OFF, pub, lan).contains("masquerade fully-random"));
    String pr = RouterRules.render(Nat.PORT_RESTRICTED, Hairpin.OFF, pub, lan);
    assertTrue(pr.contains("masquerade\n") && !pr.contains("dnat"));
    String cone = RouterRules.render(Nat.FULL_CONE, Hairpin.OFF, pub, lan);
    assertTrue(cone.contains("iifname \"wan0\" ip daddr 203.0.113.1 meta l4proto { udp, tcp } dnat"), cone);
    assertTrue(RouterRules.render(Nat.PORT_RESTRICTED, Hairpin.ON, pub, lan).contains("snat ip to 203.0.113.1"));
  }
}
