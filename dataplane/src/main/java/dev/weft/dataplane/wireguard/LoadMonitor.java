package dev.weft.dataplane.wireguard;

/**
 * The "under load" signal: the rate of handshake messages received. Above the threshold
 * per second, the device stays under load for one more second, during which handshakes
 * without a valid mac2 get a cookie reply instead of an answer.
 */
final class LoadMonitor {
    private static final long SECOND = 1_000_000_000L;
    private final int threshold;
    private long windowStart;
    private int count;
    private long underLoadUntil;
    private boolean everLoaded;

    LoadMonitor(int threshold, long now) {
        this.threshold = threshold;
        this.windowStart = now;
    }

    /** Records one handshake message at {@code now}; returns whether we are under load. */
    synchronized boolean recordAndCheck(long now) {
        if (now - windowStart >= SECOND) {
            windowStart = now;
            count = 0;
        }
        count++;
        if (count > threshold) {
            underLoadUntil = now + SECOND;
            everLoaded = true;
        }
        return everLoaded && now - underLoadUntil < 0;
    }
}
