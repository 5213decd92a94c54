package dev.weft.dataplane.wireguard;

import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Poly1305's blocks several at a time, one per lane of a vector (the Vector API,
 * {@code jdk.incubator.vector}): the accumulator in lane j takes blocks j, j + n, j + 2n, … of
 * an n-lane group and is multiplied by r^n per group, the last group by r^n … r^1, and the
 * lanes' sum is the accumulator a block-at-a-time Horner evaluation gives (the layout of the
 * AVX2 and AVX-512 code of OpenSSL and the JDK).
 *
 * <p>Limbs are 26 bits wide (radix 2^26, five limbs), so every product of a limb and a limb of a
 * power (times 5 at most) fits in a lane's 64 bits with room for five sums. The operands of
 * each product are masked to 32 bits, which changes nothing (limbs stay below 2^32) but lets C2
 * multiply with {@code vpmuludq} (32×32→64 bits, one instruction) instead of a full 64-bit
 * product ({@code vpmullq}, three): a third less time per block on the lab's AVX-512 CPU. No
 * branch or memory access depends on the key or the message.
 *
 * <p>Only used where the JVM runs this with vectors of 4 or 8 longs (AVX2, AVX-512) on a
 * little-endian CPU ({@link #fits}); {@link Poly1305} checks that the module is there at all
 * before this class is loaded. Not thread-safe: one instance per {@link Poly1305}.
 */
final class Poly1305Lanes {
    private static final VectorSpecies<Long> LONGS = LongVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Byte> BYTES = LONGS.withLanes(byte.class);
    private static final int LANES = LONGS.length();
    /** Bytes of one group: a block per lane. */
    static final int GROUP = 16 * LANES;
    private static final long MASK = (1L << 26) - 1;
    private static final long LOW_32 = 0xffffffffL;
    /** The low and the high 64-bit halves of the group's blocks, out of two vectors of its bytes. */
    private static final VectorShuffle<Long> LOW_HALVES = VectorShuffle.fromOp(LONGS, i -> 2 * i);
    private static final VectorShuffle<Long> HIGH_HALVES = VectorShuffle.fromOp(LONGS, i -> 2 * i + 1);

    /**
     * The multipliers, each a vector's worth of longs: the five limbs of r^LANES and four of them
     * times 5 in every lane (for all groups but the last), then the same of r^(LANES − j) in lane
     * j (for the last group).
     */
    private final long[] multipliers = new long[18 * LANES];
    /** Limbs of r^k at {@code ladder[5k … 5k+4]}, k = 1 … LANES; {@code ladder[0 … 4]} is scratch. */
    private final long[] ladder = new long[5 * (LANES + 1)];

    /** Whether this JVM gives the lanes this class needs. */
    static boolean fits() {
        return (LANES == 4 || LANES == 8) && ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    }

    /**
     * The accumulator after {@code groups} groups of blocks from {@code m[offset …)}, each with
     * the 2^128 bit set, starting from zero, for the clamped key {@code r = r0 + r1·2^64}; written
     * to {@code sum} in radix 2^64 (two limbs and the bits above them, below 2^131).
     */
    void absorb(long r0, long r1, byte[] m, int offset, int groups, long[] sum) {
        computePowers(r0, r1);
        LongVector mask = LongVector.broadcast(LONGS, MASK);
        LongVector low = LongVector.broadcast(LONGS, LOW_32);
        LongVector h0 = LongVector.zero(LONGS);
        LongVector h1 = h0;
        LongVector h2 = h0;
        LongVector h3 = h0;
        LongVector h4 = h0;
        int at = offset;
        for (int g = 0; g < groups; g++, at += GROUP) {
            int set = g < groups - 1 ? 0 : 9 * LANES;
            LongVector first = ByteVector.fromArray(BYTES, m, at).reinterpretAsLongs();
            LongVector second = ByteVector.fromArray(BYTES, m, at + 8 * LANES).reinterpretAsLongs();
            LongVector lo = first.rearrange(LOW_HALVES, second);
            LongVector hi = first.rearrange(HIGH_HALVES, second);
            h0 = h0.add(lo.and(mask)).and(low);
            h1 = h1.add(lo.lanewise(VectorOperators.LSHR, 26).and(mask)).and(low);
            h2 = h2.add(lo.lanewise(VectorOperators.LSHR, 52).or(hi.lanewise(VectorOperators.LSHL, 12)).and(mask)).and(low);
            h3 = h3.add(hi.lanewise(VectorOperators.LSHR, 14).and(mask)).and(low);
            h4 = h4.add(hi.lanewise(VectorOperators.LSHR, 40).or(1L << 24)).and(low);
            LongVector j0 = LongVector.fromArray(LONGS, multipliers, set).and(low);
            LongVector j1 = LongVector.fromArray(LONGS, multipliers, set + LANES).and(low);
            LongVector j2 = LongVector.fromArray(LONGS, multipliers, set + 2 * LANES).and(low);
            LongVector j3 = LongVector.fromArray(LONGS, multipliers, set + 3 * LANES).and(low);
            LongVector j4 = LongVector.fromArray(LONGS, multipliers, set + 4 * LANES).and(low);
            LongVector f1 = LongVector.fromArray(LONGS, multipliers, set + 5 * LANES).and(low);
            LongVector f2 = LongVector.fromArray(LONGS, multipliers, set + 6 * LANES).and(low);
            LongVector f3 = LongVector.fromArray(LONGS, multipliers, set + 7 * LANES).and(low);
            LongVector f4 = LongVector.fromArray(LONGS, multipliers, set + 8 * LANES).and(low);
            LongVector d0 = h0.mul(j0).add(h1.mul(f4)).add(h2.mul(f3)).add(h3.mul(f2)).add(h4.mul(f1));
            LongVector d1 = h0.mul(j1).add(h1.mul(j0)).add(h2.mul(f4)).add(h3.mul(f3)).add(h4.mul(f2));
            LongVector d2 = h0.mul(j2).add(h1.mul(j1)).add(h2.mul(j0)).add(h3.mul(f4)).add(h4.mul(f3));
            LongVector d3 = h0.mul(j3).add(h1.mul(j2)).add(h2.mul(j1)).add(h3.mul(j0)).add(h4.mul(f4));
            LongVector d4 = h0.mul(j4).add(h1.mul(j3)).add(h2.mul(j2)).add(h3.mul(j1)).add(h4.mul(j0));
            // Partly carried: every limb below 2^26 but the second, which stays below 2^27.
            LongVector c = d0.lanewise(VectorOperators.LSHR, 26);
            h0 = d0.and(mask);
            d1 = d1.add(c);
            c = d1.lanewise(VectorOperators.LSHR, 26);
            h1 = d1.and(mask);
            d2 = d2.add(c);
            c = d2.lanewise(VectorOperators.LSHR, 26);
            h2 = d2.and(mask);
            d3 = d3.add(c);
            c = d3.lanewise(VectorOperators.LSHR, 26);
            h3 = d3.and(mask);
            d4 = d4.add(c);
            c = d4.lanewise(VectorOperators.LSHR, 26);
            h4 = d4.and(mask);
            h0 = h0.add(c.add(c.lanewise(VectorOperators.LSHL, 2)));
            c = h0.lanewise(VectorOperators.LSHR, 26);
            h0 = h0.and(mask);
            h1 = h1.add(c);
        }
        toRadix64(h0.reduceLanes(VectorOperators.ADD), h1.reduceLanes(VectorOperators.ADD),
                h2.reduceLanes(VectorOperators.ADD), h3.reduceLanes(VectorOperators.ADD),
                h4.reduceLanes(VectorOperators.ADD), sum);
        Arrays.fill(multipliers, 0);
        Arrays.fill(ladder, 0);
    }

    /** r^1 … r^LANES into {@link #ladder}, each from two lower powers (at most three products deep), and the multipliers from them. */
    private void computePowers(long r0, long r1) {
        ladder[5] = r0 & MASK;
        ladder[6] = (r0 >>> 26) & MASK;
        ladder[7] = ((r0 >>> 52) | (r1 << 12)) & MASK;
        ladder[8] = (r1 >>> 14) & MASK;
        ladder[9] = r1 >>> 40;
        for (int k = 2; k <= LANES; k++) {
            multiply(k / 2, k - k / 2, k);
        }
        int top = 5 * LANES;
        for (int lane = 0; lane < LANES; lane++) {
            int power = 5 * (LANES - lane);
            for (int i = 0; i < 5; i++) {
                multipliers[i * LANES + lane] = ladder[top + i];
                multipliers[(9 + i) * LANES + lane] = ladder[power + i];
            }
            for (int i = 1; i < 5; i++) {
                multipliers[(4 + i) * LANES + lane] = 5 * ladder[top + i];
                multipliers[(13 + i) * LANES + lane] = 5 * ladder[power + i];
            }
        }
    }

    /** ladder[k] = ladder[a] · ladder[b] mod 2^130 − 5, carried like the vector products. */
    private void multiply(int a, int b, int k) {
        long[] l = ladder;
        long x0 = l[5 * a];
        long x1 = l[5 * a + 1];
        long x2 = l[5 * a + 2];
        long x3 = l[5 * a + 3];
        long x4 = l[5 * a + 4];
        long y0 = l[5 * b];
        long y1 = l[5 * b + 1];
        long y2 = l[5 * b + 2];
        long y3 = l[5 * b + 3];
        long y4 = l[5 * b + 4];
        long f1 = y1 * 5;
        long f2 = y2 * 5;
        long f3 = y3 * 5;
        long f4 = y4 * 5;
        long d0 = x0 * y0 + x1 * f4 + x2 * f3 + x3 * f2 + x4 * f1;
        long d1 = x0 * y1 + x1 * y0 + x2 * f4 + x3 * f3 + x4 * f2;
        long d2 = x0 * y2 + x1 * y1 + x2 * y0 + x3 * f4 + x4 * f3;
        long d3 = x0 * y3 + x1 * y2 + x2 * y1 + x3 * y0 + x4 * f4;
        long d4 = x0 * y4 + x1 * y3 + x2 * y2 + x3 * y1 + x4 * y0;
        l[5 * k] = d0;
        l[5 * k + 1] = d1;
        l[5 * k + 2] = d2;
        l[5 * k + 3] = d3;
        l[5 * k + 4] = d4;
        carry(l, 5 * k);
    }

    /**
     * Carries the five limbs at {@code l[at …]} as the vector loop does: each into the next, the
     * top one's excess back into the first times 5 (2^130 ≡ 5), and that into the second, so that
     * every limb is below 2^26 but the second, which may exceed it by a few bits.
     */
    private static void carry(long[] l, int at) {
        long c = l[at] >>> 26;
        l[at] &= MASK;
        for (int i = 1; i < 5; i++) {
            l[at + i] += c;
            c = l[at + i] >>> 26;
            l[at + i] &= MASK;
        }
        l[at] += c * 5;
        c = l[at] >>> 26;
        l[at] &= MASK;
        l[at + 1] += c;
    }

    /**
     * The lanes' sum (limbs below 2^30) carried until every limb but the top one is below 2^26,
     * then packed into 64-bit limbs: what is at or above 2^130 stays in the top limb, as the
     * scalar code's partly reduced accumulator allows. {@code ladder[0 … 4]} (no power) is the
     * scratch.
     */
    private void toRadix64(long l0, long l1, long l2, long l3, long l4, long[] sum) {
        long[] l = ladder;
        l[0] = l0;
        l[1] = l1;
        l[2] = l2;
        l[3] = l3;
        l[4] = l4;
        carry(l, 0);
        for (int i = 1; i < 4; i++) {
            l[i + 1] += l[i] >>> 26;
            l[i] &= MASK;
        }
        sum[0] = l[0] | (l[1] << 26) | (l[2] << 52);
        sum[1] = (l[2] >>> 12) | (l[3] << 14) | (l[4] << 40);
        sum[2] = l[4] >>> 24;
    }
}
