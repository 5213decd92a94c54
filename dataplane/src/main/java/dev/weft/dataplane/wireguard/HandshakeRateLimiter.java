package dev.weft.dataplane.wireguard;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * Per source address token buckets for handshake messages while under load (after the
 * sender proved its address with mac2): 20 per second with a burst of 5, as wireguard-go.
 */
final class HandshakeRateLimiter {
    private static final long PACKET_COST = 1_000_000_000L / 20;
    private static final long MAX_TOKENS = PACKET_COST * 5;
    private static final long IDLE = 1_000_000_000L;

    private static final class Bucket {
        long tokens = MAX_TOKENS;
        long last;
    }

    private final Map<InetAddress, Bucket> buckets = new HashMap<>();

    synchronized boolean allow(InetAddress address, long now) {
        Bucket b = buckets.get(address);
        if (b == null) {
            b = new Bucket();
            b.last = now;
            buckets.put(address, b);
        } else {
            b.tokens = Math.min(MAX_TOKENS, b.tokens + (now - b.last));
            b.last = now;
        }
        if (b.tokens >= PACKET_COST) {
            b.tokens -= PACKET_COST;
            return true;
        }
        return false;
    }

    /** Drops buckets idle for a second, bounding memory under a flood from many addresses. */
    synchronized void expire(long now) {
        buckets.values().removeIf(b -> now - b.last > IDLE);
    }
}
