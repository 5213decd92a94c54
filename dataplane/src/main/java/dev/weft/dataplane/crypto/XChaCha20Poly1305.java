package dev.weft.dataplane.crypto;

import java.util.Arrays;

/**
 * XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha): HChaCha20 derives a subkey from the key and
 * the first 16 nonce bytes, then ChaCha20-Poly1305 runs with the nonce 0x00000000 || last 8
 * nonce bytes. The 24-byte nonce is large enough to be picked at random for every message
 * (WireGuard cookie replies, weft control messages).
 */
public final class XChaCha20Poly1305 {
    public static final int KEY_SIZE = 32;
    public static final int NONCE_SIZE = 24;
    public static final int TAG_SIZE = ChaCha20Poly1305.TAG_SIZE;

    private XChaCha20Poly1305() {
    }

    /** {@code ciphertext || tag}; {@code ad} may be null. */
    public static byte[] seal(byte[] key, byte[] nonce, byte[] plaintext, byte[] ad) {
        checkNonce(nonce);
        byte[] subkey = hChaCha20(key, nonce);
        try {
            return ChaCha20Poly1305.seal(subkey, chachaNonce(nonce), plaintext, ad);
        } finally {
            Arrays.fill(subkey, (byte) 0);
        }
    }

    /** The plaintext, or null when authentication fails. */
    public static byte[] open(byte[] key, byte[] nonce, byte[] ciphertext, byte[] ad) {
        checkNonce(nonce);
        byte[] subkey = hChaCha20(key, nonce);
        try {
            return ChaCha20Poly1305.open(subkey, chachaNonce(nonce), ciphertext, ad);
        } finally {
            Arrays.fill(subkey, (byte) 0);
        }
    }

    private static void checkNonce(byte[] nonce) {
        if (nonce.length != NONCE_SIZE) {
            throw new IllegalArgumentException("XChaCha20-Poly1305 nonces are 24 bytes, not " + nonce.length);
        }
    }

    private static byte[] chachaNonce(byte[] nonce) {
        byte[] out = new byte[12];
        System.arraycopy(nonce, 16, out, 4, 8);
        return out;
    }

    /** HChaCha20(key, nonce[0..16)): 20 ChaCha rounds, output words 0..3 and 12..15. */
    public static byte[] hChaCha20(byte[] key, byte[] nonce) {
        if (key.length != KEY_SIZE || nonce.length < 16) {
            throw new IllegalArgumentException("XChaCha20-Poly1305 takes a 32-byte key and a 24-byte nonce");
        }
        int[] x = new int[16];
        x[0] = 0x61707865;
        x[1] = 0x3320646e;
        x[2] = 0x79622d32;
        x[3] = 0x6b206574;
        for (int i = 0; i < 8; i++) {
            x[4 + i] = le32(key, 4 * i);
        }
        for (int i = 0; i < 4; i++) {
            x[12 + i] = le32(nonce, 4 * i);
        }
        for (int round = 0; round < 10; round++) {
            quarter(x, 0, 4, 8, 12);
            quarter(x, 1, 5, 9, 13);
            quarter(x, 2, 6, 10, 14);
            quarter(x, 3, 7, 11, 15);
            quarter(x, 0, 5, 10, 15);
            quarter(x, 1, 6, 11, 12);
            quarter(x, 2, 7, 8, 13);
            quarter(x, 3, 4, 9, 14);
        }
        byte[] out = new byte[32];
        for (int i = 0; i < 4; i++) {
            putLe32(out, 4 * i, x[i]);
            putLe32(out, 16 + 4 * i, x[12 + i]);
        }
        Arrays.fill(x, 0);
        return out;
    }

    private static void quarter(int[] x, int a, int b, int c, int d) {
        x[a] += x[b];
        x[d] = Integer.rotateLeft(x[d] ^ x[a], 16);
        x[c] += x[d];
        x[b] = Integer.rotateLeft(x[b] ^ x[c], 12);
        x[a] += x[b];
        x[d] = Integer.rotateLeft(x[d] ^ x[a], 8);
        x[c] += x[d];
        x[b] = Integer.rotateLeft(x[b] ^ x[c], 7);
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
