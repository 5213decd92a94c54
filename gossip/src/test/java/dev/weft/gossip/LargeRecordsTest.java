package dev.weft.gossip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.gossip.sim.SimCluster;
import dev.weft.gossip.sim.SimCluster.SimNode;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Records of 8 KB (routes, DNS records) do not fit a datagram: they travel as notices and chunks. */
class LargeRecordsTest {
  private static byte[] payload(int size, long seed) {
    byte[] b = new byte[size];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }

  @Test
  void anEightKilobyteRecordReachesEveryoneAndANewerOneReplacesIt() {
    SimCluster c = SimulationTest.cluster(50, 41);
    SimNode origin = c.node(7);
    byte[] first = payload(8 * 1024, 1);
    origin.gossip().publish(first);
    long t = c.runUntil(() -> c.fraction(origin, g -> g.records().get(origin.id())
        .map(r -> Arrays.equals(r.payload(), first)).orElse(false)) >= 1.0, 100, 30_000);
    assertTrue(t >= 0, "an 8 KB record did not reach everyone");
    byte[] second = payload(8 * 1024, 2);
    origin.gossip().publish(second);
    t = c.runUntil(() -> c.fraction(origin, g -> g.records().get(origin.id())
        .map(r -> Arrays.equals(r.payload(), second)).orElse(false)) >= 1.0, 100, 30_000);
    assertTrue(t >= 0, "the newer 8 KB record did not replace the older everywhere");
    assertArrayEquals(second, c.node(30).gossip().records().get(origin.id()).orElseThrow().payload());
  }

  @Test
  void largeRecordsArriveUnderLossAndEveryDatagramFitsTheBudget() {
    SimCluster c = SimulationTest.cluster(30, 42);
    c.loss(0.05);
    for (int i = 0; i < 5; i++) {
      c.node(i).gossip().publish(payload(8 * 1024, 10 + i));
    }
    long t = c.runUntil(() -> {
      for (int i = 0; i < 5; i++) {
        SimNode o = c.node(i);
        if (c.fraction(o, g -> g.records().get(o.id()).map(r -> r.payload().length == 8 * 1024).orElse(false)) < 1.0) {
          return false;
        }
      }
      return true;
    }, 500, 120_000);
    assertTrue(t >= 0, "large records did not all arrive at 5 % loss");
    assertTrue(c.largestDatagram() <= c.config().maxPacketBytes(), "a datagram of " + c.largestDatagram() + " bytes");
  }

  @Test
  void aForgedChunkChangesNothing() {
    SimCluster c = SimulationTest.cluster(10, 43);
    SimNode origin = c.node(2);
    SimNode target = c.node(5);
    // Unasked-for chunks, and a whole record whose bytes are not the origin's signature's.
    HostileMemberTest.sendFrom(c.node(3), target, new Message.RecordChunk(origin.id(), 99, 1, 0, new byte[100]));
    assertTrue(target.gossip().records().get(origin.id()).isEmpty());
  }
}
