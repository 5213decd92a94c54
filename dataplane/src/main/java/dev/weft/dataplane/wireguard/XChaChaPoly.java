package dev.weft.dataplane.wireguard;

import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.NoSuchPaddingException;
import javax.crypto.spec.IvParameterSpec;

/**
 * XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha), used only for cookie replies: HChaCha20
 * derives a subkey from the key and the first 16 nonce bytes, then the JDK's
 * ChaCha20-Poly1305 runs with nonce 0x00000000 || nonce[16..24].
 */
final class XChaChaPoly {

    static final int NONCE_SIZE = 24;

    private XChaChaPoly() {
    }

    /** HChaCha20(key, 16-byte nonce) → 32-byte subkey. */
    static byte[] hchacha20(byte[] key, byte[] nonce16) {
        int[] s = new int[16];
        s[0] = 0x61707865;
        s[1] = 0x3320646e;
        s[2] = 0x79622d32;
        s[3] = 0x6b206574;
        for (int i = 0; i < 8; i++) {
            s[4 + i] = le32(key, i * 4);
        }
        for (int i = 0; i < 4; i++) {
            s[12 + i] = le32(nonce16, i * 4);
        }
        for (int round = 0; round < 10; round++) {
            quarterRound(s, 0, 4, 8, 12);
            quarterRound(s, 1, 5, 9, 13);
            quarterRound(s, 2, 6, 10, 14);
            quarterRound(s, 3, 7, 11, 15);
            quarterRound(s, 0, 5, 10, 15);
            quarterRound(s, 1, 6, 11, 12);
            quarterRound(s, 2, 7, 8, 13);
            quarterRound(s, 3, 4, 9, 14);
        }
        byte[] out = new byte[32];
        int[] words = {s[0], s[1], s[2], s[3], s[12], s[13], s[14], s[15]};
        for (int i = 0; i < 8; i++) {
            putLe32(out, i * 4, words[i]);
        }
        java.util.Arrays.fill(s, 0);
        return out;
    }

    /** Seals {@code plaintext}; returns ciphertext || tag. */
    static byte[] seal(byte[] key, byte[] nonce24, byte[] plaintext, byte[] aad) {
        try {
            Cipher cipher = init(Cipher.ENCRYPT_MODE, key, nonce24);
            cipher.updateAAD(aad);
            return cipher.doFinal(plaintext);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("XChaCha20-Poly1305 seal failed", e);
        }
    }

    /** Opens ciphertext || tag; returns the plaintext or null if not authentic. */
    static byte[] open(byte[] key, byte[] nonce24, byte[] data, int offset, int length, byte[] aad) {
        if (length < ChaChaPoly.TAG_SIZE) {
            return null;
        }
        try {
            Cipher cipher = init(Cipher.DECRYPT_MODE, key, nonce24);
            cipher.updateAAD(aad);
            return cipher.doFinal(data, offset, length);
        } catch (AEADBadTagException e) {
            return null;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("XChaCha20-Poly1305 open failed", e);
        }
    }

    private static Cipher init(int mode, byte[] key, byte[] nonce24) throws GeneralSecurityException {
        if (nonce24.length != NONCE_SIZE) {
            throw new IllegalArgumentException("XChaCha20 nonces are 24 bytes");
        }
        byte[] subkey = hchacha20(key, java.util.Arrays.copyOf(nonce24, 16));
        byte[] nonce = new byte[12];
        System.arraycopy(nonce24, 16, nonce, 4, 8);
        Cipher cipher;
        try {
            cipher = Cipher.getInstance("ChaCha20-Poly1305");
        } catch (NoSuchPaddingException e) {
            throw new IllegalStateException(e);
        }
        ChaChaKey chachaKey = new ChaChaKey(subkey);
        java.util.Arrays.fill(subkey, (byte) 0);
        cipher.init(mode, chachaKey, new IvParameterSpec(nonce));
        chachaKey.destroy();
        return cipher;
    }

    private static void quarterRound(int[] s, int a, int b, int c, int d) {
        s[a] += s[b];
        s[d] = Integer.rotateLeft(s[d] ^ s[a], 16);
        s[c] += s[d];
        s[b] = Integer.rotateLeft(s[b] ^ s[c], 12);
        s[a] += s[b];
        s[d] = Integer.rotateLeft(s[d] ^ s[a], 8);
        s[c] += s[d];
        s[b] = Integer.rotateLeft(s[b] ^ s[c], 7);
    }

    private static int le32(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
    }

    private static void putLe32(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
        b[off + 2] = (byte) (v >>> 16);
        b[off + 3] = (byte) (v >>> 24);
    }
}
