package dev.weft.chaos.lab;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** IPv6 beside IPv4: global documentation addresses, routed without NAT, same stateful firewall. */
@RequiresLab
class DualStackTest {
  private static final Duration SECONDS_3 = Duration.ofSeconds(3);

  @Test
  void ipv6IsRoutedThroughNatRoutersButUnsolicitedInboundIsDropped() {
    try (Lab lab = Lab.create(LabOptions.defaults().withIpv6())) {
      Segment inet = lab.internet();
      Router home = lab.router("home", inet, Nat.PORT_RESTRICTED);
      Router mobile = lab.router("mobile", inet, Nat.CGNAT);
      Host a = lab.host("a", home.lan());
      Host m = lab.host("m", mobile.lan());
      Host b = lab.host("b", inet);

      Inet6Address a6 = a.ipv6().orElseThrow();
      assertTrue(a6.getHostAddress().startsWith("2001:db8:"), a6.getHostAddress());
      a.ping(b.ipv6().orElseThrow(), SECONDS_3);
      m.ping(b.ipv6().orElseThrow(), SECONDS_3); // through two routers
      // Routed, not translated, yet each firewall drops what its LAN did not ask for.
      assertFalse(m.canPing(a6, Duration.ofSeconds(1)), "unsolicited inbound IPv6 must be dropped");
      assertFalse(b.canPing(a6, Duration.ofSeconds(1)), "unsolicited inbound IPv6 must be dropped");
      a.streamTo(b, b.ipv6().orElseThrow(), 1_000_000, Duration.ofSeconds(30)).requireIntact();
      a.ping(b.ipv4(), SECONDS_3); // and IPv4 still through the NAT
    }
  }
}
