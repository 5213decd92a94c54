package dev.weft.lighthouse.channel;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** What the channel did and every reason it dropped a datagram. */
public final class ChannelCounters {
    /** One counter each; {@code DROP_*} are drop reasons. */
    public enum Counter {
        HELLO_RECEIVED,
        HELLO_VERIFIED,
        HELLO_ANSWERED,
        SEALED_RECEIVED,
        MESSAGES_DELIVERED,
        PINGS_ANSWERED,
        PONGS_MATCHED,
        DATAGRAMS_SENT,
        BYTES_SENT,
        BYTES_RECEIVED,
        PEERS_DROPPED_INVALID,
        PEERS_INTRODUCED,
        DROP_MALFORMED,
        DROP_UNKNOWN_TYPE,
        DROP_RATE_SOURCE,
        DROP_RATE_GLOBAL,
        DROP_QUEUE_FULL,
        DROP_HELLO_STALE,
        DROP_HELLO_REPLAYED,
        DROP_BAD_CERTIFICATE,
        DROP_BAD_SIGNATURE,
        DROP_LOW_ORDER_KEY,
        DROP_SELF,
        DROP_SEALED_UNKNOWN_SENDER,
        DROP_SEALED_STALE,
        DROP_SEALED_BAD_TAG,
        DROP_SEALED_REPLAYED,
        DROP_BAD_KIND,
        DROP_PONG_UNMATCHED,
        DROP_CLOSED,
        DROP_VERIFY_ERROR
    }

    private final LongAdder[] adders = new LongAdder[Counter.values().length];

    ChannelCounters() {
        for (int i = 0; i < adders.length; i++) {
            adders[i] = new LongAdder();
        }
    }

    void increment(Counter c) {
        adders[c.ordinal()].increment();
    }

    void add(Counter c, long n) {
        adders[c.ordinal()].add(n);
    }

    public long get(Counter c) {
        return adders[c.ordinal()].sum();
    }

    /** All counters, drop reasons included, at one moment (each read separately). */
    public Map<Counter, Long> snapshot() {
        Map<Counter, Long> out = new EnumMap<>(Counter.class);
        for (Counter c : Counter.values()) {
            out.put(c, get(c));
        }
        return out;
    }

    /** The sum of all {@code DROP_*} counters. */
    public long dropped() {
        long n = 0;
        for (Counter c : Counter.values()) {
            if (c.name().startsWith("DROP_")) {
                n += get(c);
            }
        }
        return n;
    }
}
