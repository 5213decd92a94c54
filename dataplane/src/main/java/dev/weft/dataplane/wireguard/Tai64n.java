package dev.weft.dataplane.wireguard;

import java.time.Instant;

/**
 * TAI64N timestamps as WireGuard uses them in initiations: 8 bytes big-endian seconds
 * (2^62 + 10 + Unix seconds) and 4 bytes big-endian nanoseconds. Like wireguard-go, the
 * low 24 bits of the nanoseconds are cleared so the timestamp does not leak a fine clock.
 */
final class Tai64n {

    static final int SIZE = 12;
    private static final long BASE = 0x400000000000000aL;
    private static final int WHITENER_MASK = 0x1000000 - 1;

    private Tai64n() {
    }

    static byte[] stamp(Instant time) {
        byte[] out = new byte[SIZE];
        long seconds = BASE + time.getEpochSecond();
        int nanos = time.getNano() & ~WHITENER_MASK;
        for (int i = 0; i < 8; i++) {
            out[i] = (byte) (seconds >>> (56 - 8 * i));
        }
        for (int i = 0; i < 4; i++) {
            out[8 + i] = (byte) (nanos >>> (24 - 8 * i));
        }
        return out;
    }

    /** True if {@code candidate} is strictly later than {@code previous} (both 12 bytes). */
    static boolean isAfter(byte[] candidate, byte[] previous) {
        return java.util.Arrays.compareUnsigned(candidate, previous) > 0;
    }
}
