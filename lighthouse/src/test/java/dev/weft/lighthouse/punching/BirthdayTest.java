package dev.weft.lighthouse.punching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.dataplane.udp.SpareSockets;
import dev.weft.dataplane.udp.UdpEndpoint;
import dev.weft.gossip.NodeId;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Birthday probing's bookkeeping: the spray's pace and bound, the rounds of spares and their limit. */
class BirthdayTest {
  private static final long MS = 1_000_000L;
  private long now = 1_000 * MS;
  private final List<InetSocketAddress> probes = new ArrayList<>();
  private final List<Integer> opened = new ArrayList<>();

  private Birthday birthday(UdpEndpoint udp) {
    return new Birthday(new Birthday.Sockets() {
      @Override
      public SpareSockets open(int count) {
        opened.add(count);
        return udp.openSpares(2); // two are enough to count rounds; 256 is the real number
      }

      @Override
      public void unpin(InetSocketAddress address) {
        udp.unpin(address);
      }

      @Override
      public void probe(NodeId peer, InetSocketAddress address) {
        probes.add(address);
      }
    }, () -> now, new SplittableRandom(7));
  }

  private static NodeId id(int i) {
    byte[] k = new byte[32];
    k[0] = (byte) i;
    return NodeId.of(k);
  }

  @Test
  void theEasySideSpraysAHundredDistinctPortsASecondAndStopsAt2048() throws Exception {
    try (UdpEndpoint udp = UdpEndpoint.bind(0, 2048, (b, f) -> b.release(), (b, f) -> b.release())) {
      Birthday b = birthday(udp);
      InetAddress hard = InetAddress.getByName("203.0.113.12");
      b.spray(id(1), hard);
      b.tick();
      assertEquals(0, probes.size(), "a moment for the hard side's openers first");
      for (int i = 0; i < 20; i++) { // 2 s after the delay
        now += 100 * MS;
        b.tick();
      }
      assertTrue(probes.size() >= 140 && probes.size() <= 160, "about 100 a second: " + probes.size());
      for (int i = 0; i < 200; i++) {
        now += 100 * MS;
        b.tick();
      }
      assertEquals(2048, probes.size());
      assertEquals(2048, new HashSet<>(probes).size(), "no port twice");
      assertTrue(probes.stream().allMatch(p -> p.getAddress().equals(hard) && p.getPort() >= 1024));
      assertFalse(b.active());
    }
  }

  @Test
  void theHardSideOpensOneRoundPerPeerAtMostThreeAndClosesThemAfter30s() throws Exception {
    try (UdpEndpoint udp = UdpEndpoint.bind(0, 2048, (b, f) -> b.release(), (b, f) -> b.release())) {
      Birthday b = birthday(udp);
      InetSocketAddress easy = new InetSocketAddress("203.0.113.10", 4242);
      assertTrue(b.openSpares(id(1), List.of(easy)));
      assertTrue(b.openSpares(id(1), List.of(easy)), "the same peer again: the round it has");
      assertTrue(b.openSpares(id(2), List.of(easy)));
      assertTrue(b.openSpares(id(3), List.of(easy)));
      assertFalse(b.openSpares(id(4), List.of(easy)), "three rounds of 256 sockets are the most");
      assertEquals(List.of(256, 256, 256), opened);
      assertFalse(b.authenticated(id(1), easy), "nothing arrived on a spare");
      now += 31_000 * MS;
      b.tick();
      assertFalse(b.active());
      assertTrue(b.openSpares(id(4), List.of(easy)));
    }
  }
}
