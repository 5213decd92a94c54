package dev.weft.dataplane.wireguard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.weft.dataplane.crypto.Curve25519;
import dev.weft.dataplane.crypto.XChaCha20Poly1305;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Known-answer tests of the primitives. Sources: RFC 7693 appendix B and the BLAKE2
 * reference KAT (BLAKE2s), RFC 7748 sections 5.2 and 6.1 (X25519), RFC 8439 section 2.8.2
 * (ChaCha20-Poly1305), draft-irtf-cfrg-xchacha-03 section 2.2.1 (HChaCha20). HMAC-BLAKE2s and
 * HKDF values were computed independently with Python's hashlib/hmac.
 */
class CryptoKatTest {

    @Test
    void blake2sRfc7693() {
        assertEquals("508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982",
                Hex.of(NoiseHelpers.hash("abc".getBytes(StandardCharsets.US_ASCII))));
    }

    @Test
    void keyedBlake2sReferenceKat() {
        byte[] key = new byte[32];
        for (int i = 0; i < 32; i++) {
            key[i] = (byte) i;
        }
        org.bouncycastle.crypto.digests.Blake2sDigest d = new org.bouncycastle.crypto.digests.Blake2sDigest(key);
        byte[] out = new byte[32];
        d.doFinal(out, 0);
        assertEquals("48a8997da407876b3d79c0d92325ad3b89cbb754d86ab71aee047ad345fd2c49", Hex.of(out));
        byte[] in = new byte[64];
        for (int i = 0; i < 64; i++) {
            in[i] = (byte) i;
        }
        assertEquals("f1efa90d2547036841ecd3627fafbc36", Hex.of(NoiseHelpers.mac(key, in, 0, in.length)));
    }

    @Test
    void hmacAndHkdfBlake2s() {
        byte[] key = new byte[32];
        for (int i = 0; i < 32; i++) {
            key[i] = (byte) i;
        }
        byte[] msg = "WireGuard HMAC test".getBytes(StandardCharsets.US_ASCII);
        assertEquals("9826477d736cfb8534349d0b3ca804914a788554527ea0ca7f7f5a39a60b460f",
                Hex.of(NoiseHelpers.hmac(key, msg)));
        byte[][] t = NoiseHelpers.kdf(3, key, msg);
        assertEquals("757a4988bb8618ee8455bd3bf7b9f0d1ff0d6998f42217d8d64a40b5fada0b8d", Hex.of(t[0]));
        assertEquals("6c295335234e69ec3378bde437178565eb9845c8efc1aedaf0271def79bb4fda", Hex.of(t[1]));
        assertEquals("99f535a14620be96d7c1d88964a31f79bbbc553a2390cdbc0c4c92172ea8262f", Hex.of(t[2]));
        assertArrayEquals(t[0], NoiseHelpers.kdf(1, key, msg)[0]);
    }

    @Test
    void noiseInitialValues() {
        assertEquals("60e26daef327efc02ec335e2a025d2d016eb4206f87277f52d38d1988b78cd36",
                Hex.of(NoiseHelpers.initialChainKey()));
        assertEquals("2211b361081ac566691243db458ad5322d9c6c662293e8b70ee19c65ba079ef3",
                Hex.of(NoiseHelpers.initialHash()));
    }

    @Test
    void x25519Rfc7748() {
        byte[] out = new byte[32];
        org.bouncycastle.math.ec.rfc7748.X25519.scalarMult(
                Hex.of("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4"), 0,
                Hex.of("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c"), 0, out, 0);
        assertEquals("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552", Hex.of(out));

        byte[] alice = Hex.of("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        byte[] bob = Hex.of("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
        assertEquals("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
                Hex.of(Curve25519.publicKey(alice)));
        assertEquals("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
                Hex.of(Curve25519.publicKey(bob)));
        String shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
        assertEquals(shared, Hex.of(Curve25519.sharedSecret(alice, Curve25519.publicKey(bob))));
        assertEquals(shared, Hex.of(Curve25519.sharedSecret(bob, Curve25519.publicKey(alice))));
        assertNull(Curve25519.sharedSecret(alice, new byte[32]), "low-order point must be refused");
    }

    private static final String PLAINTEXT = "Ladies and Gentlemen of the class of '99: If I could offer you only one"
            + " tip for the future, sunscreen would be it.";
    private static final String CIPHERTEXT = "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
            + "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58"
            + "fab324e4fad675945585808b4831d7bc3ff4def08e4b7a9de576d26586cec64b6116" + "1ae10b594f09e26a7e902ecbd0600691";

    @Test
    void chacha20Poly1305Rfc8439() {
        byte[] key = Hex.of("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
        byte[] nonce = Hex.of("070000004041424344454647");
        byte[] aad = Hex.of("50515253c0c1c2c3c4c5c6c7");
        byte[] sealed = ChaChaPoly.sealWithNonce(key, nonce, PLAINTEXT.getBytes(StandardCharsets.US_ASCII), aad);
        assertEquals(CIPHERTEXT, Hex.of(sealed));
        assertArrayEquals(PLAINTEXT.getBytes(StandardCharsets.US_ASCII), ChaChaPoly.openWithNonce(key, nonce, sealed, aad));
        sealed[3] ^= 1;
        assertNull(ChaChaPoly.openWithNonce(key, nonce, sealed, aad));
    }

    @Test
    void transportCipherMatchesArrayAeadOnHeapAndDirectBuffers() {
        byte[] key = new byte[32];
        key[0] = 7;
        byte[] plain = new byte[100];
        for (int i = 0; i < plain.length; i++) {
            plain[i] = (byte) (i * 3);
        }
        byte[] expected = ChaChaPoly.seal(key, 42, plain, null);
        TransportCipher cipher = new TransportCipher();
        for (ByteBuf buf : new ByteBuf[] {Unpooled.buffer(200), Unpooled.directBuffer(200)}) {
            buf.setBytes(10, plain);
            org.junit.jupiter.api.Assertions.assertTrue(cipher.seal(new ChaChaKey(key), 42, buf, 10, plain.length));
            byte[] got = new byte[expected.length];
            buf.getBytes(10, got);
            assertArrayEquals(expected, got);
            assertEquals(plain.length, cipher.open(new ChaChaKey(key), 42, buf, 10, expected.length));
            byte[] back = new byte[plain.length];
            buf.getBytes(10, back);
            assertArrayEquals(plain, back);
            assertEquals(-1, cipher.open(new ChaChaKey(key), 43, buf, 10, expected.length));
            buf.release();
        }
        ChaChaKey destroyed = new ChaChaKey(key);
        destroyed.destroy();
        ByteBuf buf = Unpooled.buffer(200);
        org.junit.jupiter.api.Assertions.assertFalse(cipher.seal(destroyed, 1, buf, 0, 10));
        buf.release();
    }

    @Test
    void hchacha20AndXChaCha() {
        byte[] key = new byte[32];
        for (int i = 0; i < 32; i++) {
            key[i] = (byte) i;
        }
        assertEquals("82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc",
                Hex.of(XChaCha20Poly1305.hChaCha20(key, Hex.of("000000090000004a0000000031415927"))));
    }

    @Test
    void tai64nIsBigEndianWithBaseOffset() {
        byte[] t = Tai64n.of(1, 0x7fffffff);
        assertEquals("400000000000000b7f000000", Hex.of(t));
        org.junit.jupiter.api.Assertions.assertTrue(Tai64n.after(Tai64n.of(2, 0), t));
        org.junit.jupiter.api.Assertions.assertFalse(Tai64n.after(t, t));
    }
}
