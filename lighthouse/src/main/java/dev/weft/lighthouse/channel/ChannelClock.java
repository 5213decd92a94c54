package dev.weft.lighthouse.channel;

/** Wall time for message timestamps and a monotonic clock for round-trip times; tests drive their own. */
public interface ChannelClock {
    /** Milliseconds since the epoch (compared with the peer's, so both need roughly synchronized clocks). */
    long wallMillis();

    /** A monotonic nanosecond counter, as {@link System#nanoTime()}. */
    long nanoTime();

    static ChannelClock system() {
        return new ChannelClock() {
            @Override
            public long wallMillis() {
                return System.currentTimeMillis();
            }

            @Override
            public long nanoTime() {
                return System.nanoTime();
            }
        };
    }
}
