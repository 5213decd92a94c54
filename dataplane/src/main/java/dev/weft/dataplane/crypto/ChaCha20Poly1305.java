package dev.weft.dataplane.crypto;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.IvParameterSpec;

/**
 * ChaCha20-Poly1305 (RFC 8439) from the JDK on byte arrays, one message at a time: for
 * handshakes and control messages, where a cipher instance per call does not matter. The
 * WireGuard transport path has its own in-place cipher.
 */
public final class ChaCha20Poly1305 {
    public static final int KEY_SIZE = 32;
    public static final int NONCE_SIZE = 12;
    public static final int TAG_SIZE = 16;

    private ChaCha20Poly1305() {
    }

    /** {@code ciphertext || tag}; {@code ad} may be null (no associated data). */
    public static byte[] seal(byte[] key, byte[] nonce, byte[] plaintext, byte[] ad) {
        try {
            return init(Cipher.ENCRYPT_MODE, key, nonce, ad).doFinal(plaintext);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 unavailable", e);
        }
    }

    /** The plaintext, or null when authentication fails. */
    public static byte[] open(byte[] key, byte[] nonce, byte[] ciphertext, byte[] ad) {
        if (ciphertext.length < TAG_SIZE) {
            return null;
        }
        try {
            return init(Cipher.DECRYPT_MODE, key, nonce, ad).doFinal(ciphertext);
        } catch (AEADBadTagException e) {
            return null;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 unavailable", e);
        }
    }

    private static Cipher init(int mode, byte[] key, byte[] nonce, byte[] ad) throws GeneralSecurityException {
        if (key.length != KEY_SIZE || nonce.length != NONCE_SIZE) {
            throw new IllegalArgumentException("ChaCha20-Poly1305 takes a 32-byte key and a 12-byte nonce");
        }
        Cipher cipher = Cipher.getInstance("ChaCha20-Poly1305");
        OneShotKey k = new OneShotKey(key);
        try {
            cipher.init(mode, k, new IvParameterSpec(nonce));
        } finally {
            k.destroy();
        }
        if (ad != null && ad.length > 0) {
            cipher.updateAAD(ad);
        }
        return cipher;
    }

    /** A key whose only copy outside the cipher is zeroed right after init (SecretKeySpec cannot be). */
    private static final class OneShotKey implements SecretKey {
        private static final long serialVersionUID = 1L;
        private final byte[] key;

        OneShotKey(byte[] key) {
            this.key = key.clone();
        }

        @Override
        public String getAlgorithm() {
            return "ChaCha20";
        }

        @Override
        public String getFormat() {
            return "RAW";
        }

        @Override
        public byte[] getEncoded() {
            return key.clone();
        }

        @Override
        public void destroy() {
            Arrays.fill(key, (byte) 0);
        }

        @Override
        public String toString() {
            return "OneShotKey[redacted]";
        }
    }
}
