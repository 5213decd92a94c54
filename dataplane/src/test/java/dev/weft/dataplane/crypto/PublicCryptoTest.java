package dev.weft.dataplane.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The public crypto package as the control channel uses it. */
class PublicCryptoTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final String PLAINTEXT = "Ladies and Gentlemen of the class of '99: If I could offer you only one"
            + " tip for the future, sunscreen would be it.";

    /** draft-irtf-cfrg-xchacha-03, appendix A.3.1. */
    @Test
    void xchachaDraftVector() {
        byte[] key = HEX.parseHex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
        byte[] nonce = HEX.parseHex("404142434445464748494a4b4c4d4e4f5051525354555657");
        byte[] ad = HEX.parseHex("50515253c0c1c2c3c4c5c6c7");
        byte[] sealed = XChaCha20Poly1305.seal(key, nonce, PLAINTEXT.getBytes(StandardCharsets.US_ASCII), ad);
        String hex = HEX.formatHex(sealed);
        assertEquals("bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb", hex.substring(0, 64));
        assertEquals("c0875924c1c7987947deafd8780acf49", hex.substring(hex.length() - 32));
        assertArrayEquals(PLAINTEXT.getBytes(StandardCharsets.US_ASCII), XChaCha20Poly1305.open(key, nonce, sealed, ad));
    }

    @Test
    void xchachaRefusesEveryFlippedBitAndWrongAd() {
        SecureRandom random = new SecureRandom();
        byte[] key = new byte[32];
        byte[] nonce = new byte[24];
        random.nextBytes(key);
        random.nextBytes(nonce);
        byte[] ad = {1, 2, 3};
        byte[] sealed = XChaCha20Poly1305.seal(key, nonce, new byte[40], ad);
        for (int bit = 0; bit < sealed.length * 8; bit++) {
            byte[] t = sealed.clone();
            t[bit / 8] ^= (byte) (1 << (bit % 8));
            assertNull(XChaCha20Poly1305.open(key, nonce, t, ad), "bit " + bit);
        }
        assertNull(XChaCha20Poly1305.open(key, nonce, sealed, new byte[] {1, 2, 4}));
        byte[] otherNonce = nonce.clone();
        otherNonce[23] ^= 1;
        assertNull(XChaCha20Poly1305.open(key, otherNonce, sealed, ad));
        assertNull(XChaCha20Poly1305.open(key, nonce, new byte[15], ad), "shorter than a tag");
        assertThrows(IllegalArgumentException.class, () -> XChaCha20Poly1305.seal(key, new byte[12], new byte[1], ad));
    }

    @Test
    void x25519AgreesAndRefusesLowOrderPointsAndBadSizes() {
        SecureRandom random = new SecureRandom();
        byte[] a = Curve25519.generatePrivateKey(random);
        byte[] b = Curve25519.generatePrivateKey(random);
        assertArrayEquals(Curve25519.sharedSecret(a, Curve25519.publicKey(b)),
                Curve25519.sharedSecret(b, Curve25519.publicKey(a)));
        assertNull(Curve25519.sharedSecret(a, new byte[32]));
        byte[] one = new byte[32];
        one[0] = 1;
        assertNull(Curve25519.sharedSecret(a, one), "the point of order 1");
        assertThrows(IllegalArgumentException.class, () -> Curve25519.sharedSecret(a, new byte[31]));
    }

    @Test
    void hkdfBlocksChainAndDependOnSalt() {
        byte[] ikm = "input".getBytes(StandardCharsets.US_ASCII);
        byte[][] three = Hkdf.derive(new byte[] {1}, ikm, 3);
        assertArrayEquals(three[0], Hkdf.derive(new byte[] {1}, ikm, 1)[0]);
        byte[] tau0 = Hkdf.hmac(new byte[] {1}, ikm);
        assertArrayEquals(Hkdf.hmac(tau0, three[0], new byte[] {2}), three[1]);
        assertEquals(false, java.util.Arrays.equals(three[0], Hkdf.derive(new byte[] {2}, ikm, 1)[0]));
        assertThrows(IllegalArgumentException.class, () -> Hkdf.derive(new byte[0], ikm, 0));
    }
}
