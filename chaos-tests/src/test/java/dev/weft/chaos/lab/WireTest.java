package dev.weft.chaos.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A wire counts what crosses the internet between two sites (after their NATs) and cuts exactly that. */
@RequiresLab
class WireTest {
  private static final Duration SECONDS_3 = Duration.ofSeconds(3);

  @Test
  void countsPacketsBetweenPublicAddressesBigOnesApartAndCutsOnlyThem(Lab lab) {
    Segment inet = lab.internet();
    Router home = lab.router("home", inet, Nat.PORT_RESTRICTED);
    Host a = lab.host("a", home.lan());
    Host b = lab.host("b", inet);
    Host c = lab.host("c", inet);
    try (Wire wire = inet.wire(home.publicIpv4(), b.ipv4())) {
      a.ping(b.ipv4(), SECONDS_3);
      Wire.Count start = wire.count();
      a.exec("ping", "-n", "-q", "-c", "5", "-i", "0.01", "-W", "2", b.ipv4().getHostAddress()).requireOk();
      a.exec("ping", "-n", "-q", "-c", "3", "-i", "0.01", "-s", "1200", b.ipv4().getHostAddress()).requireOk();
      a.exec("ping", "-n", "-q", "-c", "4", "-i", "0.01", c.ipv4().getHostAddress()).requireOk();
      Wire.Count d = wire.count().minus(start);
      assertEquals(new Wire.Count(8, 8, 3, 3), d, "a's pings to b (seen from the router's public address), not to c");

      wire.cut();
      assertFalse(a.canPing(b.ipv4(), Duration.ofSeconds(1)), "cut between home and b");
      assertTrue(a.canPing(c.ipv4(), SECONDS_3), "home still reaches c");
      assertTrue(wire.count().minus(start).aToB() > 8, "dropped packets are counted too");
      wire.heal();
      a.ping(b.ipv4(), SECONDS_3);
      assertTrue(wire.count().bToA() >= start.bToA() + 9, "counts survive cut and heal: " + wire.count());
    }
  }
}
