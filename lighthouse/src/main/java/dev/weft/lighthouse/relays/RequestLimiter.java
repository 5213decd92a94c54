package dev.weft.lighthouse.relays;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.weft.gossip.NodeId;

/**
 * A token bucket of relay requests per member, in a bounded table (the least recently used
 * member's bucket goes first, which only ever forgives it). Thread-safe.
 */
final class RequestLimiter {
    private final double perNano;
    private final double burst;
    private final Cache<NodeId, Bucket> buckets;

    private static final class Bucket {
        double tokens;
        long last;
    }

    RequestLimiter(double perSecond, int burst, int maxMembers) {
        this.perNano = perSecond / 1e9;
        this.burst = burst;
        this.buckets = Caffeine.newBuilder().maximumSize(maxMembers).executor(Runnable::run).build();
    }

    boolean allow(NodeId member, long now) {
        Bucket b = buckets.get(member, k -> {
            Bucket fresh = new Bucket();
            fresh.tokens = burst;
            fresh.last = now;
            return fresh;
        });
        synchronized (b) {
            if (now > b.last) {
                b.tokens = Math.min(burst, b.tokens + (now - b.last) * perNano);
                b.last = now;
            }
            if (b.tokens >= 1) {
                b.tokens -= 1;
                return true;
            }
            return false;
        }
    }
}
