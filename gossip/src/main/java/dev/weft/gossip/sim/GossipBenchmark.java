package dev.weft.gossip.sim;

import dev.weft.gossip.GossipConfig;
import dev.weft.gossip.MemberState;
import dev.weft.gossip.PersistedState;
import dev.weft.gossip.sim.SimCluster.SimNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Prints how fast news spreads and how often healthy members are wrongly declared dead, for
 * clusters of several sizes, in virtual time. Run with {@code scripts/bench-gossip [--only SCENARIO] [--json] [N …]}.
 */
public final class GossipBenchmark {
  private static final double TARGET = 0.999;
  private static final long TEN_MINUTES = 600_000;
  private static final long START = System.nanoTime();

  private GossipBenchmark() {}

  /** The scenarios, in the order they run on one cluster (the costliest last). */
  static final List<String> SCENARIOS = List.of("join", "leave", "crash", "loss0", "loss5", "slow", "loss10");

  public static void main(String[] args) {
    List<Integer> sizes = new ArrayList<>();
    Set<String> only = new LinkedHashSet<>();
    boolean json = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--json" -> json = true;
        case "--only" -> {
          if (i + 1 >= args.length) {
            usage("--only needs a scenario");
          }
          for (String s : args[++i].split(",")) {
            if (!SCENARIOS.contains(s)) {
              usage("unknown scenario '" + s + "'");
            }
            only.add(s);
          }
        }
        case "-h", "--help" -> {
          System.out.println(USAGE);
          return;
        }
        default -> {
          try {
            int n = Integer.parseInt(a);
            if (n < 2) {
              usage("a cluster needs at least 2 members, not " + n);
            }
            sizes.add(n);
          } catch (NumberFormatException e) {
            usage("not a cluster size or an option: '" + a + "'");
          }
        }
      }
    }
    if (sizes.isEmpty()) {
      sizes = List.of(100, 1_000, 3_000);
    }
    if (only.isEmpty()) {
      only.addAll(SCENARIOS);
    }
    GossipConfig config = GossipConfig.defaults();
    Output output = json ? new JsonOutput() : new TableOutput();
    output.header();
    for (int n : sizes) {
      long wall = System.nanoTime();
      Map<String, Measurement> row = new LinkedHashMap<>();
      measure(n, config, 42, only, m -> {
        row.put(m.scenario(), m);
        output.measured(m);
      });
      output.row(n, row, (System.nanoTime() - wall) / 1e9);
    }
  }

  private static final String USAGE = """
      usage: bench-gossip [--only SCENARIO[,SCENARIO…]] [--json] [N …]
        N           cluster sizes (default 100 1000 3000)
        --only      run only these scenarios: join, leave, crash, loss0, loss5, loss10, slow
                    (crash is the median of three; loss0 also gives the quiet traffic, bytes_per_member_s;
                    slow is 5 % loss with 1 % of members 400 ms late)
        --json      one JSON object per measurement on stdout, e.g.
                    {"members": 3000, "scenario": "loss10", "false_deaths": 0, "bytes_per_member_s": 1400}
                    (join, leave and crash give "seconds"; a time never reached is null)
      Times are virtual, until 99.9 % of members know; progress goes to stderr.""";

  private static void usage(String problem) {
    System.err.println("bench-gossip: " + problem);
    System.err.println(USAGE);
    System.exit(2);
  }

  /**
   * One number of the benchmark: {@code seconds} for join, leave and crash (-1: never reached),
   * false deaths and traffic for the ten-minute scenarios.
   */
  record Measurement(int members, String scenario, long millis, long[] crashes, long falseDeaths,
      double bytesPerMemberPerSecond) {
    static Measurement time(int members, String scenario, long millis, long[] crashes) {
      return new Measurement(members, scenario, millis, crashes, -1, -1);
    }

    static Measurement run(int members, String scenario, long falseDeaths, double bytes) {
      return new Measurement(members, scenario, -1, null, falseDeaths, bytes);
    }

    String json() {
      StringBuilder b = new StringBuilder();
      b.append("{\"members\": ").append(members).append(", \"scenario\": \"").append(scenario).append('"');
      if (falseDeaths < 0) {
        b.append(", \"seconds\": ").append(millis < 0 ? "null" : String.format(Locale.ROOT, "%.2f", millis / 1000.0));
        if (crashes != null) {
          b.append(", \"each_seconds\": [");
          for (int i = 0; i < crashes.length; i++) {
            b.append(i > 0 ? ", " : "").append(crashes[i] < 0 ? "null" : String.format(Locale.ROOT, "%.2f", crashes[i] / 1000.0));
          }
          b.append(']');
        }
      } else {
        b.append(", \"false_deaths\": ").append(falseDeaths);
        b.append(", \"bytes_per_member_s\": ").append(Math.round(bytesPerMemberPerSecond));
      }
      return b.append('}').toString();
    }
  }

  private interface Output {
    void header();

    void measured(Measurement m);

    void row(int n, Map<String, Measurement> row, double wallSeconds);
  }

  private static final class JsonOutput implements Output {
    @Override
    public void header() {}

    @Override
    public void measured(Measurement m) {
      System.out.println(m.json());
      System.out.flush();
    }

    @Override
    public void row(int n, Map<String, Measurement> row, double wallSeconds) {}
  }

  private static final class TableOutput implements Output {
    @Override
    public void header() {
      System.out.println("weft gossip benchmark (simulated; latency 1-10 ms; times are virtual; 99.9% of members;"
          + " * median of three crashes; B/node/s over 10 quiet minutes; - not run)");
      System.out.printf(Locale.ROOT, "%-7s %9s %9s %9s %10s %10s %10s %10s %12s %8s%n",
          "N", "join s", "leave s", "crash s*", "FP 0%", "FP 5%", "FP 10%", "FP 1%slow", "B/node/s", "wall s");
    }

    @Override
    public void measured(Measurement m) {}

    @Override
    public void row(int n, Map<String, Measurement> row, double wallSeconds) {
      Measurement quiet = row.get("loss0");
      System.out.printf(Locale.ROOT, "%-7d %9s %9s %9s %10s %10s %10s %10s %12s %8.1f%n",
          n, seconds(row.get("join")), seconds(row.get("leave")), seconds(row.get("crash")), deaths(row.get("loss0")),
          deaths(row.get("loss5")), deaths(row.get("loss10")), deaths(row.get("slow")),
          quiet == null ? "-" : String.format(Locale.ROOT, "%.0f", quiet.bytesPerMemberPerSecond()), wallSeconds);
    }

    private static String seconds(Measurement m) {
      return m == null ? "-" : secs(m.millis());
    }

    private static String deaths(Measurement m) {
      return m == null ? "-" : Long.toString(m.falseDeaths());
    }
  }

  /** What the benchmark is doing, on stderr: a large cluster runs for an hour. */
  private static void progress(SimCluster c, String what) {
    System.err.printf(Locale.ROOT, "  [%d members, virtual %.0f s, wall %.0f s] %s%n",
        c.nodes().size(), c.time().now() / 1000.0, (System.nanoTime() - START) / 1e9, what);
  }

  /** Runs the chosen scenarios on one cluster of {@code n}, in {@link #SCENARIOS}' order. */
  static void measure(int n, GossipConfig config, long seed, Set<String> only, Consumer<Measurement> sink) {
    SimCluster c = formed(n, config, seed);
    if (only.contains("join")) {
      // A join: one new member, announced through one seed.
      SimNode newcomer = c.add(1).get(0);
      c.start(newcomer, List.of(c.node(0)), PersistedState.EMPTY);
      long join = c.runUntil(() -> c.fractionSeeing(newcomer, MemberState.ALIVE) >= TARGET, 50, 120_000);
      progress(c, "join known to 99.9 % after " + secs(join) + " s");
      sink.accept(Measurement.time(n, "join", join, null));
      c.run(20_000);
    }
    if (only.contains("leave")) {
      SimNode leaver = c.node(n / 3);
      leaver.gossip().leave();
      long leave = c.runUntil(() -> c.fractionSeeing(leaver, MemberState.LEFT) >= TARGET, 50, 120_000);
      progress(c, "leave known after " + secs(leave) + " s");
      sink.accept(Measurement.time(n, "leave", leave, null));
      c.crash(leaver);
      c.run(20_000);
    }
    if (only.contains("crash")) {
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
      Arrays.sort(sorted);
      // A crash never known (-1) counts as the slowest: the median is "never" only when two were.
      long never = Arrays.stream(crashes).filter(x -> x < 0).count();
      long median = never >= 2 ? -1 : never == 1 ? sorted[2] : sorted[1];
      sink.accept(Measurement.time(n, "crash", median, crashes));
    }
    if (only.contains("loss0")) {
      sink.accept(falsePositives(c, n, "loss0", 0.0, 0));
    }
    if (only.contains("loss5")) {
      sink.accept(falsePositives(c, n, "loss5", 0.05, 0));
    }
    if (only.contains("slow")) {
      // The column: 5 % loss with 1 % of members slowed, both at once.
      sink.accept(falsePositives(c, n, "slow", 0.05, Math.max(1, n / 100)));
    }
    if (only.contains("loss10")) {
      sink.accept(falsePositives(c, n, "loss10", 0.10, 0)); // the costliest last: every member hears every suspicion
    }
  }

  /** Ten virtual minutes with {@code loss} and {@code slowed} members 400 ms late: false deaths and traffic. */
  private static Measurement falsePositives(SimCluster c, int n, String scenario, double loss, int slowed) {
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
    long bytesBefore = totalSent(c);
    c.run(TEN_MINUTES);
    long fp = c.falseDeaths() - before;
    double bps = (totalSent(c) - bytesBefore) / (double) upCount(c) / (TEN_MINUTES / 1000.0);
    if (System.getenv("WEFT_BENCH_VERBOSE") != null) {
      List<String> log = c.falseDeathLog();
      System.err.println(scenario + ": " + log.subList(Math.max(0, log.size() - (int) fp), log.size()));
    }
    c.loss(0);
    for (SimNode s : slow) {
      c.slow(s, 0);
    }
    c.run(60_000); // let any wrongly dead member refute before the next scenario
    progress(c, String.format(Locale.ROOT, "10 minutes with %d %% loss and %d slowed: %d false deaths, %.0f bytes/member/s",
        Math.round(loss * 100), slowed, fp, bps));
    return Measurement.run(n, scenario, fp, bps);
  }

  /**
   * A cluster of {@code n} started formed ({@link SimCluster#startFormed}): forming 10,000 members
   * by joins took 22 minutes of wall time before the first scenario, and the join scenario still
   * measures a join. Reports the heap the formed cluster holds.
   */
  static SimCluster formed(int n, GossipConfig config, long seed) {
    SimCluster c = new SimCluster(seed, config);
    c.startFormed(c.add(n));
    for (SimNode s : c.nodes()) {
      if (s.gossip().liveCount() != n) {
        throw new IllegalStateException("a formed member sees " + s.gossip().liveCount() + " of " + n);
      }
    }
    long used = usedHeapAfterGc();
    progress(c, String.format(Locale.ROOT, "formed: every member sees every other; heap %.2f GB, %.0f bytes per member entry",
        used / 1e9, used / ((double) n * (n - 1))));
    return c;
  }

  /** Used heap after a full collection (System.gc() is one on G1 unless told otherwise). */
  private static long usedHeapAfterGc() {
    System.gc();
    java.lang.management.MemoryUsage heap = java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    return heap.getUsed();
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
