package dev.weft.dataplane.wireguard;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Poly1305 (RFC 8439 §2.5), one message at a time, allocating nothing.
 *
 * <p>The accumulator is kept in radix 2^64 (two 64-bit limbs and a few bits above them), the
 * layout of OpenSSL's 64-bit C code: a 16-byte block costs four 64×64→128-bit products, which
 * {@link Math#unsignedMultiplyHigh} turns into single instructions. Every carry comes from bit
 * operations, so the time taken depends on the length only. (Carries from unsigned comparisons
 * ran 1.4 times as fast here, most likely because C2 turned the rarely taken ones into branches,
 * whose timing depends on the accumulator.) The JDK's own Poly1305 is faster (a vector
 * intrinsic) but can only be reached through its ChaCha20-Poly1305 cipher, whose per-packet
 * {@code init} allocates ~2.2 KB (see {@link TransportCipher}).
 *
 * <p>Where the JVM has the Vector API ({@code --add-modules jdk.incubator.vector}, which the
 * launcher gives {@code weft node}) and vectors of 4 or 8 longs, a message's first whole groups of
 * 4 or 8 blocks go through {@link Poly1305Lanes} (2–3 times as fast on an MTU-sized packet,
 * dataplane README "Crypto benchmark") and the rest through the scalar code; without it, all of
 * it does. On the packet path the lanes wait for {@link LaneWarmUp}, which bulk traffic begins:
 * until C2 has compiled them they are a thousand times slower.
 *
 * <p>Not thread-safe: one instance per thread.
 */
final class Poly1305 {
    static final int TAG_SIZE = 16;
    /** {@code -Dweft.poly1305.lanes=false} keeps to the scalar code even where the lanes could run. */
    static final String LANES_PROPERTY = "weft.poly1305.lanes";
    /**
     * Below this many groups the powers of r that the lanes need cost more than they save (they
     * are computed per message: each packet has its own key).
     */
    static final int MIN_LANE_GROUPS = 3;

    private static final VarHandle LE_LONG =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private long r0;
    private long r1;
    private long s1;
    private long h0;
    private long h1;
    private long h2;
    private long pad0;
    private long pad1;
    private final byte[] block = new byte[16];
    /** Null where the JVM has no usable Vector API. */
    private final Poly1305Lanes lanes;
    /** Null when the lanes (if any) are always used. */
    private final LaneWarmUp warmUp;
    private final long[] laneSum = new long[3];
    /** Lane-sized messages taken through the scalar code while waiting, up to {@link LaneWarmUp#BULK_MESSAGES}. */
    private int coldMessages;

    /**
     * The packet path's: the lanes once {@code warmUp} says they are compiled and faster (told of
     * the lane-sized messages until then, so that bulk traffic begins it).
     */
    Poly1305(LaneWarmUp warmUp) {
        this.lanes = lanesAvailable() ? new Poly1305Lanes() : null;
        this.warmUp = warmUp;
    }

    /** Always the lanes, or never ({@code withLanes} false: the scalar code alone). */
    Poly1305(boolean withLanes) {
        if (withLanes && !lanesAvailable()) {
            throw new IllegalStateException("this JVM has no usable Vector API for Poly1305");
        }
        this.lanes = withLanes ? new Poly1305Lanes() : null;
        this.warmUp = null;
    }

    /**
     * Whether the vector code can run here. The module check comes first: without the module,
     * {@link Poly1305Lanes} must not even be loaded.
     */
    static boolean lanesAvailable() {
        return !"false".equals(System.getProperty(LANES_PROPERTY))
                && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent() && Poly1305Lanes.fits();
    }

    /**
     * The tag ChaCha20-Poly1305 puts after {@code ciphertext[offset, offset+length)} when the
     * associated data is empty, as in WireGuard's transport messages (RFC 8439 §2.8: the
     * ciphertext padded with zeros to 16 bytes, then the two lengths).
     */
    void aeadTag(byte[] oneTimeKey, byte[] ciphertext, int offset, int length, byte[] tag, int tagOffset) {
        init(oneTimeKey);
        int whole = length & ~15;
        int inLanes = absorbInLanes(ciphertext, offset, whole);
        blocks(ciphertext, offset + inLanes, whole - inLanes, 1);
        if (whole < length) {
            System.arraycopy(ciphertext, offset + whole, block, 0, length - whole);
            java.util.Arrays.fill(block, length - whole, 16, (byte) 0);
            blocks(block, 0, 16, 1);
        }
        LE_LONG.set(block, 0, 0L);
        LE_LONG.set(block, 8, (long) length);
        blocks(block, 0, 16, 1);
        finish(tag, tagOffset);
    }

    /** The plain MAC of {@code message[offset, offset+length)}: a short last block gets the 0x01 marker. */
    void mac(byte[] key, byte[] message, int offset, int length, byte[] tag, int tagOffset) {
        init(key);
        int whole = length & ~15;
        int inLanes = absorbInLanes(message, offset, whole);
        blocks(message, offset + inLanes, whole - inLanes, 1);
        int rest = length - whole;
        if (rest > 0) {
            System.arraycopy(message, offset + whole, block, 0, rest);
            block[rest] = 1;
            java.util.Arrays.fill(block, rest + 1, 16, (byte) 0);
            blocks(block, 0, 16, 0);
        }
        finish(tag, tagOffset);
    }

    private void init(byte[] key) {
        r0 = (long) LE_LONG.get(key, 0) & 0x0ffffffc0fffffffL;
        r1 = (long) LE_LONG.get(key, 8) & 0x0ffffffc0ffffffcL;
        s1 = r1 + (r1 >>> 2);
        pad0 = (long) LE_LONG.get(key, 16);
        pad1 = (long) LE_LONG.get(key, 24);
        h0 = 0;
        h1 = 0;
        h2 = 0;
    }

    /**
     * Takes the first whole groups of {@code m[offset, offset+whole)} through the vector lanes,
     * when there are lanes and at least {@link #MIN_LANE_GROUPS} groups, and returns how many
     * bytes they took. Only right after {@link #init}: the lanes start from a zero accumulator.
     */
    private int absorbInLanes(byte[] m, int offset, int whole) {
        if (lanes == null) {
            return 0;
        }
        int groups = whole / Poly1305Lanes.GROUP;
        if (groups < MIN_LANE_GROUPS) {
            return 0;
        }
        if (warmUp != null && !warmUp.ready()) {
            if (coldMessages < LaneWarmUp.BULK_MESSAGES) {
                warmUp.noteColdMessage(++coldMessages);
            }
            return 0;
        }
        lanes.absorb(r0, r1, m, offset, groups, laneSum);
        h0 = laneSum[0];
        h1 = laneSum[1];
        h2 = laneSum[2];
        java.util.Arrays.fill(laneSum, 0L);
        return groups * Poly1305Lanes.GROUP;
    }

    /** h = (h + block + padBit·2^128) · r, partly reduced mod 2^130 − 5, for each 16-byte block. */
    private void blocks(byte[] m, int offset, int length, long padBit) {
        long a0 = h0;
        long a1 = h1;
        long a2 = h2;
        final long k0 = r0;
        final long k1 = r1;
        final long k1x5 = s1;
        for (int at = offset, end = offset + length; at < end; at += 16) {
            long m0 = (long) LE_LONG.get(m, at);
            long m1 = (long) LE_LONG.get(m, at + 8);
            long t0 = a0 + m0;
            long c = carry(a0, m0, t0);
            long t1 = a1 + m1;
            long c1 = carry(a1, m1, t1);
            a1 = t1 + c;
            c1 += carryOfSmall(t1, a1);
            a0 = t0;
            a2 += c1 + padBit;

            // d0 = a0·k0 + a1·k1·5/4; d1 = a0·k1 + a1·k0 + a2·k1·5/4; d2 = a2·k0 (k1 is a
            // multiple of 4, so 2^128·k1 ≡ k1·5/4 mod p).
            long p0 = a0 * k0;
            long p1 = a1 * k1x5;
            long d0 = p0 + p1;
            long d0h = Math.unsignedMultiplyHigh(a0, k0) + Math.unsignedMultiplyHigh(a1, k1x5) + carry(p0, p1, d0);
            long q0 = a0 * k1;
            long q1 = a1 * k0;
            long d1 = q0 + q1;
            long d1h = Math.unsignedMultiplyHigh(a0, k1) + Math.unsignedMultiplyHigh(a1, k0) + carry(q0, q1, d1);
            long q2 = a2 * k1x5;
            long e1 = d1 + q2;
            d1h += carry(d1, q2, e1);
            long d2 = a2 * k0;

            a0 = d0;
            a1 = e1 + d0h;
            d1h += carryOfSmall(e1, a1);
            a2 = d2 + d1h;

            // What lies above 2^130 comes back times 5.
            c = (a2 >>> 2) + (a2 & ~3L);
            a2 &= 3;
            t0 = a0 + c;
            c = carry(a0, c, t0);
            a0 = t0;
            t1 = a1 + c;
            c = carryOfSmall(a1, t1);
            a1 = t1;
            a2 += c;
        }
        h0 = a0;
        h1 = a1;
        h2 = a2;
    }

    /** (h mod p + s) mod 2^128, little-endian. */
    private void finish(byte[] tag, int offset) {
        long g0 = h0 + 5;
        long c = carryOfSmall(h0, g0);
        long g1 = h1 + c;
        c = carryOfSmall(h1, g1);
        long g2 = h2 + c;
        // h ≥ p exactly when h + 5 reaches 2^130.
        long useG = -(g2 >>> 2);
        long f0 = (h0 & ~useG) | (g0 & useG);
        long f1 = (h1 & ~useG) | (g1 & useG);
        long t0 = f0 + pad0;
        c = carry(f0, pad0, t0);
        long t1 = f1 + pad1 + c;
        LE_LONG.set(tag, offset, t0);
        LE_LONG.set(tag, offset + 8, t1);
        h0 = 0;
        h1 = 0;
        h2 = 0;
        r0 = 0;
        r1 = 0;
        s1 = 0;
        pad0 = 0;
        pad1 = 0;
    }

    /** The carry out of {@code sum = a + b} (unsigned), from bit operations only. */
    private static long carry(long a, long b, long sum) {
        return ((a & b) | ((a | b) & ~sum)) >>> 63;
    }

    /**
     * The same for {@code b < 2^63} (a carry bit, or the high half of a product of limbs below
     * 2^64 and 2^62): then there was a carry exactly when {@code a} had its top bit and the sum
     * has not.
     */
    private static long carryOfSmall(long a, long sum) {
        return (a & ~sum) >>> 63;
    }
}
