package dev.weft.dataplane.wireguard;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.Blake2sDigest;

/**
 * A minimal, independent rendering of the whitepaper's formulas for tests: HMAC written out
 * from RFC 2104, X25519 from the JDK (not BouncyCastle), AEAD straight on the JDK cipher.
 * Shares no code with the implementation under test except the (KAT-checked) BLAKE2s digest.
 */
final class ReferenceNoise {
    static final byte[] CONSTRUCTION = "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s".getBytes(StandardCharsets.US_ASCII);
    static final byte[] IDENTIFIER = "WireGuard v1 zx2c4 Jason@zx2c4.com".getBytes(StandardCharsets.US_ASCII);
    static final byte[] LABEL_MAC1 = "mac1----".getBytes(StandardCharsets.US_ASCII);

    private ReferenceNoise() {
    }

    static byte[] hash(byte[]... parts) {
        Blake2sDigest d = new Blake2sDigest(256);
        for (byte[] p : parts) {
            d.update(p, 0, p.length);
        }
        byte[] out = new byte[32];
        d.doFinal(out, 0);
        return out;
    }

    static byte[] mac(byte[] key, byte[] data, int length) {
        Blake2sDigest d = new Blake2sDigest(key, 16, null, null);
        d.update(data, 0, length);
        byte[] out = new byte[16];
        d.doFinal(out, 0);
        return out;
    }

    /** RFC 2104 with BLAKE2s (block size 64). */
    static byte[] hmac(byte[] key, byte[] input) {
        byte[] k = new byte[64];
        System.arraycopy(key.length > 64 ? hash(key) : key, 0, k, 0, Math.min(64, key.length > 64 ? 32 : key.length));
        byte[] ipad = new byte[64];
        byte[] opad = new byte[64];
        for (int i = 0; i < 64; i++) {
            ipad[i] = (byte) (k[i] ^ 0x36);
            opad[i] = (byte) (k[i] ^ 0x5c);
        }
        return hash(opad, hash(ipad, input));
    }

    static byte[][] kdf(int n, byte[] key, byte[] input) {
        byte[] t0 = hmac(key, input);
        byte[][] out = new byte[n][];
        out[0] = hmac(t0, new byte[] {1});
        for (int i = 1; i < n; i++) {
            out[i] = hmac(t0, concat(out[i - 1], new byte[] {(byte) (i + 1)}));
        }
        return out;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static byte[] dh(byte[] privateKey, byte[] publicKey) {
        try {
            KeyFactory kf = KeyFactory.getInstance("XDH");
            PrivateKey priv = kf.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, privateKey));
            byte[] rev = new byte[32];
            for (int i = 0; i < 32; i++) {
                rev[i] = publicKey[31 - i];
            }
            rev[0] &= 0x7f;
            PublicKey pub = kf.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, new BigInteger(1, rev)));
            KeyAgreement ka = KeyAgreement.getInstance("XDH");
            ka.init(priv);
            ka.doPhase(pub, true);
            return ka.generateSecret();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] publicKey(byte[] privateKey) {
        byte[] nine = new byte[32];
        nine[0] = 9;
        return dh(privateKey, nine);
    }

    static byte[] aead(int mode, byte[] key, long counter, byte[] input, byte[] ad) {
        try {
            byte[] nonce = new byte[12];
            for (int i = 0; i < 8; i++) {
                nonce[4 + i] = (byte) (counter >>> (8 * i));
            }
            Cipher c = Cipher.getInstance("ChaCha20-Poly1305");
            c.init(mode, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce));
            c.updateAAD(ad);
            return c.doFinal(input);
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError("AEAD failed", e);
        }
    }

    static byte[] seal(byte[] key, long counter, byte[] plain, byte[] ad) {
        return aead(Cipher.ENCRYPT_MODE, key, counter, plain, ad);
    }

    static byte[] open(byte[] key, long counter, byte[] sealed, byte[] ad) {
        return aead(Cipher.DECRYPT_MODE, key, counter, sealed, ad);
    }

    static byte[] slice(byte[] b, int from, int length) {
        return java.util.Arrays.copyOfRange(b, from, from + length);
    }

    static void putLe32(byte[] b, int at, int v) {
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
        }
    }

    static int le32(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
    }

    static long le64(byte[] b, int at) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (b[at + i] & 0xff);
        }
        return v;
    }
}
