package dev.weft.dataplane.crypto;

import java.util.Arrays;
import org.bouncycastle.crypto.digests.Blake2sDigest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * HKDF (RFC 5869) over HMAC-BLAKE2s with empty info, exactly as the WireGuard whitepaper's
 * KDF_n (section 5.4): WireGuard's handshake and weft's control channel derive keys with it.
 */
public final class Hkdf {
    public static final int HASH_SIZE = 32;

    private Hkdf() {
    }

    /** HMAC-BLAKE2s(key, parts[0] || parts[1] || ...). */
    public static byte[] hmac(byte[] key, byte[]... parts) {
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
     * {@code n} 32-byte outputs: tau0 = HMAC(salt, input) (the extract step; WireGuard passes its
     * chaining key as the salt), tau1 = HMAC(tau0, 0x1), tau_i = HMAC(tau0, tau_{i-1} || i).
     */
    public static byte[][] derive(byte[] salt, byte[] input, int n) {
        if (n < 1 || n > 255) {
            throw new IllegalArgumentException("HKDF yields 1 to 255 blocks, not " + n);
        }
        byte[] tau0 = hmac(salt, input);
        byte[][] out = new byte[n][];
        byte[] previous = new byte[0];
        for (int i = 1; i <= n; i++) {
            out[i - 1] = hmac(tau0, previous, new byte[] {(byte) i});
            previous = out[i - 1];
        }
        Arrays.fill(tau0, (byte) 0);
        return out;
    }
}
