package dev.weft.dataplane.udp;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A counter with one writing thread (an event loop) and readers on any thread. The writer
 * increments with an ordered store instead of a volatile one (no StoreLoad fence per packet)
 * or an atomic add; readers see every increment once it is published, never a torn value.
 * Incrementing from a second thread would lose counts: use a {@code LongAdder} there.
 */
final class LoopCounter {
    private final AtomicLong value = new AtomicLong();

    /** Only from the owning thread. */
    void increment() {
        value.lazySet(value.getPlain() + 1);
    }

    /** Only from the owning thread. */
    void add(long n) {
        value.lazySet(value.getPlain() + n);
    }

    long get() {
        return value.get();
    }
}
