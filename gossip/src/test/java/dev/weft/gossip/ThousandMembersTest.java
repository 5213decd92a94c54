package dev.weft.gossip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.gossip.sim.SimCluster;
import dev.weft.gossip.sim.SimCluster.SimNode;
import org.junit.jupiter.api.Test;

/** A thousand members in virtual time: bounds are virtual seconds, deterministic for the seed. */
class ThousandMembersTest {
  @Test
  void aCrashIsKnownToNearlyAllWithinTwelveVirtualSeconds() {
    SimCluster c = SimulationTest.cluster(1000, 21);
    SimNode victim = c.node(500);
    c.crash(victim);
    long t = c.runUntil(() -> c.fractionSeeing(victim, MemberState.DEAD) >= 0.999, 100, 60_000);
    assertTrue(t >= 0 && t <= 12_000, "crash known to 99.9% after " + t + " ms (virtual)");
    SimNode writer = c.node(123);
    writer.gossip().publish(new byte[] {9});
    long r = c.runUntil(() -> c.fraction(writer, g -> g.records().get(writer.id()).isPresent()) >= 0.999, 100, 60_000);
    assertTrue(r >= 0 && r <= 5_000, "record reached 99.9% after " + r + " ms (virtual)");
    assertEquals(0, c.falseDeaths());
  }
}
