package dev.weft.dataplane.wireguard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;

/**
 * {@link Poly1305}'s scalar code against RFC 8439's vectors (§2.5.2 and the edge cases of
 * appendix A.3, which drive the accumulator across 2^130 − 5) and against BouncyCastle's
 * independent implementation on random and extreme keys and messages of every length around the
 * block size. {@link Poly1305LanesTest} runs the same with the vector lanes.
 */
class Poly1305Test {
    final Poly1305 poly = newPoly();

    Poly1305 newPoly() {
        return new Poly1305(false);
    }

    /** The extreme-value test covers every length up to this. */
    int longestExtremeLength() {
        return 200;
    }

    private byte[] ours(byte[] key, byte[] message) {
        byte[] tag = new byte[16];
        poly.mac(key, message, 0, message.length, tag, 0);
        return tag;
    }

    private static byte[] bouncyCastle(byte[] key, byte[] message) {
        org.bouncycastle.crypto.macs.Poly1305 bc = new org.bouncycastle.crypto.macs.Poly1305();
        bc.init(new KeyParameter(key));
        bc.update(message, 0, message.length);
        byte[] tag = new byte[16];
        bc.doFinal(tag, 0);
        return tag;
    }

    private void vector(String key, byte[] message, String tag) {
        assertEquals(tag, Hex.of(ours(Hex.of(key), message)));
        assertEquals(tag, Hex.of(bouncyCastle(Hex.of(key), message)), "the reference agrees with the RFC");
    }

    private static String repeat(String hexByte, int times) {
        return hexByte.repeat(times);
    }

    @Test
    void rfc8439Section252() {
        vector("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b",
                "Cryptographic Forum Research Group".getBytes(StandardCharsets.US_ASCII),
                "a8061dc1305136c6c22b8baf0c0127a9");
    }

    @Test
    void rfc8439AppendixA3EdgeCases() {
        String r1 = "01" + repeat("00", 15);
        String r2 = "02" + repeat("00", 15);
        String zero = repeat("00", 16);
        // #5: h reaches p exactly once reduced.
        vector(r2 + zero, Hex.of(repeat("ff", 16)), "03" + repeat("00", 15));
        // #6: s overflows 2^128.
        vector(r2 + repeat("ff", 16), Hex.of("02" + repeat("00", 15)), "03" + repeat("00", 15));
        // #7: a carry across all limbs.
        vector(r1 + zero, Hex.of(repeat("ff", 16) + "f0" + repeat("ff", 15) + "11" + repeat("00", 15)),
                "05" + repeat("00", 15));
        // #8: h mod p is 0.
        vector(r1 + zero, Hex.of(repeat("ff", 16) + "fb" + repeat("fe", 15) + repeat("01", 16)),
                repeat("00", 16));
        // #9: h is p − 1 + something: the final subtraction must not happen.
        vector(r2 + zero, Hex.of("fd" + repeat("ff", 15)), "fa" + repeat("ff", 15));
        String r10 = "0100000000000000" + "0400000000000000";
        // #10 and #11: the reduction's carry into the top limb.
        vector(r10 + zero, Hex.of("e33594d7505e43b9" + "0000000000000000" + "3394d7505e4379cd" + "0100000000000000"
                + repeat("00", 16) + "01" + repeat("00", 15)), "1400000000000000" + "5500000000000000");
        vector(r10 + zero, Hex.of("e33594d7505e43b9" + "0000000000000000" + "3394d7505e4379cd" + "0100000000000000"
                + repeat("00", 16)), "13" + repeat("00", 15));
    }

    @Test
    void extremeKeysAndMessagesOfEveryLengthAgreeWithBouncyCastle() {
        // r = 1 and r = 2^66 + 1 keep the accumulator at the sum of the blocks, which all-0xff
        // blocks drive to just under 2^130 and across it: every carry of the reduction is taken.
        byte[] rOne = new byte[32];
        rOne[0] = 1;
        byte[] rTwoLimbs = rOne.clone();
        rTwoLimbs[8] = 4;
        byte[][] keys = {new byte[32], rOne, rTwoLimbs, filled(32, 0xff), filled(32, 0x00, 0xff), filled(32, 0x7f)};
        byte[][] fills = {null, filled(1, 0xff), filled(1, 0x00)};
        Random random = new Random(1305);
        for (byte[] key : keys) {
            for (byte[] fill : fills) {
                for (int length = 0; length <= longestExtremeLength(); length++) {
                    byte[] message = new byte[length];
                    if (fill == null) {
                        random.nextBytes(message);
                    } else {
                        Arrays.fill(message, fill[0]);
                    }
                    assertArrayEquals(bouncyCastle(key, message), ours(key, message), "length " + length);
                }
            }
        }
    }

    @Property(tries = 500)
    void randomKeysAndMessagesAgreeWithBouncyCastle(@ForAll long seed, @ForAll @IntRange(max = 3000) int length) {
        Random random = new Random(seed);
        byte[] key = new byte[32];
        random.nextBytes(key);
        byte[] message = new byte[length];
        random.nextBytes(message);
        assertArrayEquals(bouncyCastle(key, message), ours(key, message));
    }

    @Property(tries = 300)
    void theAeadTagIsTheMacOfThePaddedCiphertextAndItsLengths(@ForAll long seed, @ForAll @IntRange(max = 1500) int length,
                                                            @ForAll @IntRange(max = 7) int offset) {
        Random random = new Random(seed);
        byte[] key = new byte[32];
        random.nextBytes(key);
        byte[] ciphertext = new byte[offset + length + 16];
        random.nextBytes(ciphertext);
        int padded = (length + 15) & ~15;
        byte[] macInput = new byte[padded + 16];
        System.arraycopy(ciphertext, offset, macInput, 0, length);
        for (int i = 0; i < 8; i++) {
            macInput[padded + 8 + i] = (byte) ((long) length >>> (8 * i));
        }
        poly.aeadTag(key, ciphertext, offset, length, ciphertext, offset + length);
        assertArrayEquals(bouncyCastle(key, macInput), Arrays.copyOfRange(ciphertext, offset + length, offset + length + 16));
    }

    private static byte[] filled(int length, int... pattern) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) pattern[i % pattern.length];
        }
        return b;
    }
}
