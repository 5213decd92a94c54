package dev.weft.gossip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.gossip.sim.SimCluster;
import dev.weft.gossip.sim.SimCluster.SimNode;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** A thousand members in virtual time: bounds are virtual seconds, deterministic for the seed. */
class ThousandMembersTest {
  /**
   * Three crashes one after another: when a crash is first noticed depends on who happens to
   * probe the victim (about one member a second), so one crash alone says little about the
   * detector; the median of three does.
   */
  @Test
  void crashesAreKnownToNearlyAllWithinTenVirtualSecondsInTheMedian() {
    SimCluster c = SimulationTest.cluster(1000, 21);
    long[] times = new long[3];
    for (int i = 0; i < times.length; i++) {
      SimNode victim = c.node(300 + 200 * i);
      c.crash(victim);
      times[i] = c.runUntil(() -> c.fractionSeeing(victim, MemberState.DEAD) >= 0.999, 100, 60_000);
      assertTrue(times[i] >= 0 && times[i] <= 15_000, "crash known to 99.9% after " + times[i] + " ms (virtual)");
      c.run(5_000);
    }
    long[] sorted = times.clone();
    Arrays.sort(sorted);
    assertTrue(sorted[1] <= 10_000, "median crash detection " + sorted[1] + " ms of " + Arrays.toString(times));
    SimNode writer = c.node(123);
    writer.gossip().publish(new byte[] {9});
    long r = c.runUntil(() -> c.fraction(writer, g -> g.records().get(writer.id()).isPresent()) >= 0.999, 100, 60_000);
    assertTrue(r >= 0 && r <= 5_000, "record reached 99.9% after " + r + " ms (virtual)");
    assertEquals(0, c.falseDeaths());
  }
}
