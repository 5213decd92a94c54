package dev.weft.dataplane.wireguard;

import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.math.ec.rfc7748.X25519;

/** X25519 key helpers in WireGuard's conventions (base64 as {@code wg} prints keys). */
public final class Keys {

    /** Key size of X25519 keys, preshared keys and symmetric keys. */
    public static final int KEY_SIZE = 32;

    private Keys() {
    }

    /** A fresh, clamped X25519 private key. */
    public static byte[] generatePrivateKey(SecureRandom random) {
        byte[] key = new byte[KEY_SIZE];
        X25519.generatePrivateKey(random, key);
        return key;
    }

    /** The public key of {@code privateKey}, as {@code wg pubkey} computes it. */
    public static byte[] publicKey(byte[] privateKey) {
        if (privateKey == null || privateKey.length != KEY_SIZE) {
            throw new IllegalArgumentException("private key must be 32 bytes");
        }
        byte[] pub = new byte[KEY_SIZE];
        X25519.generatePublicKey(privateKey, 0, pub, 0);
        return pub;
    }

    /** Standard base64 with padding, 44 characters for a key. */
    public static String toBase64(byte[] key) {
        return Base64.getEncoder().encodeToString(key);
    }

    /**
     * Decodes a base64 key of exactly 32 bytes.
     *
     * @throws IllegalArgumentException on anything else
     */
    public static byte[] fromBase64(String text) {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(text.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("key is not valid base64", e);
        }
        if (raw.length != KEY_SIZE) {
            throw new IllegalArgumentException("key must decode to 32 bytes, got " + raw.length);
        }
        return raw;
    }
}
