package dev.weft.dataplane.wireguard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * The handshake reference shares one primitive with the implementation: BouncyCastle's
 * BLAKE2s. This closes that gap: a BLAKE2s written from RFC 7693 in test code
 * ({@link ReferenceBlake2s}) is checked against the RFC and the BLAKE2 KAT, and then HASH,
 * MAC (keyed, 16-byte output), HMAC and KDF1..3 of {@link NoiseHelpers} must agree with it
 * on arbitrary inputs, block boundaries included.
 */
class IndependentPrimitivesTest {

    @Test
    void referenceBlake2sMatchesRfc7693AndTheKat() {
        assertEquals("508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982",
                Hex.of(ReferenceBlake2s.hash(32, null, "abc".getBytes(StandardCharsets.US_ASCII))));
        byte[] key = new byte[32];
        for (int i = 0; i < 32; i++) {
            key[i] = (byte) i;
        }
        assertEquals("48a8997da407876b3d79c0d92325ad3b89cbb754d86ab71aee047ad345fd2c49",
                Hex.of(ReferenceBlake2s.hash(32, key, new byte[0])));
        assertEquals("40d15fee7c328830166ac3f918650f807e7e01e177258cdc0a39b11f598066f1",
                Hex.of(ReferenceBlake2s.hash(32, key, new byte[] {0})));
    }

    @Test
    void everyLengthAroundBlockBoundaries() {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) 0x5a);
        byte[] data = new byte[200];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31 + 7);
        }
        for (int length = 0; length <= data.length; length++) {
            byte[] input = Arrays.copyOf(data, length);
            assertArrayEquals(ReferenceBlake2s.hash(32, null, input), NoiseHelpers.hash(input), "hash " + length);
            assertArrayEquals(ReferenceBlake2s.hash(16, key, input), NoiseHelpers.mac(key, data, 0, length),
                    "mac " + length);
        }
    }

    @Property(tries = 300)
    void hashAndMacAgree(@ForAll @Size(max = 400) byte[] data, @ForAll @Size(value = 32) byte[] key) {
        assertArrayEquals(ReferenceBlake2s.hash(32, null, data), NoiseHelpers.hash(data));
        assertArrayEquals(ReferenceBlake2s.hash(16, key, data), NoiseHelpers.mac(key, data, 0, data.length));
    }

    @Property(tries = 200)
    void hmacAndKdfAgreeWithTheWhitepaperDefinition(@ForAll @Size(value = 32) byte[] key,
                                                    @ForAll @Size(max = 100) byte[] input) {
        assertArrayEquals(ReferenceBlake2s.hmac(key, input), NoiseHelpers.hmac(key, input));
        byte[] t0 = ReferenceBlake2s.hmac(key, input);
        byte[] t1 = ReferenceBlake2s.hmac(t0, new byte[] {1});
        byte[] t2 = ReferenceBlake2s.hmac(t0, concat(t1, new byte[] {2}));
        byte[] t3 = ReferenceBlake2s.hmac(t0, concat(t2, new byte[] {3}));
        byte[][] kdf = NoiseHelpers.kdf(3, key, input);
        assertArrayEquals(t1, kdf[0]);
        assertArrayEquals(t2, kdf[1]);
        assertArrayEquals(t3, kdf[2]);
    }

    @Test
    void initialChainKeyAndHashFromTheReference() {
        byte[] ck = ReferenceBlake2s.hash(32, null,
                "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s".getBytes(StandardCharsets.US_ASCII));
        assertArrayEquals(ck, NoiseHelpers.initialChainKey());
        assertArrayEquals(ReferenceBlake2s.hash(32, null,
                concat(ck, "WireGuard v1 zx2c4 Jason@zx2c4.com".getBytes(StandardCharsets.US_ASCII))),
                NoiseHelpers.initialHash());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
