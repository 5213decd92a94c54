package dev.weft.gossip;

/**
 * Tuning of SWIM, Lifeguard and dissemination. {@link #defaults()} follows memberlist's LAN
 * profile except where noted; see {@code gossip/README.md} for the reasoning.
 *
 * @param probeIntervalMillis one failure-detection round (memberlist: 1 s)
 * @param probeTimeoutMillis wait for a direct ack before asking others (memberlist: 500 ms)
 * @param indirectChecks members asked to probe indirectly (3)
 * @param suspicionMult suspicion lasts at least {@code mult × log10 n} probe intervals, and never
 *     less than two (a refutation needs the accusation to reach the suspect and its alive to come
 *     back); memberlist uses 4, weft 1.5 because its gossip tick spreads refutations within about
 *     a second, a refuting member answers its accusers directly, and the minimum applies only once
 *     k other members confirm the suspicion (a lone accuser's suspect has six times as long)
 * @param suspicionMaxTimeoutMult Lifeguard: the unconfirmed suspicion timeout is this many times
 *     the minimum (6)
 * @param suspicionConfirmations Lifeguard's k: independent suspicions that shrink the timeout to
 *     its minimum (2, as memberlist's {@code SuspicionMult - 2}); each member probes one other per
 *     interval, so a crashed member is probed by about one member a second and k = 3 would often
 *     still wait for the third when the minimum has passed
 * @param retransmitMult each update is sent {@code mult × ceil(log10(n + 1))} times (4)
 * @param gossipIntervalMillis how often pending updates go to {@code gossipNodes} members (200 ms)
 * @param gossipNodes members per gossip tick (3)
 * @param pushPullIntervalMillis anti-entropy with one random member, scaled up with the cluster
 *     size like memberlist's (30 s)
 * @param reconnectIntervalMillis how often a dead member is contacted, so partitions heal (10 s)
 * @param gossipToTheDeadMillis dead members still receive gossip this long, to learn and refute (30 s)
 * @param awarenessMax Lifeguard's local health multiplier ceiling (8)
 * @param tombstoneHorizonMillis dead members and tombstones are forgotten after this (1 h)
 * @param maxPacketBytes datagram budget (1,200: fits any path's MTU inside the tunnel)
 * @param maxRecordBytes largest record payload accepted (16 KiB: routes and DNS records; above
 *     {@link LargeRecords#INLINE_MAX} encoded bytes a record travels as a notice and is fetched in chunks)
 * @param maxQueuedUpdates updates waiting to be piggybacked, at most (1,024: at about a dozen
 *     retired a second, over a minute of backlog; past it the most-sent are dropped and push-pull
 *     repairs, so a mass join cannot grow every member's queue to the cluster's size)
 * @param gossipBytesPerSecond the most a member's gossip ticks send per second (36,000: 6 full
 *     datagrams a tick instead of 3 when the queue holds more than 3 can carry; a quiet member
 *     sends nothing, a busy one 3 a tick, and only a backlog, as in a storm of suspicions, draws on
 *     the rest, so that updates leave as fast as they arrive instead of overflowing the queue)
 */
public record GossipConfig(
    long probeIntervalMillis,
    long probeTimeoutMillis,
    int indirectChecks,
    double suspicionMult,
    double suspicionMaxTimeoutMult,
    int suspicionConfirmations,
    int retransmitMult,
    long gossipIntervalMillis,
    int gossipNodes,
    long pushPullIntervalMillis,
    long reconnectIntervalMillis,
    long gossipToTheDeadMillis,
    int awarenessMax,
    long tombstoneHorizonMillis,
    int maxPacketBytes,
    int maxRecordBytes,
    int maxQueuedUpdates,
    int gossipBytesPerSecond) {

  public static GossipConfig defaults() {
    return new GossipConfig(1_000, 500, 3, 1.5, 6, 2, 4, 200, 3, 30_000, 10_000, 30_000, 8, 3_600_000, 1_200, 16_384, 1_024, 36_000);
  }

  /**
   * Datagrams per gossip tick when {@code pendingBytes} wait: {@link #gossipNodes} at least, one
   * more for each datagram's worth beyond what they carry, up to {@link #gossipBytesPerSecond}.
   */
  int gossipFanout(long pendingBytes) {
    long ceiling = Math.max(gossipNodes, (long) gossipBytesPerSecond * gossipIntervalMillis / 1000 / maxPacketBytes);
    long wanted = (pendingBytes + maxPacketBytes - 1) / maxPacketBytes;
    return (int) Math.min(ceiling, Math.max(gossipNodes, wanted));
  }

  /** The shortest suspicion, in probe intervals, whatever the cluster's size. */
  static final double MIN_SUSPICION_INTERVALS = 2.0;

  /** Suspicion timeout bounds for a cluster of {@code n} members, in milliseconds. */
  long minSuspicionMillis(int n) {
    double intervals = Math.max(MIN_SUSPICION_INTERVALS, suspicionMult * Math.log10(Math.max(1, n)));
    return (long) (intervals * probeIntervalMillis);
  }

  long maxSuspicionMillis(int n) {
    return (long) (suspicionMaxTimeoutMult * minSuspicionMillis(n));
  }

  int retransmitLimit(int n) {
    return retransmitMult * (int) Math.ceil(Math.log10(n + 1));
  }

  /** memberlist's push-pull scaling: slower exchanges in larger clusters keep the cost flat. */
  long scaledPushPullMillis(int n) {
    if (n <= 32) {
      return pushPullIntervalMillis;
    }
    double multiplier = Math.ceil(Math.log(n) / Math.log(2) - Math.log(32) / Math.log(2)) + 1.0;
    return (long) (pushPullIntervalMillis * multiplier);
  }
}
