package dev.weft.node.dns;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.Optional;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Upstream answers by question, each kept as long as its TTL allows: positive answers for the
 * smallest TTL in the answer section, NXDOMAIN and NODATA for the SOA's negative TTL
 * (RFC 2308: min of its TTL and minimum field); answers without either are not kept, nor are
 * failures or truncated ones.
 */
final class ResponseCache {
    /** What makes two questions the same: names compare case-insensitively; DO and CD change what upstreams send. */
    record Key(Name name, int type, int dclass, boolean dnssecOk, boolean checkingDisabled) {}

    /** A kept answer and when it was stored, to count its TTLs down. */
    record Entry(Message message, long storedNanos, long lifeNanos) {}

    private final Cache<Key, Entry> cache;
    private final Ticker ticker;
    private final long maxTtlSeconds;

    ResponseCache(int entries, Duration maxTtl, Ticker ticker) {
        this.ticker = ticker;
        this.maxTtlSeconds = maxTtl.toSeconds();
        this.cache = Caffeine.newBuilder().maximumSize(entries).ticker(ticker).executor(Runnable::run)
                .expireAfter(Expiry.creating((Key k, Entry e) -> Duration.ofNanos(e.lifeNanos()))).build();
    }

    /** Forgets every answer (the upstreams changed). */
    void clear() {
        cache.invalidateAll();
    }

    /** The kept answer and the whole seconds it has aged. */
    Optional<Aged> get(Key key) {
        Entry e = cache.getIfPresent(key);
        if (e == null) {
            return Optional.empty();
        }
        long age = (ticker.read() - e.storedNanos()) / 1_000_000_000L;
        long until = e.storedNanos() + Math.min((age + 1) * 1_000_000_000L, e.lifeNanos());
        return Optional.of(new Aged(e.message(), age, until));
    }

    /** A kept answer, the whole seconds it has aged, and the ticker time at which either changes (it ages or expires). */
    record Aged(Message message, long ageSeconds, long sameUntilNanos) {}

    void put(Key key, Message response) {
        long ttl = cacheTtl(response);
        if (ttl > 0) {
            cache.put(key, new Entry(response, ticker.read(), Math.min(ttl, maxTtlSeconds) * 1_000_000_000L));
        }
    }

    long size() {
        return cache.estimatedSize();
    }

    /** How long {@code response} may be kept, in seconds; 0 for not at all. */
    static long cacheTtl(Message response) {
        if (response.getHeader().getFlag(Flags.TC)) {
            return 0;
        }
        int rcode = response.getHeader().getRcode();
        var answers = response.getSection(Section.ANSWER);
        if (rcode == Rcode.NOERROR && !answers.isEmpty()) {
            long min = Long.MAX_VALUE;
            for (Record r : answers) {
                min = Math.min(min, r.getTTL());
            }
            return min;
        }
        if (rcode == Rcode.NXDOMAIN || rcode == Rcode.NOERROR) {
            for (Record r : response.getSection(Section.AUTHORITY)) {
                if (r.getType() == Type.SOA) {
                    return Math.min(r.getTTL(), ((SOARecord) r).getMinimum());
                }
            }
        }
        return 0;
    }
}
