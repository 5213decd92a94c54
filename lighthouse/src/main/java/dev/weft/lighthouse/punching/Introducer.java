package dev.weft.lighthouse.punching;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.weft.certs.NodeIdentity;
import dev.weft.lighthouse.channel.ChannelKind;
import dev.weft.lighthouse.channel.ControlChannel;
import dev.weft.lighthouse.channel.PeerInfo;
import dev.weft.gossip.NodeId;
import dev.weft.lighthouse.channel.TokenBucket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The lighthouse's part in punching: it passes a member's {@link CallMeMaybe.Type#ASK} on to the
 * member named, as a {@link CallMeMaybe.Type#PUNCH} with the asker's endpoints plus the address
 * the ask came from (the asker's mapping towards this lighthouse, the freshest reflexive address
 * there is). Both members must be verified peers of the channel, so a stranger can neither ask
 * nor be told; asks are rate-limited per asker, so no member turns a lighthouse into a flood.
 */
public final class Introducer {
  private static final double ASKS_PER_SECOND = 20;
  private static final int ASK_BURST = 40;

  private final ControlChannel channel;
  private final LongSupplier nanoClock;
  private final Cache<NodeId, TokenBucket> buckets = Caffeine.newBuilder().maximumSize(16_384)
      .expireAfterAccess(Duration.ofMinutes(1)).executor(Runnable::run).build();
  private final LongAdder passedOn = new LongAdder();
  private final LongAdder refused = new LongAdder();

  public Introducer(ControlChannel channel, LongSupplier nanoClock) {
    this.channel = channel;
    this.nanoClock = nanoClock;
  }

  /** An ask from {@code from}, which came from {@code address}. True when it was passed on. */
  public boolean onAsk(NodeIdentity from, InetSocketAddress address, CallMeMaybe ask) {
    long now = nanoClock.getAsLong();
    TokenBucket bucket = buckets.get(NodeId.of(from.x25519PublicKey()),
        k -> new TokenBucket(ASKS_PER_SECOND, ASK_BURST, now));
    boolean admitted;
    synchronized (bucket) {
      admitted = bucket.tryTake(now);
    }
    Optional<PeerInfo> target = channel.peer(ask.peer());
    if (!admitted || target.isEmpty() || java.security.MessageDigest.isEqual(ask.peer(), from.x25519PublicKey())) {
      refused.increment();
      return false;
    }
    List<InetSocketAddress> endpoints = new ArrayList<>();
    endpoints.add(address);
    for (InetSocketAddress e : ask.endpoints()) {
      if (!endpoints.contains(e) && endpoints.size() < CallMeMaybe.MAX_ENDPOINTS) {
        endpoints.add(e);
      }
    }
    CallMeMaybe punch = new CallMeMaybe(CallMeMaybe.Type.PUNCH, from.x25519PublicKey(), endpoints);
    PeerInfo peer = target.get();
    if (!channel.send(peer.identity(), peer.address(), ChannelKind.CALL_ME_MAYBE, punch.encode())) {
      refused.increment();
      return false;
    }
    passedOn.increment();
    return true;
  }

  public long passedOn() {
    return passedOn.sum();
  }

  public long refused() {
    return refused.sum();
  }
}
