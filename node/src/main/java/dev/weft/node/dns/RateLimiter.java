package dev.weft.node.dns;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.net.InetAddress;
import java.time.Duration;

/**
 * A token bucket per source address, in a table of bounded size: a flood from many (forged)
 * sources evicts the least recently seen buckets, which only gives those sources a fresh burst;
 * memory stays bounded.
 */
final class RateLimiter {
    private final double perNano;
    private final double burst;
    private final Ticker ticker;
    private final Cache<InetAddress, Bucket> buckets;

    RateLimiter(int perSecond, int burst, int sources, Ticker ticker) {
        this.perNano = perSecond / 1e9;
        this.burst = burst;
        this.ticker = ticker;
        this.buckets = perSecond == 0 ? null : Caffeine.newBuilder().maximumSize(sources).ticker(ticker)
                .expireAfterAccess(Duration.ofSeconds(Math.max(1, 2L * burst / perSecond + 1))).executor(Runnable::run).build();
    }

    /** Whether a query from {@code source} may be answered now. */
    boolean allow(InetAddress source) {
        if (buckets == null) {
            return true;
        }
        long now = ticker.read();
        return buckets.get(source, s -> new Bucket(burst, now)).take(now, perNano, burst);
    }

    int tracked() {
        return buckets == null ? 0 : (int) buckets.estimatedSize();
    }

    private static final class Bucket {
        private double tokens;
        private long last;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.last = now;
        }

        synchronized boolean take(long now, double perNano, double burst) {
            tokens = Math.min(burst, tokens + (now - last) * perNano);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return true;
            }
            return false;
        }
    }
}
