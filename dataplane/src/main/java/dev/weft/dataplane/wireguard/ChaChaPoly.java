package dev.weft.dataplane.wireguard;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;

/**
 * AEAD(key, counter, plaintext, ad) of the whitepaper on byte arrays: ChaCha20-Poly1305
 * (RFC 8439) from the JDK with the nonce 32 zero bits || 64-bit little-endian counter.
 * Handshake-path helper; the transport path uses {@link TransportCipher}.
 */
final class ChaChaPoly {
    static final int TAG_SIZE = 16;

    private ChaChaPoly() {
    }

    static byte[] nonce(long counter) {
        byte[] nonce = new byte[12];
        for (int i = 0; i < 8; i++) {
            nonce[4 + i] = (byte) (counter >>> (8 * i));
        }
        return nonce;
    }

    static byte[] seal(byte[] key, long counter, byte[] plaintext, byte[] ad) {
        return sealWithNonce(key, nonce(counter), plaintext, ad);
    }

    static byte[] sealWithNonce(byte[] key, byte[] nonce, byte[] plaintext, byte[] ad) {
        try {
            Cipher cipher = Cipher.getInstance("ChaCha20-Poly1305");
            ChaChaKey k = new ChaChaKey(key);
            cipher.init(Cipher.ENCRYPT_MODE, k, new IvParameterSpec(nonce));
            k.destroy();
            if (ad != null && ad.length > 0) {
                cipher.updateAAD(ad);
            }
            return cipher.doFinal(plaintext);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 unavailable", e);
        }
    }

    /** The plaintext, or null when authentication fails. */
    static byte[] open(byte[] key, long counter, byte[] ciphertext, byte[] ad) {
        return openWithNonce(key, nonce(counter), ciphertext, ad);
    }

    static byte[] openWithNonce(byte[] key, byte[] nonce, byte[] ciphertext, byte[] ad) {
        if (ciphertext.length < TAG_SIZE) {
            return null;
        }
        try {
            Cipher cipher = Cipher.getInstance("ChaCha20-Poly1305");
            ChaChaKey k = new ChaChaKey(key);
            cipher.init(Cipher.DECRYPT_MODE, k, new IvParameterSpec(nonce));
            k.destroy();
            if (ad != null && ad.length > 0) {
                cipher.updateAAD(ad);
            }
            return cipher.doFinal(ciphertext);
        } catch (javax.crypto.AEADBadTagException e) {
            return null;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 unavailable", e);
        }
    }
}
