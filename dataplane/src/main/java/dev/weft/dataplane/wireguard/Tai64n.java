package dev.weft.dataplane.wireguard;

/**
 * TAI64N timestamps (12 bytes, big-endian) as the handshake initiation carries them.
 * Nanoseconds are rounded down to about 16 ms, as wireguard-go does, so the timestamp
 * does not leak fine timing to a passive observer.
 */
final class Tai64n {
    static final int SIZE = 12;
    private static final long BASE = 0x400000000000000aL;
    private static final int WHITENER_MASK = 0x1000000 - 1;

    private Tai64n() {
    }

    static byte[] of(long epochSeconds, int nanos) {
        byte[] out = new byte[SIZE];
        long seconds = BASE + epochSeconds;
        int whitened = nanos & ~WHITENER_MASK;
        for (int i = 0; i < 8; i++) {
            out[i] = (byte) (seconds >>> (56 - 8 * i));
        }
        for (int i = 0; i < 4; i++) {
            out[8 + i] = (byte) (whitened >>> (24 - 8 * i));
        }
        return out;
    }

    /** True when {@code a} is strictly later than {@code b} (big-endian unsigned compare). */
    static boolean after(byte[] a, byte[] b) {
        return java.util.Arrays.compareUnsigned(a, b) > 0;
    }
}
