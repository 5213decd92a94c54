package dev.weft.lighthouse.channel;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;

/**
 * Admits unauthenticated datagrams: a bucket per source (an IPv4 address, or the /64 of an IPv6
 * address, since one host easily holds a whole /64) and one for everyone. The table of sources is
 * bounded; a source pushed out starts again with a full bucket, which the global bucket caps.
 */
final class SourceLimiter {
    /** Why a datagram was refused, or null when admitted. */
    enum Refusal { SOURCE, GLOBAL }

    private record Source(byte[] prefix) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Source s && Arrays.equals(prefix, s.prefix);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(prefix);
        }
    }

    private final ChannelLimits limits;
    private final ChannelClock clock;
    private final Cache<Source, TokenBucket> sources;
    private final TokenBucket global;

    SourceLimiter(ChannelLimits limits, ChannelClock clock) {
        this.limits = limits;
        this.clock = clock;
        this.sources = Caffeine.newBuilder().maximumSize(limits.sourceTable()).expireAfterAccess(Duration.ofMinutes(2))
                .executor(Runnable::run).build();
        this.global = new TokenBucket(limits.globalHellosPerSecond(), limits.globalBurst(), clock.nanoTime());
    }

    Refusal admit(InetAddress from) {
        long now = clock.nanoTime();
        byte[] raw = from.getAddress();
        Source key = new Source(from instanceof Inet6Address ? Arrays.copyOf(raw, 8) : raw);
        TokenBucket bucket = sources.get(key,
                k -> new TokenBucket(limits.sourceHellosPerSecond(), limits.sourceBurst(), now));
        synchronized (bucket) {
            if (!bucket.tryTake(now)) {
                return Refusal.SOURCE;
            }
        }
        synchronized (global) {
            return global.tryTake(now) ? null : Refusal.GLOBAL;
        }
    }

    long trackedSources() {
        sources.cleanUp();
        return sources.estimatedSize();
    }
}
