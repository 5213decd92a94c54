package dev.weft.dataplane.wireguard;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.bouncycastle.crypto.digests.Blake2sDigest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * The hash, MAC and key-derivation functions of the WireGuard whitepaper (section 5.4):
 * HASH = BLAKE2s-256, MAC = keyed BLAKE2s-128, HMAC = HMAC-BLAKE2s, KDF_n = HKDF over HMAC.
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
     * KDF_n(key, input): tau0 = HMAC(key, input), tau1 = HMAC(tau0, 0x1),
     * tau_i = HMAC(tau0, tau_{i-1} || i). Returns tau1..tau_n.
     */
    static byte[][] kdf(int n, byte[] key, byte[] input) {
        byte[] tau0 = hmac(key, input);
        byte[][] out = new byte[n][];
        byte[] previous = new byte[0];
        for (int i = 1; i <= n; i++) {
            out[i - 1] = hmac(tau0, previous, new byte[] {(byte) i});
            previous = out[i - 1];
        }
        Arrays.fill(tau0, (byte) 0);
        return out;
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
