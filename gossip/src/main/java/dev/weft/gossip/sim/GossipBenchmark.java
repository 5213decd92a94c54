package dev.weft.gossip.sim;

import dev.weft.gossip.GossipConfig;
import dev.weft.gossip.MemberState;
import dev.weft.gossip.PersistedState;
import dev.weft.gossip.sim.SimCluster.SimNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Prints how fast news spreads and how often healthy members are wrongly declared dead, for
 * clusters of several sizes, in virtual time. Run with {@code scripts/bench-gossip [N …]}.
 */
public final class GossipBenchmark {
  private static final double TARGET = 0.999;
  private static final long TEN_MINUTES = 600_000;
  private static final long START = System.nanoTime();

  private GossipBenchmark() {}

  public static void main(String[] args) {
    List<Integer> sizes = new ArrayList<>();
    for (String a : args) {
      sizes.add(Integer.parseInt(a));
    }
    if (sizes.isEmpty()) {
      sizes = List.of(100, 1_000, 3_000); // 10,000 needs 20 GB of heap and hours
    }
    GossipConfig config = GossipConfig.defaults();
    System.out.println("weft gossip benchmark (simulated; latency 1-10 ms; times are virtual; 99.9% of members;"
        + " * median of three crashes)");
    System.out.printf(Locale.ROOT, "%-7s %9s %9s %9s %10s %10s %10s %10s %12s %8s%n",
        "N", "join s", "leave s", "crash s*", "FP 0%", "FP 5%", "FP 10%", "FP 1%slow", "B/node/s", "wall s");
    for (int n : sizes) {
      long wall = System.nanoTime();
      Row r = measure(n, config, 42);
      System.out.printf(Locale.ROOT, "%-7d %9s %9s %9s %10d %10d %10d %10d %12.0f %8.1f%n",
          n, secs(r.join), secs(r.leave), secs(r.crash), r.fp0, r.fp5, r.fp10, r.fpSlow, r.bytesPerNodePerSecond,
          (System.nanoTime() - wall) / 1e9);
    }
  }

  record Row(long join, long leave, long crash, long fp0, long fp5, long fp10, long fpSlow, double bytesPerNodePerSecond) {}

  /** What the benchmark is doing, on stderr: a large cluster runs for an hour. */
  private static void progress(SimCluster c, String what) {
    System.err.printf(Locale.ROOT, "  [%d members, virtual %.0f s, wall %.0f s] %s%n",
        c.nodes().size(), c.time().now() / 1000.0, (System.nanoTime() - START) / 1e9, what);
  }

  static Row measure(int n, GossipConfig config, long seed) {
    SimCluster c = formed(n, config, seed);
    // A join: one new member, announced through one seed.
    SimNode newcomer = c.add(1).get(0);
    c.start(newcomer, List.of(c.node(0)), PersistedState.EMPTY);
    long join = c.runUntil(() -> c.fractionSeeing(newcomer, MemberState.ALIVE) >= TARGET, 50, 120_000);
    progress(c, "join known to 99.9 % after " + secs(join) + " s");
    c.run(20_000);
    SimNode leaver = c.node(n / 3);
    leaver.gossip().leave();
    long leave = c.runUntil(() -> c.fractionSeeing(leaver, MemberState.LEFT) >= TARGET, 50, 120_000);
    progress(c, "leave known after " + secs(leave) + " s");
    c.crash(leaver);
    c.run(20_000);
    // Three crashes, one after another: when a crash is first noticed depends on who happens to
    // probe the victim first (about one member a second), so one crash varies by seconds; the
    // median of three says more about the detector.
    long[] crashes = new long[3];
    for (int i = 0; i < crashes.length; i++) {
      SimNode victim = c.node(n / 4 * (i + 1));
      c.crash(victim);
      crashes[i] = c.runUntil(() -> c.fractionSeeing(victim, MemberState.DEAD) >= TARGET, 50, 300_000);
      progress(c, "crash " + (i + 1) + " known after " + secs(crashes[i]) + " s");
      c.run(30_000);
    }
    long[] sorted = crashes.clone();
    java.util.Arrays.sort(sorted);
    long crash = sorted[1];

    long before = c.falseDeaths();
    long bytesBefore = totalSent(c);
    c.run(TEN_MINUTES);
    long fp0 = c.falseDeaths() - before;
    double bps = (totalSent(c) - bytesBefore) / (double) upCount(c) / (TEN_MINUTES / 1000.0);
    progress(c, String.format(Locale.ROOT, "10 minutes without loss: %d false deaths, %.0f bytes/member/s", fp0, bps));

    long fp5 = falsePositives(c, 0.05, 0);
    long fpSlow = falsePositives(c, 0.0, Math.max(1, n / 100));
    long fp10 = falsePositives(c, 0.10, 0); // the costliest last: every member hears every suspicion
    return new Row(join, leave, crash, fp0, fp5, fp10, fpSlow, bps);
  }

  private static long falsePositives(SimCluster c, double loss, int slowed) {
    c.loss(loss);
    List<SimNode> slow = new ArrayList<>();
    for (SimNode s : c.nodes()) {
      if (slow.size() >= slowed) {
        break;
      }
      if (s.isUp() && s.index % 7 == 3) {
        slow.add(s);
        c.slow(s, 400); // a starved CPU: everything it does happens 400 ms late
      }
    }
    long before = c.falseDeaths();
    c.run(TEN_MINUTES);
    long fp = c.falseDeaths() - before;
    if (System.getenv("WEFT_BENCH_VERBOSE") != null) {
      List<String> log = c.falseDeathLog();
      System.err.println("loss " + loss + " slowed " + slowed + ": " + log.subList(Math.max(0, log.size() - (int) fp), log.size()));
    }
    c.loss(0);
    for (SimNode s : slow) {
      c.slow(s, 0);
    }
    c.run(60_000); // let any wrongly dead member refute before the next scenario
    progress(c, "10 minutes with " + Math.round(loss * 100) + " % loss and " + slowed + " slowed: " + fp + " false deaths");
    return fp;
  }

  static SimCluster formed(int n, GossipConfig config, long seed) {
    SimCluster c = new SimCluster(seed, config);
    List<SimNode> nodes = c.add(n);
    c.start(nodes.get(0), List.of(), PersistedState.EMPTY);
    for (int i = 1; i < n; i++) {
      c.start(nodes.get(i), List.of(nodes.get(0)), PersistedState.EMPTY);
      c.run(2);
    }
    long took = c.runUntil(() -> {
      for (SimNode s : c.nodes()) {
        if (s.isUp() && s.gossip().liveCount() != n) {
          return false;
        }
      }
      return true;
    }, 1_000, 1_800_000);
    if (took < 0) {
      throw new IllegalStateException(n + " members did not all see each other within 30 virtual minutes");
    }
    progress(c, "formed: every member sees every other");
    return c;
  }

  private static long totalSent(SimCluster c) {
    long sum = 0;
    for (SimNode s : c.nodes()) {
      if (s.gossip() != null) {
        sum += s.gossip().stats().bytesSent();
      }
    }
    return sum;
  }

  private static int upCount(SimCluster c) {
    int up = 0;
    for (SimNode s : c.nodes()) {
      if (s.isUp()) {
        up++;
      }
    }
    return up;
  }

  private static String secs(long millis) {
    return millis < 0 ? "never" : String.format(Locale.ROOT, "%.2f", millis / 1000.0);
  }
}
