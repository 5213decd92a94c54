package dev.weft.dataplane.wireguard;

import dev.weft.dataplane.crypto.ChaCha20Poly1305;

/**
 * AEAD(key, counter, plaintext, ad) of the whitepaper on byte arrays: {@link ChaCha20Poly1305}
 * with the nonce 32 zero bits || 64-bit little-endian counter.
 * Handshake-path helper; the transport path uses {@link TransportCipher}.
 */
final class ChaChaPoly {
    static final int TAG_SIZE = ChaCha20Poly1305.TAG_SIZE;

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
        return ChaCha20Poly1305.seal(key, nonce, plaintext, ad);
    }

    /** The plaintext, or null when authentication fails. */
    static byte[] open(byte[] key, long counter, byte[] ciphertext, byte[] ad) {
        return openWithNonce(key, nonce(counter), ciphertext, ad);
    }

    static byte[] openWithNonce(byte[] key, byte[] nonce, byte[] ciphertext, byte[] ad) {
        return ChaCha20Poly1305.open(key, nonce, ciphertext, ad);
    }
}
