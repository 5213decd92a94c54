package dev.weft.dataplane.wireguard;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import org.bouncycastle.crypto.digests.Blake2sDigest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * The primitives of WireGuard's Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s (whitepaper 5.4):
 * HASH, MAC (keyed BLAKE2s-128), HMAC-BLAKE2s, the HKDF-style KDF, and DH.
 * Handshake-path only: these allocate and are not meant for per-packet use.
 */
final class NoiseCrypto {

    static final int HASH_SIZE = 32;
    static final int MAC_SIZE = 16;
    static final byte[] CONSTRUCTION = "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s".getBytes(StandardCharsets.US_ASCII);
    static final byte[] IDENTIFIER = "WireGuard v1 zx2c4 Jason@zx2c4.com".getBytes(StandardCharsets.US_ASCII);
    static final byte[] LABEL_MAC1 = "mac1----".getBytes(StandardCharsets.US_ASCII);
    static final byte[] LABEL_COOKIE = "cookie--".getBytes(StandardCharsets.US_ASCII);

    private NoiseCrypto() {
    }

    /** The initial chaining key Ci = HASH(Construction). */
    static byte[] initialChainKey() {
        return hash(CONSTRUCTION);
    }

    /** The initial hash Hi = HASH(Ci || Identifier). */
    static byte[] initialHash() {
        return hash(initialChainKey(), IDENTIFIER);
    }

    /** BLAKE2s-256 of the concatenation of {@code parts}. */
    static byte[] hash(byte[]... parts) {
        Blake2sDigest digest = new Blake2sDigest(256);
        for (byte[] part : parts) {
            digest.update(part, 0, part.length);
        }
        byte[] out = new byte[HASH_SIZE];
        digest.doFinal(out, 0);
        return out;
    }

    /** MAC(key, data) = keyed BLAKE2s with a 16-byte output, written to {@code out}. */
    static void mac(byte[] key, byte[] data, int offset, int length, byte[] out, int outOffset) {
        Blake2sDigest digest = new Blake2sDigest(key, MAC_SIZE, null, null);
        digest.update(data, offset, length);
        digest.doFinal(out, outOffset);
    }

    /** MAC(key, data) as a new 16-byte array. */
    static byte[] mac(byte[] key, byte[] data, int offset, int length) {
        byte[] out = new byte[MAC_SIZE];
        mac(key, data, offset, length, out, 0);
        return out;
    }

    /** HMAC-BLAKE2s-256(key, concatenation of parts). */
    static byte[] hmac(byte[] key, byte[]... parts) {
        HMac hmac = new HMac(new Blake2sDigest(256));
        hmac.init(new KeyParameter(key));
        for (byte[] part : parts) {
            hmac.update(part, 0, part.length);
        }
        byte[] out = new byte[HASH_SIZE];
        hmac.doFinal(out, 0);
        return out;
    }

    /**
     * KDFn(key, input): τ0 = HMAC(key, input), τ1 = HMAC(τ0, 0x1), τi = HMAC(τ0, τi-1 || i).
     * Returns τ1..τn.
     */
    static byte[][] kdf(int n, byte[] key, byte[] input) {
        byte[] prk = hmac(key, input);
        byte[][] out = new byte[n][];
        byte[] previous = new byte[0];
        for (int i = 0; i < n; i++) {
            previous = hmac(prk, previous, new byte[] {(byte) (i + 1)});
            out[i] = previous;
        }
        Arrays.fill(prk, (byte) 0);
        return out;
    }

    /**
     * X25519(privateKey, publicKey), or null when the result is all zeros (a low-order
     * public key), which WireGuard refuses.
     */
    static byte[] dh(byte[] privateKey, byte[] publicKey) {
        byte[] shared = new byte[32];
        if (!X25519.calculateAgreement(privateKey, 0, publicKey, 0, shared, 0)) {
            return null;
        }
        return shared;
    }

    /** Constant-time equality. */
    static boolean equal(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }

    /** Constant-time check of a 16-byte MAC stored at {@code offset} of {@code data}. */
    static boolean macMatches(byte[] expected, byte[] data, int offset) {
        int diff = 0;
        for (int i = 0; i < MAC_SIZE; i++) {
            diff |= expected[i] ^ data[offset + i];
        }
        return diff == 0;
    }

    static boolean isZero(byte[] key) {
        int acc = 0;
        for (byte b : key) {
            acc |= b;
        }
        return acc == 0;
    }

    static void zero(byte[]... keys) {
        for (byte[] key : keys) {
            if (key != null) {
                Arrays.fill(key, (byte) 0);
            }
        }
    }
}
