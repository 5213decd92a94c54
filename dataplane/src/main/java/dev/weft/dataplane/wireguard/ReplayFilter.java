package dev.weft.dataplane.wireguard;

/**
 * The sliding window against replayed transport counters (RFC 6479 style, as in the
 * Linux kernel's WireGuard): a ring of 2048 bits in 64-bit blocks; counters more than
 * {@link #WINDOW_SIZE} behind the highest accepted one are refused. Call only after the
 * message was authenticated. Thread-safe.
 */
final class ReplayFilter {

    private static final int BLOCK_BIT_LOG = 6;
    private static final int BLOCK_BITS = 1 << BLOCK_BIT_LOG;
    private static final int RING_BLOCKS = 2048 / BLOCK_BITS;
    static final long WINDOW_SIZE = (long) (RING_BLOCKS - 1) * BLOCK_BITS;
    private static final int BLOCK_MASK = RING_BLOCKS - 1;
    private static final int BIT_MASK = BLOCK_BITS - 1;

    private final long[] ring = new long[RING_BLOCKS];
    private long last;

    /**
     * Accepts {@code counter} once: false if it is at or above {@code limit} (unsigned),
     * too old, or already seen.
     */
    synchronized boolean validate(long counter, long limit) {
        if (Long.compareUnsigned(counter, limit) >= 0) {
            return false;
        }
        long indexBlock = counter >>> BLOCK_BIT_LOG;
        if (Long.compareUnsigned(counter, last) > 0) {
            long current = last >>> BLOCK_BIT_LOG;
            long diff = indexBlock - current;
            if (Long.compareUnsigned(diff, RING_BLOCKS) > 0) {
                diff = RING_BLOCKS;
            }
            for (long i = current + 1; i <= current + diff; i++) {
                ring[(int) (i & BLOCK_MASK)] = 0;
            }
            last = counter;
        } else if (last - counter > WINDOW_SIZE) {
            return false;
        }
        int block = (int) (indexBlock & BLOCK_MASK);
        long bit = 1L << (counter & BIT_MASK);
        long old = ring[block];
        ring[block] = old | bit;
        return (old & bit) == 0;
    }

    synchronized void reset() {
        java.util.Arrays.fill(ring, 0);
        last = 0;
    }
}
