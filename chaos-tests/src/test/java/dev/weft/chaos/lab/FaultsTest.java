package dev.weft.chaos.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Faults change while traffic flows; timing is only ever asserted as a lower bound. */
@RequiresLab
class FaultsTest {
  private static final Duration SECONDS_3 = Duration.ofSeconds(3);

  @Test
  void lossIsNearTheSetPercentageAndCanBeTurnedOff(Lab lab) {
    Host a = lab.host("a", lab.internet());
    Host b = lab.host("b", lab.internet());
    a.ping(b.ipv4(), SECONDS_3);
    a.link().loss(20);
    PingResult lossy = a.pingStats(b.ipv4(), 1500, Duration.ofMillis(2));
    // 20 % each way: a round trip survives with probability 0.8 * 0.8, so 36 % of pings are lost.
    System.out.println("loss 20 % per direction: " + lossy);
    assertEquals(36, lossy.lossPercent(), 8, lossy.toString());
    a.link().loss(0);
    PingResult clean = a.pingStats(b.ipv4(), 200, Duration.ofMillis(2));
    assertTrue(clean.lossPercent() <= 2, clean.toString());
  }

  @Test
  void partitionCutsBothWaysAndHealRestores(Lab lab) {
    Segment inet = lab.internet();
    Router home = lab.router("home", inet, Nat.PORT_RESTRICTED);
    Host a = lab.host("a", home.lan());
    Host c = lab.host("c", inet);
    Host x = lab.host("x", inet);
    Host y = lab.host("y", inet);
    a.ping(c.ipv4(), SECONDS_3);
    x.ping(y.ipv4(), SECONDS_3);

    try (Partition p = lab.partition(a, c)) {
      // a is behind home: the cut is made where their paths meet, between home's WAN port and c.
      assertEquals("partition on internet between home and c", p.toString());
      assertFalse(a.canPing(c.ipv4(), Duration.ofSeconds(1)));
      a.ping(x.ipv4(), SECONDS_3); // only a and c are separated
      Partition q = lab.partition(x, y);
      assertFalse(x.canPing(y.ipv4(), Duration.ofSeconds(1)));
      assertFalse(y.canPing(x.ipv4(), Duration.ofSeconds(1)));
      c.ping(y.ipv4(), SECONDS_3);
      q.heal();
      x.ping(y.ipv4(), SECONDS_3);
    }
    a.ping(c.ipv4(), SECONDS_3);
  }

  @Test
  void overlappingPartitionsHealOneByOne(Lab lab) {
    Segment inet = lab.internet();
    Router home = lab.router("home", inet, Nat.PORT_RESTRICTED);
    Host a = lab.host("a", home.lan());
    Host a2 = lab.host("a2", home.lan());
    Host c = lab.host("c", inet);
    a.ping(c.ipv4(), SECONDS_3);
    // Both cuts are the same one (home's WAN port to c): healing the first must not heal the second.
    Partition first = lab.partition(a, c);
    Partition second = lab.partition(a2, c);
    first.heal();
    assertFalse(a2.canPing(c.ipv4(), Duration.ofSeconds(1)), "the second partition still holds");
    second.heal();
    a2.ping(c.ipv4(), SECONDS_3);
    a.ping(c.ipv4(), SECONDS_3);
  }

  @Test
  void linkDownIsolatesAndUpReconnects(Lab lab) {
    Host a = lab.host("a", lab.internet());
    Host b = lab.host("b", lab.internet());
    a.ping(b.ipv4(), SECONDS_3);
    a.link().down();
    assertFalse(b.canPing(a.ipv4(), Duration.ofSeconds(1)));
    a.link().up();
    b.ping(a.ipv4(), SECONDS_3);
  }

  @Test
  void rateLimitSlowsAStreamDownButDeliversEveryByte(Lab lab) {
    Host a = lab.host("a", lab.internet());
    Host b = lab.host("b", lab.internet());
    long bytes = 500_000;
    long rate = 2_000_000;
    a.link().rate(rate);
    StreamResult limited = a.streamTo(b, b.ipv4(), bytes, Duration.ofSeconds(30)).requireIntact();
    System.out.printf("rate %d bit/s: %.0f bit/s measured%n", rate, limited.bitsPerSecond());
    // Lower bound only: at most the two buckets' bursts may pass faster than the rate.
    double floorSeconds = (bytes - 2 * 16_000) * 8.0 / rate * 0.9;
    assertTrue(limited.elapsed().toMillis() >= floorSeconds * 1000, limited.toString());
    a.link().rate(0);
    a.streamTo(b, b.ipv4(), bytes, Duration.ofSeconds(30)).requireIntact();
  }

  @Test
  void delayAddsLatencyBothWaysAndCarriesTcpIntact(Lab lab) {
    Host a = lab.host("a", lab.internet());
    Host b = lab.host("b", lab.internet());
    a.ping(b.ipv4(), SECONDS_3);
    a.link().delay(Delay.of(Duration.ofMillis(40)));
    PingResult slow = a.pingStats(b.ipv4(), 10, Duration.ofMillis(100));
    System.out.println("delay 40 ms per direction: " + slow);
    assertEquals(0, slow.sent() - slow.received(), slow.toString());
    assertTrue(slow.min().toMillis() >= 80, slow.toString());
    a.link().delay(Delay.of(Duration.ofMillis(5), Duration.ofMillis(2)));
    StreamResult s = a.streamTo(b, b.ipv4(), 4_000_000, Duration.ofSeconds(60)).requireIntact();
    System.out.printf("TCP through the delayer: %.1f Mbit/s%n", s.bitsPerSecond() / 1e6);
    a.link().delay(Delay.NONE);
    a.ping(b.ipv4(), SECONDS_3);
  }

  @Test
  void jitterReordersOnlyWhenAllowed(Lab lab) throws Exception {
    Host a = lab.host("a", lab.internet());
    Host b = lab.host("b", lab.internet());
    a.ping(b.ipv4(), SECONDS_3);
    Delay jittery = Delay.of(Duration.ofMillis(20), Duration.ofMillis(15));
    a.link().delay(jittery);
    assertEquals(0, outOfOrder(a, b));
    a.link().delay(jittery.withReordering());
    assertTrue(outOfOrder(a, b) > 0);
  }

  /** Sends 200 numbered datagrams 0.5 ms apart; counts arrivals with a lower number than one before. */
  private static int outOfOrder(Host from, Host to) throws Exception {
    try (DatagramChannel rx = to.call(() -> DatagramChannel.open().bind(new InetSocketAddress(0)));
        DatagramChannel tx = from.call(() -> DatagramChannel.open().bind(new InetSocketAddress(0)))) {
      InetSocketAddress dst = new InetSocketAddress(to.ipv4(), ((InetSocketAddress) rx.getLocalAddress()).getPort());
      for (int i = 0; i < 200; i++) {
        tx.send(ByteBuffer.allocate(4).putInt(0, i), dst);
        Thread.sleep(0, 500_000);
      }
      rx.socket().setSoTimeout(500);
      int highest = -1;
      int late = 0;
      int received = 0;
      DatagramPacket p = new DatagramPacket(new byte[4], 4);
      while (true) {
        try {
          rx.socket().receive(p);
        } catch (SocketTimeoutException e) {
          break;
        }
        int n = ByteBuffer.wrap(p.getData()).getInt();
        received++;
        if (n < highest) {
          late++;
        }
        highest = Math.max(highest, n);
      }
      assertTrue(received >= 190, "received only " + received);
      return late;
    }
  }
}
