package dev.weft.gossip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.gossip.sim.SimCluster;
import dev.weft.gossip.sim.SimCluster.SimNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 15: partitions heal within one anti-entropy round (the scaled push-pull interval), and a
 * restart of every member at once reassembles the cluster. Virtual time, fixed seeds.
 */
class PartitionAndRestartTest {
  private static final int N = 300;

  /** Cuts off {@code minority} members, waits until each side holds the other dead, heals, and times the repair. */
  private static void partitionHealsWithinOneRound(int minority, long seed) {
    SimCluster c = SimulationTest.cluster(N, seed);
    for (int i = 0; i < minority; i++) {
      c.partition(c.node(i), 1);
    }
    SimNode inMinority = c.node(0);
    SimNode inMajority = c.node(N - 1);
    assertTrue(c.runUntil(() -> inMajority.gossip().stateOf(inMinority.id()) == MemberState.DEAD
        && inMinority.gossip().stateOf(inMajority.id()) == MemberState.DEAD
        && inMinority.gossip().liveCount() == minority && inMajority.gossip().liveCount() == N - minority, 1_000, 600_000) >= 0,
        "the sides did not declare each other dead");
    c.healPartitions();
    long round = c.config().scaledPushPullMillis(N);
    long t = c.runUntil(() -> SimulationTest.everyoneSeesEveryone(c), 500, round);
    assertTrue(t >= 0, "a " + minority + "/" + (N - minority) + " partition did not heal within one anti-entropy round ("
        + round + " ms)");
  }

  @Test
  void aHalvesPartitionHealsWithinOneRound() {
    partitionHealsWithinOneRound(N / 2, 31);
  }

  @Test
  void aNinetyTenPartitionHealsWithinOneRound() {
    partitionHealsWithinOneRound(N / 10, 32);
  }

  @Test
  void aRestartOfEveryMemberAtOnceReassembles() {
    SimCluster c = SimulationTest.cluster(N, 33);
    List<PersistedState> saved = new ArrayList<>();
    for (SimNode n : c.nodes()) {
      saved.add(n.gossip().persistentState());
    }
    for (SimNode n : c.nodes()) {
      c.crash(n);
    }
    c.run(5_000);
    for (int i = 0; i < N; i++) {
      c.start(c.node(i), List.of(), saved.get(i)); // no seeds: only the members each remembered
    }
    long round = c.config().scaledPushPullMillis(N);
    assertTrue(c.runUntil(() -> SimulationTest.everyoneSeesEveryone(c), 500, 2 * round) >= 0,
        "every member restarted at once did not reassemble within two anti-entropy rounds");
    c.run(60_000);
    assertTrue(SimulationTest.everyoneSeesEveryone(c), "the reassembled cluster did not stay whole");
    assertEquals(0, c.falseDeaths(), () -> String.join("\n", c.falseDeathLog()));
  }
}
