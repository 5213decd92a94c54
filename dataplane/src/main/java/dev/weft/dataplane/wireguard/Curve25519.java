package dev.weft.dataplane.wireguard;

import java.security.SecureRandom;
import org.bouncycastle.math.ec.rfc7748.X25519;

/** X25519 (RFC 7748) through BouncyCastle, which is faster than the JDK's here. */
final class Curve25519 {
    static final int KEY_SIZE = 32;

    private Curve25519() {
    }

    static byte[] generatePrivateKey(SecureRandom random) {
        byte[] key = new byte[KEY_SIZE];
        X25519.generatePrivateKey(random, key);
        return key;
    }

    static byte[] publicKey(byte[] privateKey) {
        byte[] pub = new byte[KEY_SIZE];
        X25519.scalarMultBase(privateKey, 0, pub, 0);
        return pub;
    }

    /** DH(private, public), or null when the result is all zeros (a low-order point). */
    static byte[] sharedSecret(byte[] privateKey, byte[] publicKey) {
        byte[] out = new byte[KEY_SIZE];
        if (!X25519.calculateAgreement(privateKey, 0, publicKey, 0, out, 0)) {
            return null;
        }
        return out;
    }
}
