package dev.weft.lighthouse.channel;

/**
 * The sealed-message nonces one peer has used, in a fixed ring. An entry pushed out of the ring
 * raises a floor: messages stamped at or below it are refused, so a replay is refused whether
 * or not its nonce is still in the ring. Late messages lose only when a peer sends more than the
 * ring holds within the reordering it suffers.
 */
final class ReplayWindow {
    private final long[] stamps;
    private final long[] nonceHigh;
    private final long[] nonceLow;
    private int size;
    private int next;
    private long floor = Long.MIN_VALUE;

    ReplayWindow(int capacity) {
        stamps = new long[capacity];
        nonceHigh = new long[capacity];
        nonceLow = new long[capacity];
    }

    /**
     * Records a message (authenticated already) and returns true, or false for a replay. The
     * nonce is 24 random bytes; its first 16 identify it (a sender that repeats those bytes on
     * purpose only gets its own messages refused).
     */
    synchronized boolean accept(long stamp, long high, long low) {
        if (stamp <= floor) {
            return false;
        }
        for (int i = 0; i < size; i++) {
            if (nonceHigh[i] == high && nonceLow[i] == low && stamps[i] == stamp) {
                return false;
            }
        }
        if (size == stamps.length) {
            floor = Math.max(floor, stamps[next]);
        } else {
            size++;
        }
        stamps[next] = stamp;
        nonceHigh[next] = high;
        nonceLow[next] = low;
        next = (next + 1) % stamps.length;
        return true;
    }
}
