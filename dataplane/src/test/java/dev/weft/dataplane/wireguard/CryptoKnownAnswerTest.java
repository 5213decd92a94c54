package dev.weft.dataplane.wireguard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import org.bouncycastle.crypto.engines.ChaCha7539Engine;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.junit.jupiter.api.Test;

/** Known-answer tests of every primitive WireGuard uses, against published vectors. */
class CryptoKnownAnswerTest {

    @Test
    void blake2sRfc7693AppendixB() {
        byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
        byte[] expected = Hex.of("508C5E8C327C14E2E1A72BA34EEB452F37458B209ED63A294D999B4C86675982");
        assertArrayEquals(expected, NoiseCrypto.hash(abc));
        assertArrayEquals(expected, ReferenceBlake2s.hash(32, null, abc));
    }

    @Test
    void keyedBlake2sReferenceKat() {
        // blake2s-kat.txt from the BLAKE2 reference package: key 00..1f, inputs "" and 00.
        byte[] key = new byte[32];
        for (int i = 0; i < 32; i++) {
            key[i] = (byte) i;
        }
        byte[] empty = new byte[0];
        assertEquals("48a8997da407876b3d79c0d92325ad3b89cbb754d86ab71aee047ad345fd2c49",
                Hex.of(ReferenceBlake2s.hash(32, key, empty)));
        assertEquals("40d15fee7c328830166ac3f918650f807e7e01e177258cdc0a39b11f598066f1",
                Hex.of(ReferenceBlake2s.hash(32, key, new byte[] {0})));
    }

    @Test
    void macIsKeyedBlake2s128AsTheReferenceComputesIt() {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) 7);
        byte[] data = new byte[300];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 13);
        }
        for (int length : new int[] {0, 1, 63, 64, 65, 116, 132, 300}) {
            assertArrayEquals(ReferenceBlake2s.hash(16, key, Arrays.copyOf(data, length)),
                    NoiseCrypto.mac(key, data, 0, length), "length " + length);
        }
    }

    @Test
    void hmacAndKdfMatchRfc2104AndTheWhitepaperOverReferenceBlake2s() {
        byte[] key = Hex.of("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
        byte[] input = "Hi There".getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(ReferenceBlake2s.hmac(key, input), NoiseCrypto.hmac(key, input));

        byte[] t0 = ReferenceBlake2s.hmac(key, input);
        byte[] t1 = ReferenceBlake2s.hmac(t0, new byte[] {1});
        byte[] t2 = ReferenceBlake2s.hmac(t0, concat(t1, new byte[] {2}));
        byte[] t3 = ReferenceBlake2s.hmac(t0, concat(t2, new byte[] {3}));
        byte[][] kdf = NoiseCrypto.kdf(3, key, input);
        assertArrayEquals(t1, kdf[0]);
        assertArrayEquals(t2, kdf[1]);
        assertArrayEquals(t3, kdf[2]);
    }

    @Test
    void noiseConstantsAreTheProtocolNames() {
        // Ci = HASH("Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s"), known from the WireGuard sources and paper.
        assertEquals("60e26daef327efc02ec335e2a025d2d016eb4206f87277f52d38d1988b78cd36",
                Hex.of(NoiseCrypto.initialChainKey()));
        assertEquals("2211b361081ac566691243db458ad5322d9c6c662293e8b70ee19c65ba079ef3",
                Hex.of(NoiseCrypto.initialHash()));
    }

    @Test
    void x25519Rfc7748Section5_2() {
        byte[] scalar = Hex.of("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4");
        byte[] u = Hex.of("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c");
        assertEquals("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552",
                Hex.of(NoiseCrypto.dh(scalar, u)));
    }

    @Test
    void x25519Rfc7748Section6_1() {
        byte[] alicePrivate = Hex.of("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        byte[] bobPrivate = Hex.of("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
        assertEquals("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
                Hex.of(Keys.publicKey(alicePrivate)));
        assertEquals("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
                Hex.of(Keys.publicKey(bobPrivate)));
        String shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
        assertEquals(shared, Hex.of(NoiseCrypto.dh(alicePrivate, Keys.publicKey(bobPrivate))));
        assertEquals(shared, Hex.of(NoiseCrypto.dh(bobPrivate, Keys.publicKey(alicePrivate))));
    }

    @Test
    void x25519RefusesLowOrderPoints() {
        byte[] scalar = Hex.of("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4");
        assertNull(NoiseCrypto.dh(scalar, new byte[32]));
        byte[] one = new byte[32];
        one[0] = 1;
        assertNull(NoiseCrypto.dh(scalar, one));
    }

    @Test
    void chacha20Poly1305Rfc8439Section2_8_2() throws Exception {
        byte[] key = Hex.of("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
        byte[] nonce = Hex.of("070000004041424344454647");
        byte[] aad = Hex.of("50515253c0c1c2c3c4c5c6c7");
        byte[] plaintext = ("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the"
                + " future, sunscreen would be it.").getBytes(StandardCharsets.US_ASCII);
        String expected = "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
                + "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
                + "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
                + "3ff4def08e4b7a9de576d26586cec64b6116" + "1ae10b594f09e26a7e902ecbd0600691";
        Cipher cipher = Cipher.getInstance("ChaCha20-Poly1305");
        cipher.init(Cipher.ENCRYPT_MODE, new ChaChaKey(key), new IvParameterSpec(nonce));
        cipher.updateAAD(aad);
        assertEquals(expected, Hex.of(cipher.doFinal(plaintext)));
    }

    @Test
    void wireGuardNonceIsZeroPrefixedLittleEndianCounter() {
        byte[] key = Hex.of("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
        long counter = 0x0807060504030201L;
        byte[] plaintext = "sixteen bytes!!!".getBytes(StandardCharsets.US_ASCII);
        ChaChaPoly aead = new ChaChaPoly();
        byte[] sealed = aead.seal(new ChaChaKey(key), counter, plaintext, null);
        // Independent: BouncyCastle's lightweight AEAD with the nonce laid out by hand.
        org.bouncycastle.crypto.modes.ChaCha20Poly1305 bc = new org.bouncycastle.crypto.modes.ChaCha20Poly1305();
        bc.init(true, new ParametersWithIV(new KeyParameter(key), Hex.of("000000000102030405060708")));
        byte[] expected = new byte[plaintext.length + 16];
        int n = bc.processBytes(plaintext, 0, plaintext.length, expected, 0);
        try {
            bc.doFinal(expected, n);
        } catch (org.bouncycastle.crypto.InvalidCipherTextException e) {
            throw new AssertionError(e);
        }
        assertArrayEquals(expected, sealed);
        assertArrayEquals(plaintext, aead.open(new ChaChaKey(key), counter, sealed, 0, sealed.length, null));
        sealed[3] ^= 1;
        assertNull(aead.open(new ChaChaKey(key), counter, sealed, 0, sealed.length, null));
    }

    @Test
    void hchacha20DraftXchachaSection2_2_1() {
        byte[] key = Hex.of("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        byte[] nonce = Hex.of("000000090000004a0000000031415927");
        assertEquals("82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc",
                Hex.of(XChaChaPoly.hchacha20(key, nonce)));
    }

    @Test
    void hchacha20IsTheChaChaBlockWithoutTheFeedForward() {
        // With a zero first nonce word, the ChaCha20 block (RFC 8439) computed by BouncyCastle
        // minus the input state gives HChaCha20's output words.
        byte[] key = Hex.of("1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0");
        byte[] nonce16 = Hex.of("00000000aabbccddeeff001122334455");
        ChaCha7539Engine engine = new ChaCha7539Engine();
        engine.init(true, new ParametersWithIV(new KeyParameter(key), Arrays.copyOfRange(nonce16, 4, 16)));
        byte[] block = new byte[64];
        engine.processBytes(new byte[64], 0, 64, block, 0);
        int[] constants = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};
        byte[] expected = new byte[32];
        for (int i = 0; i < 4; i++) {
            putLe(expected, i * 4, le(block, i * 4) - constants[i]);
            putLe(expected, 16 + i * 4, le(block, 48 + i * 4) - le(nonce16, i * 4));
        }
        assertArrayEquals(expected, XChaChaPoly.hchacha20(key, nonce16));
    }

    @Test
    void xchachaRoundTripAndRejectsWrongAad() {
        byte[] key = new byte[32];
        byte[] nonce = new byte[24];
        Arrays.fill(nonce, (byte) 0x40);
        byte[] sealed = XChaChaPoly.seal(key, nonce, new byte[16], new byte[] {1});
        assertNotNull(XChaChaPoly.open(key, nonce, sealed, 0, sealed.length, new byte[] {1}));
        assertNull(XChaChaPoly.open(key, nonce, sealed, 0, sealed.length, new byte[] {2}));
    }

    @Test
    void tai64nIsBigEndianWithTheTaiLabelAndMonotonic() {
        java.time.Instant t = java.time.Instant.ofEpochSecond(1_700_000_000L, 999_999_999);
        byte[] stamp = Tai64n.stamp(t);
        assertEquals(0x400000000000000aL + 1_700_000_000L, java.nio.ByteBuffer.wrap(stamp).getLong());
        assertEquals(999_999_999 & ~0xffffff, java.nio.ByteBuffer.wrap(stamp).getInt(8));
        byte[] later = Tai64n.stamp(t.plusSeconds(1));
        assertEquals(true, Tai64n.isAfter(later, stamp));
        assertEquals(false, Tai64n.isAfter(stamp, stamp));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static int le(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
    }

    private static void putLe(byte[] b, int off, int v) {
        for (int i = 0; i < 4; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
    }
}
