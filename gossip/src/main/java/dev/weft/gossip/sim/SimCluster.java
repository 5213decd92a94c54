package dev.weft.gossip.sim;

import dev.weft.gossip.ClaimInterner;
import dev.weft.gossip.Gossip;
import dev.weft.gossip.GossipConfig;
import dev.weft.gossip.GossipListener;
import dev.weft.gossip.MemberAuthority;
import dev.weft.gossip.MemberState;
import dev.weft.gossip.NodeId;
import dev.weft.gossip.PersistedState;
import dev.weft.gossip.Scheduler;
import dev.weft.gossip.Transport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * Many gossip members on one virtual network. The network drops packets at a set rate, delays
 * them by a random latency, cuts partitions, and puts members behind NATs; members crash, restart,
 * and run slow (their timers and packet handling lag, as on a starved CPU).
 */
public final class SimCluster {
  private final VirtualTime time = new VirtualTime();
  private final SplittableRandom random;
  private final GossipConfig config;
  private final List<SimNode> nodes = new ArrayList<>();
  private final Map<NodeId, SimNode> byId = new HashMap<>();
  private final SimCertificates certificates;
  /** Shared by all members: each holds a claim for every other (see {@link ClaimInterner}). */
  private final ClaimInterner claims = new ClaimInterner();
  private double loss;
  private long minLatency = 1;
  private long maxLatency = 10;
  private long bytesDelivered;
  private int largestDatagram;
  private long falseDeaths;
  private final List<String> falseDeathLog = new ArrayList<>();

  /** One simulated member. */
  public final class SimNode {
    final int index;
    final NodeId id;
    final byte[] secret;
    Gossip gossip;
    boolean up;
    int epoch;
    int partition;
    long slowMillis;
    SimAuthority authority;
    /** Behind a NAT: when it last sent to each member (null: reachable by all). */
    Map<NodeId, Long> natSentTo;

    SimNode(int index, NodeId id, byte[] secret) {
      this.index = index;
      this.id = id;
      this.secret = secret;
      this.authority = new SimAuthority(certificates, secret);
    }

    public NodeId id() {
      return id;
    }

    public Gossip gossip() {
      return gossip;
    }

    public boolean isUp() {
      return up;
    }

    /** This member's signing key, for tests that play a member turned hostile. */
    public MemberAuthority authorityForTests() {
      return authority;
    }
  }

  public SimCluster(long seed, GossipConfig config) {
    this.random = new SplittableRandom(seed);
    this.config = config;
    byte[] caSecret = new byte[16];
    random.nextBytes(caSecret);
    this.certificates = new SimCertificates(caSecret);
  }

  public VirtualTime time() {
    return time;
  }

  public GossipConfig config() {
    return config;
  }

  public List<SimNode> nodes() {
    return nodes;
  }

  public SimNode node(int i) {
    return nodes.get(i);
  }

  /** The largest datagram any member sent. */
  public int largestDatagram() {
    return largestDatagram;
  }

  public long bytesDelivered() {
    return bytesDelivered;
  }

  /** Members declared dead by someone while they were up and reachable. */
  public long falseDeaths() {
    return falseDeaths;
  }

  /** The first false deaths: when, who declared whom. */
  public List<String> falseDeathLog() {
    return List.copyOf(falseDeathLog);
  }

  /** A revocation of {@code n}'s certificate, signed by the simulation's CA. */
  public byte[] revocationOf(SimNode n) {
    return certificates.revocation(n.id);
  }

  /** Whether {@code observer} holds a verified certificate for {@code member}. */
  public boolean knowsCertificate(SimNode observer, SimNode member) {
    return observer.authority.knows(member.id);
  }

  public void loss(double fraction) {
    this.loss = fraction;
  }

  public void latency(long minMillis, long maxMillis) {
    this.minLatency = minMillis;
    this.maxLatency = maxMillis;
  }

  /** Adds {@code n} members (not started). */
  public List<SimNode> add(int n) {
    List<SimNode> added = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] key = new byte[32];
      random.nextBytes(key);
      byte[] secret = new byte[16];
      random.nextBytes(secret);
      NodeId id = NodeId.of(key);
      SimNode node = new SimNode(nodes.size(), id, secret);
      certificates.add(id, nodes.size(), secret);
      nodes.add(node);
      byId.put(id, node);
      added.add(node);
    }
    return added;
  }

  /** Starts (or restarts) a member, joining through {@code seeds}. */
  public void start(SimNode node, List<SimNode> seeds, PersistedState remembered) {
    node.epoch++;
    node.up = true;
    node.authority = new SimAuthority(certificates, node.secret); // a restart forgets the certificates it learned
    node.authority.hello(node.id); // its own
    node.gossip = new Gossip(node.id, config, transport(node), scheduler(node), node.authority, listener(node), random.split(), claims);
    List<NodeId> seedIds = new ArrayList<>();
    for (SimNode s : seeds) {
      seedIds.add(s.id);
    }
    node.gossip.start(seedIds, remembered);
  }

  /**
   * Starts {@code members} (none running) as a cluster that formed long ago, without running the
   * joins: each member's certificates, member table and queues are what a join of all of them
   * through a seed leaves once gossip and push-pull have run their course (see
   * {@link Gossip#startFormed}): every other member known alive at incarnation 0 with its
   * certificate verified, nothing suspected or queued, full health, no records. Nothing after
   * that is a shortcut: from the first event on the members run the protocol. Forming 3,000
   * members by joins costs about 400 CPU-seconds and 10,000 over 20 minutes, before any
   * measurement; this costs about a second per 10^7 member entries.
   */
  public void startFormed(List<SimNode> members) {
    java.util.BitSet indices = new java.util.BitSet();
    for (SimNode n : members) {
      indices.set(n.index);
    }
    List<Gossip> gossips = new ArrayList<>(members.size());
    for (SimNode n : members) {
      if (n.up) {
        throw new IllegalStateException("member " + n.index + " is running already");
      }
      n.epoch++;
      n.up = true;
      n.authority = new SimAuthority(certificates, n.secret);
      n.authority.knownFromJoin(indices);
      n.gossip = new Gossip(n.id, config, transport(n), scheduler(n), n.authority, listener(n), random.split(), claims);
      gossips.add(n.gossip);
    }
    Gossip.startFormed(gossips);
  }

  /**
   * Hands {@code to} a datagram from {@code from} as a delivery does, the sender's hello first, now
   * and whether or not {@code from} runs: for tests that play a member's own packets.
   */
  public void deliver(SimNode from, SimNode to, byte[] datagram) {
    to.authority.hello(from.id, from.index);
    to.gossip.receive(from.id, datagram);
  }

  /** Stops a member without a word (a crash or power loss). */
  public void crash(SimNode node) {
    node.up = false;
    node.epoch++;
    if (node.gossip != null) {
      node.gossip.stop();
    }
  }

  /** Makes a member slow: its timers and packet handling lag by {@code millis}. */
  public void slow(SimNode node, long millis) {
    node.slowMillis = millis;
  }

  /** How long a NAT lets replies in after its member sent to someone (a UDP mapping's timeout). */
  public static final long NAT_MAPPING_MILLIS = 30_000;

  /**
   * Puts a member behind a symmetric NAT: a datagram reaches it only from a member it sent to in
   * the last {@link #NAT_MAPPING_MILLIS}. Two members behind NATs never reach each other.
   */
  public void behindNat(SimNode node) {
    node.natSentTo = new HashMap<>();
  }

  /** Puts a member in partition {@code p}; members talk only within one partition. */
  public void partition(SimNode node, int p) {
    node.partition = p;
  }

  public void healPartitions() {
    for (SimNode n : nodes) {
      n.partition = 0;
    }
  }

  public void run(long millis) {
    time.runFor(millis);
  }

  /**
   * Runs until {@code condition} holds (checked every {@code stepMillis}) or {@code maxMillis}
   * passed; returns the virtual time it took, or -1.
   */
  public long runUntil(java.util.function.BooleanSupplier condition, long stepMillis, long maxMillis) {
    long start = time.now();
    while (time.now() - start <= maxMillis) {
      if (condition.getAsBoolean()) {
        return time.now() - start;
      }
      time.runFor(stepMillis);
    }
    return -1;
  }

  /** The fraction of up members (other than {@code about}) for which {@code test} holds. */
  public double fraction(SimNode about, Predicate<Gossip> test) {
    int up = 0;
    int yes = 0;
    for (SimNode n : nodes) {
      if (!n.up || n == about) {
        continue;
      }
      up++;
      if (test.test(n.gossip)) {
        yes++;
      }
    }
    return up == 0 ? 1.0 : (double) yes / up;
  }

  /** Fraction of up members that see {@code about} in {@code state}. */
  public double fractionSeeing(SimNode about, MemberState state) {
    return fraction(about, g -> g.stateOf(about.id) == state);
  }

  private Transport transport(SimNode from) {
    final int epoch = from.epoch;
    return (to, datagram) -> {
      if (!from.up || from.epoch != epoch) {
        return;
      }
      largestDatagram = Math.max(largestDatagram, datagram.length);
      if (from.natSentTo != null) {
        from.natSentTo.put(to, time.now());
      }
      SimNode dst = byId.get(to);
      if (dst == null || random.nextDouble() < loss) {
        return;
      }
      long delay = minLatency + (maxLatency > minLatency ? random.nextLong(maxLatency - minLatency + 1) : 0);
      time.at(delay + dst.slowMillis, () -> {
        if (dst.up && from.partition == dst.partition && natLetsIn(dst, from)) {
          bytesDelivered += datagram.length;
          dst.authority.hello(from.id, from.index); // the control channel verified the sender's certificate
          dst.gossip.receive(from.id, datagram);
        }
      });
    };
  }

  private boolean natLetsIn(SimNode dst, SimNode from) {
    if (dst.natSentTo == null) {
      return true;
    }
    if (from.natSentTo != null) {
      return false; // symmetric on both sides: each sends to a mapping the other's NAT made for someone else
    }
    Long sent = dst.natSentTo.get(from.id);
    return sent != null && time.now() - sent <= NAT_MAPPING_MILLIS;
  }

  private Scheduler scheduler(SimNode node) {
    final int epoch = node.epoch;
    return new Scheduler() {
      @Override
      public long nowMillis() {
        return time.now();
      }

      @Override
      public long wallMillis() {
        return VirtualTime.EPOCH_MILLIS + time.now();
      }

      @Override
      public Cancellable schedule(long delayMillis, Runnable task) {
        return time.at(delayMillis + node.slowMillis, () -> {
          if (node.up && node.epoch == epoch) {
            task.run();
          }
        });
      }
    };
  }

  private GossipListener listener(SimNode observer) {
    return new GossipListener() {
      @Override
      public void memberDown(NodeId id, MemberState state) {
        SimNode n = byId.get(id);
        if (state == MemberState.DEAD && n != null && n.up && n.partition == observer.partition) {
          falseDeaths++;
          if (falseDeathLog.size() < 100) {
            falseDeathLog.add("t=" + time.now() + " " + observer.id + " declared " + id + " dead (its incarnation "
                + n.gossip.incarnation() + ", health " + n.gossip.localHealth() + ")");
          }
        }
      }
    };
  }
}
