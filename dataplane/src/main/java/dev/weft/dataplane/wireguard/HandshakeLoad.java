package dev.weft.dataplane.wireguard;

/**
 * The "under load" signal for cookies: more than a threshold of handshake messages within
 * one second puts the device under load for the next second. Counted before any expensive
 * work, right after MAC1 passes.
 */
final class HandshakeLoad {

    private static final long WINDOW_NANOS = 1_000_000_000L;

    private final Scheduler scheduler;
    private final int threshold;
    private long windowStart;
    private int count;
    private long underLoadUntil;
    private boolean everUnderLoad;

    HandshakeLoad(Scheduler scheduler, int threshold) {
        this.scheduler = scheduler;
        this.threshold = threshold;
        this.windowStart = scheduler.nanoTime();
    }

    /** Records one handshake message and returns whether the device is under load. */
    synchronized boolean recordAndCheck() {
        long now = scheduler.nanoTime();
        if (now - windowStart >= WINDOW_NANOS) {
            windowStart = now;
            count = 0;
        }
        count++;
        if (count > threshold) {
            underLoadUntil = now + WINDOW_NANOS;
            everUnderLoad = true;
        }
        return everUnderLoad && now - underLoadUntil < 0;
    }
}
