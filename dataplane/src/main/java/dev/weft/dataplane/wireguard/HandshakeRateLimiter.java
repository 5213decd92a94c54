package dev.weft.dataplane.wireguard;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Under load, even handshakes with a valid MAC2 are limited per source address (a token
 * bucket of 20 per second with a burst of 5, as wireguard-go does), so one address that
 * can receive cookies still cannot monopolise the handshake work.
 */
final class HandshakeRateLimiter {

    private static final long PACKETS_PER_SECOND = 20;
    private static final long PACKET_COST = 1_000_000_000L / PACKETS_PER_SECOND;
    private static final long MAX_TOKENS = PACKET_COST * 5;
    private static final int MAX_ENTRIES = 16_384;

    private final Scheduler scheduler;
    private final Map<InetAddress, long[]> buckets = new HashMap<>();

    HandshakeRateLimiter(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    synchronized boolean allow(InetAddress source) {
        long now = scheduler.nanoTime();
        long[] bucket = buckets.get(source);
        if (bucket == null) {
            if (buckets.size() >= MAX_ENTRIES) {
                evictIdle(now);
                if (buckets.size() >= MAX_ENTRIES) {
                    return false;
                }
            }
            buckets.put(source, new long[] {MAX_TOKENS - PACKET_COST, now});
            return true;
        }
        long tokens = Math.min(MAX_TOKENS, bucket[0] + (now - bucket[1]));
        bucket[1] = now;
        if (tokens >= PACKET_COST) {
            bucket[0] = tokens - PACKET_COST;
            return true;
        }
        bucket[0] = tokens;
        return false;
    }

    private void evictIdle(long now) {
        Iterator<long[]> it = buckets.values().iterator();
        while (it.hasNext()) {
            if (now - it.next()[1] > 1_000_000_000L) {
                it.remove();
            }
        }
    }
}
