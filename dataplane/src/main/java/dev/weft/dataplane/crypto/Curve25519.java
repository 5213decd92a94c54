package dev.weft.dataplane.crypto;

import java.security.SecureRandom;
import org.bouncycastle.math.ec.rfc7748.X25519;

/** X25519 (RFC 7748) through BouncyCastle, which is faster than the JDK's here. */
public final class Curve25519 {
    public static final int KEY_SIZE = 32;

    private Curve25519() {
    }

    public static byte[] generatePrivateKey(SecureRandom random) {
        byte[] key = new byte[KEY_SIZE];
        X25519.generatePrivateKey(random, key);
        return key;
    }

    public static byte[] publicKey(byte[] privateKey) {
        checkSize(privateKey, "private");
        byte[] pub = new byte[KEY_SIZE];
        X25519.scalarMultBase(privateKey, 0, pub, 0);
        return pub;
    }

    /**
     * DH(private, public), or null when the result is all zeros: the peer sent a low-order
     * point, which would make the "shared" secret known to anyone (RFC 7748 section 6.1).
     * Callers must treat null as a refusal of the peer's key.
     */
    public static byte[] sharedSecret(byte[] privateKey, byte[] publicKey) {
        checkSize(privateKey, "private");
        checkSize(publicKey, "public");
        byte[] out = new byte[KEY_SIZE];
        if (!X25519.calculateAgreement(privateKey, 0, publicKey, 0, out, 0)) {
            return null;
        }
        return out;
    }

    private static void checkSize(byte[] key, String what) {
        if (key.length != KEY_SIZE) {
            throw new IllegalArgumentException("X25519 " + what + " keys are 32 bytes, not " + key.length);
        }
    }
}
