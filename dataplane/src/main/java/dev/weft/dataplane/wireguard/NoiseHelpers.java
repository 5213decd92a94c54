package dev.weft.dataplane.wireguard;

import dev.weft.dataplane.crypto.Hkdf;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.bouncycastle.crypto.digests.Blake2sDigest;

/**
 * The hash, MAC and key-derivation functions of the WireGuard whitepaper (section 5.4):
 * HASH = BLAKE2s-256, MAC = keyed BLAKE2s-128, HMAC = HMAC-BLAKE2s, KDF_n = HKDF over HMAC
 * (the last two live in the public {@link Hkdf}, which weft's control channel shares).
 * Used on the handshake path only, where a few small allocations per message do not matter.
 */
final class NoiseHelpers {
    static final int HASH_SIZE = 32;
    static final int MAC_SIZE = 16;

    static final byte[] CONSTRUCTION =
            "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s".getBytes(StandardCharsets.US_ASCII);
    static final byte[] IDENTIFIER = "WireGuard v1 zx2c4 Jason@zx2c4.com".getBytes(StandardCharsets.US_ASCII);
    static final byte[] LABEL_MAC1 = "mac1----".getBytes(StandardCharsets.US_ASCII);
    static final byte[] LABEL_COOKIE = "cookie--".getBytes(StandardCharsets.US_ASCII);

    private NoiseHelpers() {
    }

    /** Ci = HASH(CONSTRUCTION): the initial chaining key. */
    static byte[] initialChainKey() {
        return hash(CONSTRUCTION);
    }

    /** Hi = HASH(Ci || IDENTIFIER): the initial hash. */
    static byte[] initialHash() {
        return hash(initialChainKey(), IDENTIFIER);
    }

    static byte[] hash(byte[]... parts) {
        Blake2sDigest digest = new Blake2sDigest(256);
        for (byte[] part : parts) {
            digest.update(part, 0, part.length);
        }
        byte[] out = new byte[HASH_SIZE];
        digest.doFinal(out, 0);
        return out;
    }

    /** H = HASH(H || data). */
    static byte[] mixHash(byte[] hash, byte[] data) {
        return hash(hash, data);
    }

    /** Keyed BLAKE2s with a 16-byte output over {@code data[off, off+len)}. */
    static byte[] mac(byte[] key, byte[] data, int off, int len) {
        Blake2sDigest digest = new Blake2sDigest(key, MAC_SIZE, null, null);
        digest.update(data, off, len);
        byte[] out = new byte[MAC_SIZE];
        digest.doFinal(out, 0);
        return out;
    }

    static byte[] hmac(byte[] key, byte[]... parts) {
        return Hkdf.hmac(key, parts);
    }

    /** KDF_n(key, input): HKDF with the chaining key as salt; returns tau1..tau_n. */
    static byte[][] kdf(int n, byte[] key, byte[] input) {
        return Hkdf.derive(key, input, n);
    }

    /** C = KDF1(C, data). */
    static byte[] mixKey(byte[] chainKey, byte[] data) {
        return kdf(1, chainKey, data)[0];
    }

    static boolean isZero(byte[] value) {
        int acc = 0;
        for (byte b : value) {
            acc |= b;
        }
        return acc == 0;
    }

    static void zero(byte[] value) {
        if (value != null) {
            Arrays.fill(value, (byte) 0);
        }
    }
}
